"""The one email of a multi-date sign-up: every occurrence with its state at send time,
one manage link for them all, and one .ics for each occurrence with a place."""

from flask import url_for

from app.extensions import db
from app.mail.calendar import registration_calendar
from app.models import Event, OutboundEmail, SeriesBooking
from app.places.services import has_a_place, waiting_position
from app.series.signup_services import BOOKING_MAIL, booked_registrations, issue_booking_token

__all__ = ["BOOKING_MAIL", "booking_calendars", "booking_context"]


def booking_context(email: OutboundEmail) -> dict:
    """What the templates show; `event` is none, so the layout shows no single event."""
    booking = db.session.get(SeriesBooking, email.payload["booking_id"])
    registrations = booked_registrations(booking) if booking else []
    raw = issue_booking_token(booking) if registrations else None
    return {
        "event": None,
        "series": email.event.series if email.event else None,
        "booked": [
            {
                "registration": registration,
                "event": registration.event,
                "event_url": _event_url(registration.event),
                "has_a_place": has_a_place(registration),
                "position": waiting_position(registration),
            }
            for registration in registrations
        ],
        "already": _events(email.payload.get("already", [])),
        "refused": _events(email.payload.get("refused", [])),
        "booking_manage_url": (
            url_for("series_signup.manage", token=raw, _external=True) if raw else None
        ),
    }


def booking_calendars(context: dict) -> list[tuple[str, bytes]]:
    """(file name, .ics) for each occurrence the person has a place at, join link and all,
    with the same UID as the occurrence's own confirmation would carry."""
    return [
        (
            f"{entry['event'].slug}.ics",
            registration_calendar(
                entry["registration"],
                cancel=False,
                event_url=entry["event_url"],
                with_join_link=True,
            ),
        )
        for entry in context["booked"]
        if entry["has_a_place"]
    ]


def _event_url(event: Event) -> str:
    return url_for("events.show", slug=event.slug, _external=True)


def _events(ids: list[int]) -> list[Event]:
    return [event for id_ in ids if (event := db.session.get(Event, id_)) is not None]
