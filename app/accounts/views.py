"""An event's team: adding and removing co-organisers and check-in helpers; an admin
giving the event to another owner. Every change is in the audit log."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app import audit
from app.accounts import services
from app.accounts.forms import CoOrganiserForm, NewOwnerForm
from app.extensions import db
from app.forms import ConfirmForm
from app.models import AuditAction, OrganiserRole
from app.organiser.access import event_or_404

bp = Blueprint("accounts", __name__, url_prefix="/organiser")

NO_ACCOUNT = _l(
    "There is no organiser account with that email address. Ask an administrator to create one."
)


@bp.before_request
@login_required
def require_login():
    """Every page here needs a signed-in organiser."""


@bp.route("/events/<int:event_id>/organisers", methods=["GET", "POST"])
def organisers(event_id: int):
    event = event_or_404(event_id)
    form = CoOrganiserForm()
    if form.validate_on_submit():
        try:
            role = OrganiserRole(form.role.data)
            added = services.add_co_organiser(event, form.email.data, role)
            audit.record(AuditAction.ADDED_ORGANISER, event=event, detail=f"{added.email} {role}")
        except services.OrganiserNotFound:
            form.email.errors.append(NO_ACCOUNT)
        else:
            db.session.commit()
            if role == OrganiserRole.HELPER:
                flash(_("%(name)s can now check people in.", name=added.name), "success")
            else:
                flash(_("%(name)s is now a co-organiser.", name=added.name), "success")
            return redirect(url_for("accounts.organisers", event_id=event.id), code=303)
    return render_template(
        "accounts/organisers.html",
        event=event,
        form=form,
        may_remove=services.may_change_team(current_user, event),
    )


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
