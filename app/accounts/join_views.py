"""The page an invited person opens from their mail: their name and a password, and they
are signed in. Unknown, expired, used and withdrawn links all get the same page, so the
page tells nobody which addresses were invited or have accounts."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_user

from app import audit
from app.accounts import invitations
from app.accounts.forms import AcceptInvitationForm
from app.database import reading
from app.extensions import db
from app.models import AuditAction
from app.ratelimits import accept_invitation, public_form

bp = Blueprint("join", __name__, url_prefix="/join")


def _not_valid():
    return render_template("accounts/join_not_valid.html"), 404


@bp.route("/<token>", methods=["GET", "POST"])
@public_form
@accept_invitation
def accept(token: str):
    with reading():
        invitation = invitations.invitation_for_link(token)
    if invitation is None:
        return _not_valid()
    form = AcceptInvitationForm(account=invitation)
    if form.validate_on_submit():
        accepted = invitations.accept(token, form.name.data, form.password.data)
        if accepted is None:  # used or withdrawn a moment ago
            db.session.rollback()
            return _not_valid()
        organiser, invitation = accepted
        login_user(organiser)
        audit.record(
            AuditAction.ACCEPTED_INVITATION,
            event=invitation.event,
            detail=f"{organiser.email} {invitation.role}",
        )
        db.session.commit()
        flash(_("Welcome to Kutsu, %(name)s. You are signed in.", name=organiser.name), "success")
        return redirect(url_for("home.dashboard"), code=303)
    return render_template("accounts/join.html", form=form, invitation=invitation)
