"""Administration, Accounts: who has an account and in what role, inviting people,
changing roles, deactivating and reactivating. Admins only; 404 to anyone else."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required

from app import audit
from app.accounts import invitations, roles
from app.accounts.forms import AccountRoleForm, InviteForm
from app.bounds import page_number, search_text
from app.extensions import db
from app.forms import ConfirmForm
from app.models import AccountRole, AuditAction
from app.ratelimits import account_invitations

bp = Blueprint("admin_accounts", __name__, url_prefix="/admin/accounts")

ROLE_NAMES = {
    AccountRole.ADMIN: _l("administrator"),
    AccountRole.ORGANISER: _l("organiser"),
    AccountRole.HELPER: _l("check-in helper"),
}
LAST_ADMIN = _l("This is the only active administrator. Make someone else an administrator first.")


@bp.before_request
@login_required
def admins_only():
    # 404 as elsewhere: the pages of others do not exist as far as anyone can tell.
    if not current_user.is_admin:
        abort(404)


@bp.get("")
def index():
    search = search_text(request.args.get("q"))
    page = request.args.get("page", 1, type=page_number)
    rows, page, pages, total = roles.account_page(search, page)
    return render_template(
        "accounts/index.html",
        rows=rows,
        page=page,
        pages=pages,
        total=total,
        search=search,
        pending=roles.pending_invitations(search),
        orphaned=roles.events_without_organiser(),
        role_names=ROLE_NAMES,
    )


@bp.route("/invite", methods=["GET", "POST"])
@account_invitations
def invite():
    form = InviteForm(data=None if request.method == "POST" else {"language": str(get_locale())})
    if form.validate_on_submit():
        role = AccountRole(form.role.data)
        try:
            invited = invitations.invite(
                form.email.data, role, invited_by=current_user, locale=form.language.data
            )
        except invitations.AccountExists as exists:
            form.email.errors.append(_account_exists(exists.organiser))
        except invitations.AlreadyInvited:
            form.email.errors.append(
                _("They have been invited already. Send the invitation again from the list.")
            )
        else:
            audit.record(AuditAction.INVITED_ACCOUNT, detail=f"{invited.email} {role}")
            db.session.commit()
            flash(_("An invitation was sent to %(email)s.", email=invited.email), "success")
            return redirect(url_for("admin_accounts.index"), code=303)
    return render_template("accounts/invite.html", form=form)


def _account_exists(organiser) -> str:
    if not organiser.active:
        return _(
            "%(email)s has an account, but it is deactivated. Reactivate it instead.",
            email=organiser.email,
        )
    return _("%(email)s has an account already.", email=organiser.email)


def _account_or_404(organiser_id: int):
    organiser = roles.account(organiser_id)
    if organiser is None:
        abort(404)
    return organiser


@bp.route("/<int:organiser_id>", methods=["GET", "POST"])
def account(organiser_id: int):
    """One account: its role, and deactivating or reactivating it."""
    organiser = _account_or_404(organiser_id)
    form = AccountRoleForm(
        data=None if request.method == "POST" else {"role": organiser.account_role.value}
    )
    if form.validate_on_submit():
        role = AccountRole(form.role.data)
        try:
            before = roles.change_role(organiser, role)
        except roles.LastAdmin:
            db.session.rollback()
            form.role.errors.append(LAST_ADMIN)
        else:
            if before != role:
                audit.record(
                    AuditAction.CHANGED_ROLE, detail=f"{organiser.email} {before} -> {role}"
                )
            db.session.commit()
            flash(
                _("%(name)s is now: %(role)s.", name=organiser.name, role=ROLE_NAMES[role]),
                "success",
            )
            return redirect(url_for("admin_accounts.account", organiser_id=organiser.id), code=303)
    return render_template(
        "accounts/account.html", organiser=organiser, form=form, role_names=ROLE_NAMES
    )


@bp.route("/<int:organiser_id>/deactivate", methods=["GET", "POST"])
def deactivate(organiser_id: int):
    organiser = _account_or_404(organiser_id)
    if not organiser.active:
        return redirect(url_for("admin_accounts.account", organiser_id=organiser.id), code=303)
    problem = None
    if ConfirmForm().validate_on_submit():
        try:
            roles.deactivate(organiser)
        except roles.LastAdmin:
            db.session.rollback()
            problem = LAST_ADMIN
        else:
            audit.record(AuditAction.DEACTIVATED_ACCOUNT, detail=organiser.email)
            db.session.commit()
            flash(_("%(name)s can no longer sign in.", name=organiser.name), "success")
            return redirect(url_for("admin_accounts.account", organiser_id=organiser.id), code=303)
    return render_template("accounts/deactivate.html", organiser=organiser, problem=problem)


@bp.post("/<int:organiser_id>/reactivate")
def reactivate(organiser_id: int):
    organiser = _account_or_404(organiser_id)
    if ConfirmForm().validate_on_submit() and not organiser.active:
        roles.reactivate(organiser)
        audit.record(AuditAction.REACTIVATED_ACCOUNT, detail=organiser.email)
        db.session.commit()
        flash(_("%(name)s can sign in again.", name=organiser.name), "success")
    return redirect(url_for("admin_accounts.account", organiser_id=organiser.id), code=303)


def _pending_or_404(invitation_id: int):
    invitation = invitations.pending_invitation(invitation_id)
    if invitation is None:
        abort(404)
    return invitation


@bp.post("/invitations/<int:invitation_id>/resend")
@account_invitations
def resend(invitation_id: int):
    invitation = _pending_or_404(invitation_id)
    invitations.resend(invitation)
    audit.record(
        AuditAction.INVITED_ACCOUNT,
        event=invitation.event,
        detail=f"{invitation.email} {invitation.role} (again)",
    )
    db.session.commit()
    flash(
        _(
            "The invitation was sent again to %(email)s. The earlier link no longer works.",
            email=invitation.email,
        ),
        "success",
    )
    return redirect(url_for("admin_accounts.index"), code=303)


@bp.post("/invitations/<int:invitation_id>/withdraw")
def withdraw(invitation_id: int):
    invitation = _pending_or_404(invitation_id)
    invitations.withdraw(invitation)
    audit.record(AuditAction.WITHDREW_INVITATION, event=invitation.event, detail=invitation.email)
    db.session.commit()
    flash(_("The invitation to %(email)s was withdrawn.", email=invitation.email), "success")
    return redirect(url_for("admin_accounts.index"), code=303)
