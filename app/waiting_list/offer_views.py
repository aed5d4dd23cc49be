"""A person's answer to a timed offer of a place, from their manage page (whose link the
offer's email carries): accept it, or decline it so that it passes on at once."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app.extensions import db
from app.places import offers
from app.ratelimits import public_form
from app.signup.services import registration_for_manage_token

bp = Blueprint("offer", __name__)


@bp.post("/manage/<token>/offer/accept")
@public_form
def accept(token: str):
    registration = _registration_or_404(token)
    try:
        offers.accept_offer(registration)
    except offers.OfferGone:
        return _gone(registration, token)
    db.session.commit()
    flash(_("You accepted the place: it is yours. A confirmation is on its way."), "success")
    return redirect(url_for("signup.manage", token=token), code=303)


@bp.post("/manage/<token>/offer/decline")
@public_form
def decline(token: str):
    registration = _registration_or_404(token)
    try:
        offers.decline_offer(registration)
    except offers.OfferGone:
        return _gone(registration, token)
    db.session.commit()
    flash(_("You declined the place: it goes to the next person waiting."), "success")
    return redirect(url_for("signup.manage", token=token), code=303)


def _registration_or_404(token: str):
    registration = registration_for_manage_token(token)
    if registration is None:
        abort(404, description=_("This link is not valid. It may have expired."))
    return registration


def _gone(registration, token: str):
    """The offer is no longer open: nothing changed, and the page says why."""
    db.session.rollback()
    page = render_template(
        "waiting_list/offer_gone.html",
        registration=registration,
        event=registration.event,
        token=token,
    )
    return page, 409
