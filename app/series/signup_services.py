"""Signing up for several occurrences of a series at once: each chosen occurrence is a
registration of its own (app.signup.services.enrol: own seat, own waiting list), and the
sign-up as a whole is one SeriesBooking with one email and one manage page.

The transaction boundary is the whole sign-up: every registration, the booking and its one
email are committed together, or none of them is. Each occurrence is tried inside a
savepoint, so an occurrence that refuses (full without a waiting list, closed or cancelled
since the form was read) leaves nothing behind while the others go through. Occurrences are
taken in the order of their ids: two people choosing the same ones lock the events' rows in
the same order, and so never deadlock on PostgreSQL."""

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from app import clock, tokens
from app.extensions import db
from app.mail.outbox import new_email, queue_new_emails
from app.models import (
    BookedRegistration,
    Event,
    EventStatus,
    Question,
    Registration,
    RegistrationSource,
    RegistrationStatus,
    Series,
    SeriesBooking,
    TokenPurpose,
)
from app.places.services import cancel_registration
from app.signup.services import (
    EventFull,
    SignupRefused,
    can_change,
    enrol,
    manage_token_expiry,
    tell_already_registered,
)

BOOKING_MAIL = "series_booking"


class Outcome(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    ALREADY = "already"  # a registration made before, left as it was
    FULL = "full"  # every place taken and no waiting list
    CLOSED = "closed"  # registration closed, or the occurrence cancelled, since


@dataclass(frozen=True)
class Booked:
    event_id: int
    outcome: Outcome
    registration_id: int | None


@dataclass(frozen=True)
class BookingResult:
    booking_id: int | None  # None when nothing new was made
    outcomes: list[Booked]


def public_series(slug: str) -> Series | None:
    """The series at this address, once one of its meetings has been published (a series
    of drafts is its organisers' alone, as a draft event is). The page, its sign-up and its
    calendar feed all ask this. (An address with a NUL never gets here: app.security.)"""
    published = (
        sa.select(Event.id)
        .where(Event.series_id == Series.id, Event.published_at.is_not(None))
        .exists()
    )
    return db.session.scalar(sa.select(Series).where(Series.slug == slug, published))


def upcoming_occurrences(series: Series, at: datetime) -> list[Event]:
    """The published occurrences not yet over, first first."""
    return list(
        db.session.scalars(
            sa.select(Event)
            .where(
                Event.series_id == series.id,
                Event.status == EventStatus.PUBLISHED,
                Event.ends_at > at,
            )
            .order_by(Event.starts_at, Event.id)
        )
    )


def open_occurrences(occurrences: Sequence[Event], at: datetime) -> list[Event]:
    """Those a person can sign up for now: open, and not full without a waiting list. A
    meeting whose sign-ups need approval is signed up for on its own page, where the person
    is told they wait for a decision (app.places.approval): not here, where a booking is a
    place or the waiting list."""
    return [
        event
        for event in occurrences
        if event.registration_is_open(at)
        and not event.is_full_without_waiting_list()
        and not event.requires_approval
    ]


def _question_key(question: Question) -> tuple:
    # Occurrences are copies of one event: the same question is at the same place, of the
    # same kind, asking the same thing.
    return (question.position, question.kind, question.label)


def answers_for(
    event: Event, questions: Sequence[Question], answers: dict[int, Any]
) -> dict[int, Any]:
    """The answers given to `questions` (the form's, one occurrence's), under the
    matching questions of `event`; those without a match there are left out."""
    by_key = {_question_key(question): question.id for question in event.questions}
    matched = {}
    for question in questions:
        own = by_key.get(_question_key(question))
        if own is not None and question.id in answers:
            matched[own] = answers[question.id]
    return matched


def book_occurrences(
    series: Series,
    events: Sequence[Event],
    *,
    questions: Sequence[Question],
    name: str,
    email: str,
    organisation: str,
    answers: dict[int, Any],
    locale: str,
    sensitive_consent: bool = False,
    region: str = "",
) -> BookingResult:
    """Sign the person up for each of `events` (occurrences of `series`), in the caller's
    transaction, which commits once. questions and answers: the form's, matched to each
    occurrence's own questions (answers_for)."""
    outcomes = []
    for event in sorted(events, key=lambda event: event.id):
        outcomes.append(
            _book_one(
                event,
                name=name,
                email=email,
                organisation=organisation,
                region=region,
                answers=answers_for(event, questions, answers),
                locale=locale,
                sensitive_consent=sensitive_consent,
            )
        )
    chosen_order = {event.id: n for n, event in enumerate(events)}
    outcomes.sort(key=lambda booked: chosen_order[booked.event_id])
    made = [booked for booked in outcomes if booked.outcome in _NEW]
    if not made:
        # Nothing new: as on an event's own form, the address is told it is registered
        # already, and the page only says to look at the email.
        already = [booked for booked in outcomes if booked.outcome == Outcome.ALREADY]
        if already:
            tell_already_registered(db.session.get(Registration, already[0].registration_id))
        return BookingResult(None, outcomes)
    booking = _new_booking(series, made)
    _queue_booking_mail(booking, made, outcomes, email, locale)
    return BookingResult(booking.id, outcomes)


_NEW = {Outcome.CONFIRMED, Outcome.WAITING}


def _book_one(event: Event, **person) -> Booked:
    if not event.registration_is_open(clock.now()):
        return Booked(event.id, Outcome.CLOSED, None)
    try:
        with db.session.begin_nested():  # a refusal rolls back this occurrence's rows only
            result = enrol(event, source=RegistrationSource.SIGNUP, booked_together=True, **person)
    except SignupRefused as refusal:
        outcome = Outcome.FULL if isinstance(refusal, EventFull) else Outcome.CLOSED
        return Booked(event.id, outcome, None)
    if result.already_registered:
        return Booked(event.id, Outcome.ALREADY, result.registration_id)
    status = db.session.scalar(
        sa.select(Registration.status).where(Registration.id == result.registration_id)
    )
    outcome = Outcome.CONFIRMED if status == RegistrationStatus.CONFIRMED else Outcome.WAITING
    return Booked(event.id, outcome, result.registration_id)


def _new_booking(series: Series, made: list[Booked]) -> SeriesBooking:
    booking = SeriesBooking(series_id=series.id, created_at=clock.now())
    booking.places = [BookedRegistration(registration_id=booked.registration_id) for booked in made]
    db.session.add(booking)
    db.session.flush()
    return booking


def _queue_booking_mail(booking, made, outcomes, email: str, locale: str) -> None:
    """The one email of the booking, about the first occurrence made (its Reply-To)."""
    first = made[0]
    payload = {
        "booking_id": booking.id,
        "already": [booked.event_id for booked in outcomes if booked.outcome == Outcome.ALREADY],
        "refused": [
            booked.event_id
            for booked in outcomes
            if booked.outcome in (Outcome.FULL, Outcome.CLOSED)
        ],
    }
    queue_new_emails(
        [
            new_email(
                BOOKING_MAIL,
                recipient=email,
                locale=locale,
                dedupe_key=f"{BOOKING_MAIL}:{booking.id}",
                event_id=first.event_id,
                registration_id=first.registration_id,
                payload=payload,
            )
        ]
    )


def booked_registrations(booking: SeriesBooking) -> list[Registration]:
    """The booking's registrations, in the order of their occurrences."""
    return list(
        db.session.scalars(
            sa.select(Registration)
            .join(BookedRegistration, BookedRegistration.registration_id == Registration.id)
            .join(Event, Event.id == Registration.event_id)
            .where(BookedRegistration.booking_id == booking.id)
            .order_by(Event.starts_at, Event.id)
        )
    )


def issue_booking_token(booking: SeriesBooking) -> str | None:
    """The manage link's token, on the registration kept longest (of the last
    occurrence), valid until the last occurrence's retention ends; None when the booking
    has no registration left."""
    registrations = booked_registrations(booking)
    if not registrations:
        return None
    last = max(registrations, key=lambda registration: registration.event.ends_at)
    return tokens.issue_token(
        TokenPurpose.SERIES_MANAGE,
        registration=last,
        expires_at=max(manage_token_expiry(r.event) for r in registrations),
    )


def booking_for_token(raw: str) -> SeriesBooking | None:
    token = tokens.find_valid_token(raw, TokenPurpose.SERIES_MANAGE)
    if token is None:
        return None
    booked = db.session.get(BookedRegistration, token.registration_id)
    return booked.booking if booked else None


def cancel_booked(booking: SeriesBooking, registration_id: int) -> bool:
    """Cancel one of the booking's registrations (its seat goes to the first waiting);
    False when it is not the booking's or can no longer be changed."""
    booked = db.session.get(BookedRegistration, registration_id)
    if booked is None or booked.booking_id != booking.id:
        return False
    registration = booked.registration
    if not can_change(registration, clock.now()):
        return False
    cancel_registration(registration)
    return True
