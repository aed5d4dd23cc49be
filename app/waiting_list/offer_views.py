"""A person's answer to a timed offer of a place, from their manage page (whose link the
offer's email carries): accept it, or decline it so that it passes on at once."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.places import offers
from app.ratelimits import public_form
from app.signup.services import registration_for_manage_token

bp = Blueprint("offer", __name__)


# What each answer does, and what the person is told after it.
ANSWERS = {
    "accept": (
        offers.accept_offer,
        _l("You accepted the place: it is yours. A confirmation is on its way."),
    ),
    "decline": (
        offers.decline_offer,
        _l("You declined the place: it goes to the next person waiting."),
    ),
}


@bp.post("/manage/<token>/offer/<any(accept, decline):answer>")
@public_form
def answer(token: str, answer: str):
    registration = _registration_or_404(token)
    act, said = ANSWERS[answer]
    try:
        act(registration)
    except offers.OfferGone:
        return _gone(registration, token)
    db.session.commit()
    flash(str(said), "success")
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
