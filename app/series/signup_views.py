"""The public page of a series, its sign-up for several occurrences at once, and the one
manage page of such a sign-up."""

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from app import clock
from app.bounds import database_id
from app.extensions import db
from app.forms import ConfirmForm
from app.models import Event
from app.places.services import waiting_position
from app.ratelimits import public_form
from app.reports.person_region import chosen_region
from app.series import signup_services as services
from app.series.signup_forms import series_signup_form_for
from app.signup.services import can_change
from app.templating import event_when

bp = Blueprint("series_signup", __name__)

# The browser's last multi-date sign-up: [slug, [[event id, outcome], ...]].
_SIGNED_UP = "series_signup"


def _series_or_404(slug: str):
    series = services.public_series(slug)
    if series is None:
        abort(404)
    return series


@bp.route("/series/<slug>", methods=["GET", "POST"])
@public_form
def show(slug: str):
    series = _series_or_404(slug)
    at = clock.now()
    occurrences = services.upcoming_occurrences(series, at)
    # Offered: those taking sign-ups; one that filled up since the form was read is
    # still accepted, and its outcome told (full, or the waiting list).
    offered = [event for event in occurrences if event.registration_is_open(at)]
    shown = services.open_occurrences(offered, at)
    form = None
    if shown:
        choices = [(str(event.id), event_when(event.starts_at, event.ends_at)) for event in offered]
        form = series_signup_form_for(shown[0], choices)
        if form.validate_on_submit():
            chosen = form.chosen_ids([event.id for event in shown])
            return _sign_up(series, form, shown[0], [e for e in offered if e.id in chosen])
    status = 200 if request.method == "GET" or form is not None else 409
    page = render_template(
        "series/public_series.html",
        series=series,
        occurrences=occurrences,
        shown_ids={event.id for event in shown},
        # Open, but each sign-up waits for the organisers: signed up for on its own page.
        approval_ids={event.id for event in offered if event.requires_approval},
        form=form,
        at=at,
    )
    return page, status


def _sign_up(series, form, first: Event, chosen: list[Event]):
    result = services.book_occurrences(
        series,
        chosen,
        questions=first.questions,
        name=form.name.data,
        email=form.email.data,
        organisation=form.organisation.data or "",
        region=chosen_region(form),
        answers=form.answers(),
        locale=str(get_locale()),
        sensitive_consent=form.gave_sensitive_answers(),
    )
    db.session.commit()
    session[_SIGNED_UP] = [
        series.slug,
        [[booked.event_id, booked.outcome.value] for booked in result.outcomes],
    ]
    return redirect(url_for("series_signup.done", slug=series.slug), code=303)


@bp.get("/series/<slug>/registered")
def done(slug: str):
    """The outcome of each chosen occurrence: only to the browser that just signed up."""
    series = _series_or_404(slug)
    signed_up = session.get(_SIGNED_UP)
    if not signed_up or signed_up[0] != slug:
        return redirect(url_for("series_signup.show", slug=slug), code=303)
    events = {event.id: event for event in series.occurrences}
    outcomes = [(events[id_], outcome) for id_, outcome in signed_up[1] if id_ in events]
    return render_template("series/public_done.html", series=series, outcomes=outcomes)


def _booking_or_error(token: str):
    booking = services.booking_for_token(token)
    if booking is None:
        abort(404, description=_("This link is not valid. It may have expired."))
    return booking


@bp.route("/series/manage/<token>", methods=["GET", "POST"])
@public_form
def manage(token: str):
    booking = _booking_or_error(token)
    form = ConfirmForm()
    if form.validate_on_submit():
        registration_id = database_id(request.form.get("registration"))
        if registration_id is not None and services.cancel_booked(booking, registration_id):
            db.session.commit()
            flash(_("Your registration has been cancelled."), "success")
        return redirect(url_for("series_signup.manage", token=token), code=303)
    now = clock.now()
    registrations = [
        (registration, waiting_position(registration), can_change(registration, now))
        for registration in services.booked_registrations(booking)
    ]
    return render_template(
        "series/public_manage.html",
        series=booking.series,
        registrations=registrations,
        form=form,
    )
