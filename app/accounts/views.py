"""An event's team: adding and removing co-organisers and check-in helpers (inviting those
with no account yet); an admin giving the event to another owner. Every change is in the
audit log."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app import audit
from app.accounts import invitations, services
from app.accounts.forms import CoOrganiserForm, NewOwnerForm
from app.extensions import db
from app.forms import ConfirmForm
from app.models import AuditAction, OrganiserRole
from app.organiser.access import event_or_404
from app.ratelimits import account_invitations

bp = Blueprint("accounts", __name__, url_prefix="/organiser")

NO_ACCOUNT = _l(
    "There is no organiser account with that email address. Invite them first in "
    "Administration, Accounts."
)
DEACTIVATED = _l(
    "The account with this email address is deactivated. Ask an administrator to reactivate it."
)


@bp.before_request
@login_required
def require_login():
    """Every page here needs a signed-in organiser."""


@bp.route("/events/<int:event_id>/organisers", methods=["GET", "POST"])
@account_invitations
def organisers(event_id: int):
    event = event_or_404(event_id)
    form = CoOrganiserForm()
    if form.validate_on_submit():
        role = OrganiserRole(form.role.data)
        try:
            change = invitations.add_or_invite(
                event,
                form.email.data,
                role,
                invited_by=current_user,
                locale=str(get_locale()),
                may_change=services.may_change_team(current_user, event),
            )
        except services.AlreadyOnTeam:
            form.email.errors.append(
                _(
                    "%(email)s is on this event's team already. Its owner or an administrator "
                    "can change their part.",
                    email=form.email.data,
                )
            )
        except services.AccountDeactivated:
            form.email.errors.append(DEACTIVATED)
        except invitations.AlreadyInvited:
            form.email.errors.append(_("They have been invited to this event already."))
        else:
            _record_team_change(event, change)
            db.session.commit()
            flash(_team_change_message(change), "success")
            return redirect(url_for("accounts.organisers", event_id=event.id), code=303)
    return render_template(
        "accounts/organisers.html",
        event=event,
        form=form,
        may_remove=services.may_change_team(current_user, event),
        pending=invitations.pending_for_event(event),
    )


def _record_team_change(event, change: invitations.TeamChange) -> None:
    if change.invitation is not None:
        detail = f"{change.invitation.email} {change.role}"
        audit.record(AuditAction.INVITED_ACCOUNT, event=event, detail=detail)
    else:
        detail = f"{change.organiser.email} {change.role}"
        audit.record(AuditAction.ADDED_ORGANISER, event=event, detail=detail)


def _team_change_message(change: invitations.TeamChange) -> str:
    if change.invitation is not None:
        return _(
            "%(email)s has no account in Kutsu yet: we sent them an invitation. Once they "
            "make their account, they are on this event's team.",
            email=change.invitation.email,
        )
    if change.role == OrganiserRole.HELPER:
        return _("%(name)s can now check people in.", name=change.organiser.name)
    return _("%(name)s is now a co-organiser.", name=change.organiser.name)


@bp.post("/events/<int:event_id>/organisers/invitations/<int:invitation_id>/withdraw")
def withdraw_invitation(event_id: int, invitation_id: int):
    event = event_or_404(event_id)
    invitation = invitations.pending_invitation(invitation_id, event=event)
    if invitation is None:
        abort(404)
    invitations.withdraw(invitation)
    audit.record(AuditAction.WITHDREW_INVITATION, event=event, detail=invitation.email)
    db.session.commit()
    flash(_("The invitation to %(email)s was withdrawn.", email=invitation.email), "success")
    return redirect(url_for("accounts.organisers", event_id=event.id), code=303)


def _team_change_or_404(event_id: int):
    """The event, for its owner or an admin; 404 for anyone else, as for another's event."""
    event = event_or_404(event_id)
    if not services.may_change_team(current_user, event):
        abort(404)
    return event


@bp.route("/events/<int:event_id>/organisers/<int:organiser_id>/remove", methods=["GET", "POST"])
def remove(event_id: int, organiser_id: int):
    event = _team_change_or_404(event_id)
    link = services.removable_link(event, organiser_id)
    if link is None:
        abort(404)
    person, role = link.organiser, link.role
    if ConfirmForm().validate_on_submit():
        services.remove_from_event(event, link)
        audit.record(AuditAction.REMOVED_ORGANISER, event=event, detail=f"{person.email} {role}")
        db.session.commit()
        flash(_("%(name)s no longer has access to this event.", name=person.name), "success")
        return redirect(url_for("accounts.organisers", event_id=event.id), code=303)
    return render_template("accounts/remove.html", event=event, person=person, role=role)


@bp.route("/events/<int:event_id>/owner", methods=["GET", "POST"])
def transfer(event_id: int):
    """An admin gives the event to another organiser: when its owner leaves, say."""
    event = event_or_404(event_id)
    if not current_user.is_admin:
        abort(404)
    form = NewOwnerForm()
    if form.validate_on_submit():
        try:
            new_owner, before = services.transfer_ownership(event, form.email.data)
        except services.AccountDeactivated:
            form.email.errors.append(DEACTIVATED)
        except services.OrganiserNotFound:
            form.email.errors.append(NO_ACCOUNT)
        except services.AlreadyOwner:
            form.email.errors.append(_("They own the event already. Enter someone else's address."))
        else:
            detail = f"{before.email if before else '-'} -> {new_owner.email}"
            audit.record(AuditAction.TRANSFERRED_OWNER, event=event, detail=detail)
            db.session.commit()
            flash(_("%(name)s is now the owner of the event.", name=new_owner.name), "success")
            return redirect(url_for("accounts.organisers", event_id=event.id), code=303)
    owner = services.owner_of(event)
    return render_template("accounts/transfer.html", event=event, form=form, owner=owner)
