"""Timed offers from the waiting list, at an event with Event.offer_hours set.

When a seat frees (a cancellation, a declined or lapsed offer, an organiser raising the
capacity), app.places.services.promote_from_waiting_list takes it as it would for a
promotion (the atomic TAKE_SEAT) and holds it for the first person waiting as an *offer*:
status OFFERED, counted in confirmed_count, so the seat is never given twice nor the
capacity passed. The person is mailed a link to their manage page, where they accept
(confirmed, with the usual confirmation and reminders) or decline (the seat passes on at
once).

How long an offer stands (offer_deadline): the event's offer_hours, but never later than
halfway between now and the start, and never less than OFFER_MINIMUM, so that a seat freed
the day before still finds someone in time.

An offer not accepted in time lapses, as at pretix and Lyyti: the person leaves the waiting
list (status cancelled; mailed "offer_expired", with a link to sign up again at the end of
the list) and the seat passes to the next person, in the same transaction. The mail worker
does this each round (pass_on_expired_offers); a late click on "accept" changes nothing.
Every change locks the event's row first, then the person's, as app.places does."""

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app import clock
from app.database import writing
from app.extensions import db
from app.mail.outbox import queue_registration_email
from app.mail.schedule import plan_reminders
from app.models import Event, EventStatus, Registration, RegistrationStatus
from app.places import services as places

log = logging.getLogger(__name__)

OFFER_HOURS_MOST = 168  # a week: the event form's bound
OFFER_MINIMUM = timedelta(minutes=15)
OFFERED_MAIL = "registration_offered"
EXPIRED_MAIL = "offer_expired"
ACCEPTED_MAIL = "registration_confirmed"
# Expired offers passed on in one worker round, each in a transaction of its own; the rest
# wait for the next round, a few seconds later.
EXPIRED_PER_ROUND = 50


class OfferGone(Exception):
    """The offer is no longer open: it lapsed, was declined, or the event was cancelled.
    Nothing was changed."""


def offer_deadline(now: datetime, starts_at: datetime, hours: int) -> datetime:
    """When an offer made now lapses: `hours` from now, but never later than halfway to
    the start, and never sooner than OFFER_MINIMUM from now."""
    standing = min(timedelta(hours=hours), (starts_at - now) / 2)
    return now + max(standing, OFFER_MINIMUM)


def make_offer(candidate: Registration) -> None:
    """Hold the seat just taken (by the caller) for someone waiting, and mail them."""
    event = candidate.event
    candidate.status = RegistrationStatus.OFFERED
    candidate.offer_expires_at = offer_deadline(
        clock.now(), event.starts_at, event.offer_hours or OFFER_HOURS_MOST
    )
    queue_registration_email(OFFERED_MAIL, candidate)
    db.session.flush()


def accept_offer(registration: Registration) -> bool:
    """Confirm the held seat: the confirmation mail (with its .ics) and the reminders.
    False when it was accepted already (a second click); raises OfferGone when the offer
    lapsed or is no longer there."""
    _lock(registration)
    if registration.status == RegistrationStatus.CONFIRMED:
        return False
    if not _open(registration):
        raise OfferGone
    registration.status = RegistrationStatus.CONFIRMED
    registration.offer_expires_at = None
    registration.sequence += 1
    queue_registration_email(ACCEPTED_MAIL, registration, key="offer", payload={"offer": True})
    plan_reminders(registration)
    return True


def decline_offer(registration: Registration) -> None:
    """The person does not want the seat: their registration is cancelled (and they are
    told, as for any cancellation) and the seat is offered to the next person now."""
    _lock(registration)
    if registration.status != RegistrationStatus.OFFERED or not _published(registration):
        raise OfferGone
    places.cancel_registration(registration)


def _lock(registration: Registration) -> None:
    """The event's row, then the person's, locked and read as committed: the event may
    have been cancelled, or the offer passed on, since they were loaded."""
    places.lock_event(registration.event)
    db.session.flush()
    db.session.refresh(registration.event)
    db.session.refresh(registration, with_for_update={"key_share": True})


def _published(registration: Registration) -> bool:
    return registration.event.status == EventStatus.PUBLISHED


def _open(registration: Registration) -> bool:
    return (
        registration.status == RegistrationStatus.OFFERED
        and _published(registration)
        and clock.now() < registration.offer_expires_at
    )


def pass_on_expired_offers() -> int:
    """The mail worker's round: each offer not accepted in time lapses and its seat passes
    on, one transaction each. Returns how many lapsed. Only a look-up (on a partial index
    of the offers) when none has: SQLite's write lock is not taken for nothing."""
    now = clock.now()
    due = db.session.execute(_EXPIRED, {"now": now, "limit": EXPIRED_PER_ROUND}).all()
    db.session.rollback()
    lapsed = 0
    for registration_id, event_id in due:
        with writing():
            lapsed += _lapse(registration_id, event_id, now)
            db.session.commit()
    return lapsed


def pass_on_expired_offers_safely() -> None:
    """pass_on_expired_offers for the worker's loop: a fault is logged and tried again next
    round, while the mail goes on (as the retention purge does). A database locked or out
    of reach is the loop's to wait for (app.mail.loop.TRANSIENT), as the mail's own is."""
    from app.mail.loop import TRANSIENT  # here: the worker imports sign-ups, which import us

    try:
        lapsed = pass_on_expired_offers()
    except TRANSIENT:
        raise
    except Exception:
        db.session.rollback()
        current_app.logger.exception("offers: passing on expired offers failed")
        return
    if lapsed:
        log.info("offers: %d expired offer(s) passed on", lapsed)


_EXPIRED = (
    sa.select(Registration.id, Registration.event_id)
    .join(Event, Event.id == Registration.event_id)
    .where(
        Registration.status == RegistrationStatus.OFFERED,
        Registration.offer_expires_at <= sa.bindparam("now"),
        # At a cancelled or finished event nothing is passed on: no one can come.
        Event.status == EventStatus.PUBLISHED,
        Event.ends_at > sa.bindparam("now"),
    )
    .order_by(Registration.offer_expires_at)
    .limit(sa.bindparam("limit"))
)


def _lapse(registration_id: int, event_id: int, now: datetime) -> int:
    """One offer lapses, if it still stands expired once the event's row is locked: two
    workers may have found it; the second finds it gone (or, on PostgreSQL, locked by the
    first: SKIP LOCKED) and does nothing."""
    event = db.session.get(Event, event_id)
    places.lock_event(event)
    registration = db.session.scalar(
        sa.select(Registration)
        .where(
            Registration.id == registration_id,
            Registration.status == RegistrationStatus.OFFERED,
            Registration.offer_expires_at <= now,
        )
        .with_for_update(skip_locked=True, key_share=True)
        .execution_options(populate_existing=True)
    )
    if registration is None:
        return 0
    registration.status = RegistrationStatus.CANCELLED
    registration.cancelled_at = now
    queue_registration_email(EXPIRED_MAIL, registration)
    places.release_seat_in(event, registration.mode)  # a hybrid event's: of the offer's mode
    places.promote_from_waiting_list(event)
    return 1
