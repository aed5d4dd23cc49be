"""A person at a hybrid event changes how they take part, through their manage link: to the
other mode's seat if one is free; else onto its waiting list, keeping the place they have.
One transaction, under the event's lock (event, then people), one email."""

import enum

from app import clock
from app.extensions import db
from app.mail.outbox import queue_registration_email
from app.mail.schedule import plan_reminders
from app.models import ParticipationMode, Registration, RegistrationStatus
from app.places import modes
from app.places.services import (
    lock_event,
    promote_from_waiting_list,
    release_seat_in,
    take_seat_in,
)


class Switch(enum.StrEnum):
    """What came of asking for a mode."""

    MOVED = "moved"  # a seat of the new mode, the old one freed
    WAITING = "waiting"  # on the new mode's waiting list (keeping any place they had)
    STOPPED_WAITING = "stopped_waiting"  # back to only the place they have
    FULL = "full"  # no seat and no waiting list: nothing changed
    UNCHANGED = "unchanged"


def switch_mode(registration: Registration, wanted: ParticipationMode) -> Switch:
    event = registration.event
    lock_event(event)
    db.session.flush()
    db.session.refresh(registration, with_for_update=True)
    if registration.status not in (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING):
        return Switch.UNCHANGED
    current = modes.mode_of(registration)
    if wanted == current:
        return _stop_waiting(registration)
    if registration.waiting_for == wanted or (
        registration.status == RegistrationStatus.WAITING and current == wanted
    ):
        return Switch.UNCHANGED
    if take_seat_in(event, wanted):
        _move(registration, wanted)
        return Switch.MOVED
    if not event.waiting_list:
        return Switch.FULL
    _wait_for(registration, wanted)
    return Switch.WAITING


def _move(registration: Registration, wanted: ParticipationMode) -> None:
    had_seat = registration.status == RegistrationStatus.CONFIRMED
    if had_seat:
        release_seat_in(registration.event, modes.mode_of(registration))
    registration.status = RegistrationStatus.CONFIRMED
    _changed(registration, mode=wanted, waiting_for=None)
    if had_seat:
        promote_from_waiting_list(registration.event)
    else:
        plan_reminders(registration)


def _wait_for(registration: Registration, wanted: ParticipationMode) -> None:
    """Onto the end of the wanted mode's waiting list: with a place, keeping it."""
    registration.queue_order = modes.last_in_queue_key()
    if registration.status == RegistrationStatus.CONFIRMED:
        _changed(registration, mode=registration.mode, waiting_for=wanted)
    else:
        _changed(registration, mode=wanted, waiting_for=None)


def _stop_waiting(registration: Registration) -> Switch:
    if registration.waiting_for is None:
        return Switch.UNCHANGED
    _changed(registration, mode=registration.mode, waiting_for=None)
    return Switch.STOPPED_WAITING


def _changed(registration: Registration, *, mode, waiting_for) -> None:
    registration.mode = mode or modes.IN_PERSON
    registration.waiting_for = waiting_for
    registration.sequence += 1
    registration.updated_at = clock.now()
    queue_registration_email(modes.MODE_CHANGED, registration, key=registration.sequence)
    db.session.flush()
