"""The manage link's page for changing how one takes part in a hybrid event: in person or
online, within each mode's places (app.places.switching)."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _

from app import clock
from app.extensions import db
from app.forms import KutsuForm
from app.models import ParticipationMode
from app.places import modes
from app.places.services import waiting_position
from app.places.switching import Switch, switch_mode
from app.ratelimits import public_form
from app.signup import services
from app.signup.mode_form import mode_field

bp = Blueprint("signup_mode", __name__)


class ModeForm(KutsuForm):
    mode = mode_field()


@bp.route("/manage/<token>/mode", methods=["GET", "POST"])
@public_form
def change_mode(token: str):
    registration = services.registration_for_manage_token(token)
    if registration is None:
        abort(404, description=_("This link is not valid. It may have expired."))
    event = registration.event
    if not modes.is_hybrid(event) or not services.can_change(registration, clock.now()):
        return redirect(url_for("signup.manage", token=token), code=303)
    form = ModeForm(data={"mode": (registration.waiting_for or modes.mode_of(registration))})
    if form.validate_on_submit():
        outcome = switch_mode(registration, ParticipationMode(form.mode.data))
        if outcome != Switch.FULL:
            db.session.commit()
            flash(_outcome_message(outcome, registration), "success")
            return redirect(url_for("signup.manage", token=token), code=303)
        db.session.rollback()
        form.mode.errors = [_("There are no places left that way, and no waiting list.")]
    return render_template(
        "signup/mode.html",
        registration=registration,
        event=event,
        form=form,
        token=token,
        position=waiting_position(registration),
    )


def _outcome_message(outcome: Switch, registration) -> str:
    online = registration.mode == ParticipationMode.ONLINE
    waiting_for = registration.waiting_for
    if outcome == Switch.MOVED:
        return _("You now take part online.") if online else _("You now take part in person.")
    if outcome == Switch.WAITING and waiting_for == ParticipationMode.IN_PERSON:
        return _("You keep your online place and are on the waiting list for a place in person.")
    if outcome == Switch.WAITING and waiting_for == ParticipationMode.ONLINE:
        return _("You keep your place in person and are on the waiting list for an online place.")
    if outcome == Switch.WAITING:
        if online:
            return _("You are now on the waiting list for an online place.")
        return _("You are now on the waiting list for a place in person.")
    if outcome == Switch.STOPPED_WAITING:
        return _("You are no longer on the waiting list, and you keep your place.")
    return _("Nothing changed.")
