"""Replying to an invitation through the links in the email: accept or decline."""

from flask import Blueprint, abort, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from app import clock
from app.extensions import db
from app.invitations import services
from app.invitations.forms import DeclineForm, accept_form_for
from app.models import Invitation
from app.places.services import waiting_position
from app.ratelimits import public_form
from app.signup.services import EventFull

bp = Blueprint("invitations", __name__, url_prefix="/invitations")


def _invitation_or_404(token: str) -> Invitation:
    invitation = services.invitation_for_token(token)
    if invitation is None:
        abort(404, description=_("This link is not valid. It may have expired."))
    return invitation


def _refused(invitation: Invitation, reason: Exception, token: str):
    db.session.rollback()
    return render_template(
        "invitations/refused.html",
        invitation=invitation,
        event=invitation.event,
        reason=type(reason).__name__,
        token=token,
    ), 409


@bp.get("/<token>")
def show(token: str):
    invitation = _invitation_or_404(token)
    registration = invitation.registration
    return render_template(
        "invitations/show.html",
        invitation=invitation,
        event=invitation.event,
        status=services.reply_status(invitation, clock.now()),
        registration=registration,
        position=waiting_position(registration) if registration else None,
        no_place_left=invitation.event.is_full_without_waiting_list(),
        token=token,
    )


@bp.route("/<token>/accept", methods=["GET", "POST"])
@public_form
def accept(token: str):
    invitation = _invitation_or_404(token)
    event = invitation.event
    form = accept_form_for(
        event, data={"name": invitation.name, "organisation": invitation.organisation}
    )
    if form.validate_on_submit():
        try:
            services.accept_invitation(
                invitation,
                name=form.name.data,
                organisation=form.organisation.data or "",
                answers=form.answers(),
                locale=str(get_locale()),
                sensitive_consent=form.gave_sensitive_answers(),
            )
        except (services.InvitationRefused, EventFull) as refusal:
            return _refused(invitation, refusal, token)
        db.session.commit()
        return redirect(url_for("invitations.show", token=token), code=303)
    try:
        services.check_can_reply(invitation)
    except services.InvitationRefused as refusal:
        return _refused(invitation, refusal, token)
    if event.is_full_without_waiting_list():  # say so before the form, not after it is filled in
        return _refused(invitation, EventFull(), token)
    return render_template("invitations/accept.html", invitation=invitation, event=event, form=form)


@bp.route("/<token>/decline", methods=["GET", "POST"])
@public_form
def decline(token: str):
    invitation = _invitation_or_404(token)
    form = DeclineForm()
    if form.validate_on_submit():
        try:
            services.decline_invitation(invitation, reason=form.reason.data or "")
        except services.InvitationRefused as refusal:
            return _refused(invitation, refusal, token)
        db.session.commit()
        return redirect(url_for("invitations.show", token=token), code=303)
    try:
        services.check_can_reply(invitation)
    except services.InvitationRefused as refusal:
        return _refused(invitation, refusal, token)
    return render_template(
        "invitations/decline.html", invitation=invitation, event=invitation.event, form=form
    )
