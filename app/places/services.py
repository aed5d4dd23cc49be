"""Who gets a place: the one set of rules for seats and the waiting list, used by
sign-ups, accepted invitations and organisers alike.

A seat is taken by one atomic conditional UPDATE of the event's confirmed_count (TAKE_SEAT):
a changed row is a seat, none a full event, on SQLite and PostgreSQL alike; a freed seat goes
to the first person waiting in the same transaction as the cancellation that freed it.
At an event with timed offers (Event.offer_hours) the seat is held for them as an offer
instead (app.places.offers). The waiting list's order is QUEUE_KEY: the order people came
in, unless an organiser changed it by hand (app.places.waiting_order)."""

import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.mail.outbox import queue_registration_email
from app.mail.schedule import plan_reminders
from app.models import Event, EventStatus, ParticipationMode, Registration, RegistrationStatus
from app.places import modes, offers
from app.places.counts import QUEUE_KEY, count_step, forget_seat_count

# A seat is free: the one rule, in TAKE_SEAT and in a PostgreSQL sign-up's one statement
# (app.signup.storage).
SEAT_FREE = "capacity IS NULL OR confirmed_count < capacity"
TAKE_SEAT = count_step("confirmed_count", 1, when=SEAT_FREE)
# An organiser's explicit, confirmed move past the capacity: the count stays true (one
# more confirmed), so later cancellations promote no one until it is below the capacity.
_SEAT_BEYOND_CAPACITY = count_step("confirmed_count", 1)
# Those who hold one of the event's seats, counted in confirmed_count: a timed offer holds
# the seat until it is accepted, declined or lapses.
HOLDS_SEAT = (RegistrationStatus.CONFIRMED, RegistrationStatus.OFFERED)
_RELEASE_SEAT = count_step("confirmed_count", -1)


def take_seat(event: Event) -> bool:
    """One atomic conditional UPDATE: a changed row is a seat, none is a full event."""
    result = db.session.execute(TAKE_SEAT, {"event_id": event.id})
    forget_seat_count(event)
    return result.rowcount == 1


def seat_beyond_capacity(event: Event) -> None:
    db.session.execute(_SEAT_BEYOND_CAPACITY, {"event_id": event.id})
    forget_seat_count(event)


def release_seat(event: Event) -> None:
    db.session.execute(_RELEASE_SEAT, {"event_id": event.id})
    forget_seat_count(event)


def take_seat_in(event: Event, mode: ParticipationMode | None) -> bool:
    """A seat of the mode (app.places.modes); None, an event of one format: its seat."""
    if mode == ParticipationMode.ONLINE:
        return modes.take_online_seat(event)
    return take_seat(event)


def release_seat_in(event: Event, mode: ParticipationMode | None) -> None:
    if mode == ParticipationMode.ONLINE:
        modes.release_online_seat(event)
    else:
        release_seat(event)


def waiting_position(registration: Registration) -> int | None:
    """1 for the first in line; None when the person is not waiting."""
    if modes.is_hybrid(registration.event):
        return modes.position_in_mode(registration)
    if registration.status != RegistrationStatus.WAITING:
        return None
    own_key = registration.queue_order or registration.id
    ahead = db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.event_id == registration.event_id,
            Registration.status == RegistrationStatus.WAITING,
            own_key > QUEUE_KEY,
        )
    )
    return ahead + 1


def cancel_registration(registration: Registration, *, tell: bool = True) -> None:
    """Cancel, free the seat and promote the first person waiting, in one transaction.
    tell: mail the person that it is cancelled (not when their data is being erased)."""
    lock_event(registration.event)
    # Read again under the lock: on PostgreSQL an organiser may have moved this person
    # from the waiting list since it was loaded, and the seat must then be freed.
    db.session.flush()
    db.session.refresh(registration, with_for_update=True)
    if registration.status == RegistrationStatus.CANCELLED:
        return
    had_seat = registration.status in HOLDS_SEAT
    registration.status = RegistrationStatus.CANCELLED
    registration.waiting_for = None
    registration.cancelled_at = clock.now()
    registration.sequence += 1
    if tell:
        # A calendar CANCEL only for an entry the person was sent (with a place).
        queue_registration_email(
            "registration_cancelled", registration, payload={"had_place": had_seat}
        )
    if had_seat:
        release_seat_in(registration.event, registration.mode)
        promote_from_waiting_list(registration.event)


def promote_from_waiting_list(event: Event) -> list[Registration]:
    """Give free seats to those waiting, in the waiting list's order, and tell them; at an
    event with timed offers, offer them the seats instead (held for them until accepted)."""
    # Lock the event row first, so two promotions never pick the same first in line. NO KEY
    # UPDATE is the mode an UPDATE takes: it does not wait on sign-ups whose new rows only
    # hold a key-share lock on the event, which would deadlock.
    lock_event(event)
    if modes.is_hybrid(event):
        return _promote_in_each_mode(event)
    give = give_place if event.offer_hours is None else offers.make_offer
    promoted = []
    while (candidate := _first_waiting(event)) is not None and take_seat(event):
        give(candidate)
        promoted.append(candidate)
    return promoted


def _promote_in_each_mode(event: Event) -> list[Registration]:
    """A hybrid event: each mode's free seats to those waiting for it. Someone who moves
    from the other mode frees a seat there, which goes on to those waiting for that one."""
    promoted = []
    moved = True
    while moved:
        moved = False
        for mode in ParticipationMode:
            while (candidate := modes.first_waiting_for(event, mode)) is not None and take_seat_in(
                event, mode
            ):
                give_place_in(candidate, mode)
                promoted.append(candidate)
                moved = True
    return promoted


def give_place_in(candidate: Registration, mode: ParticipationMode) -> None:
    """A hybrid event: the person has a seat of this mode now (taken by the caller). One
    who held the other mode's place while waiting gives it back and is told of the move;
    one who had no place is told they have one, or at an event with timed offers is
    offered it (one who moves already has a place, and is given the seat at once)."""
    moving = candidate.status == RegistrationStatus.CONFIRMED
    if not moving and candidate.event.offer_hours is not None:
        offers.make_offer(candidate)
        return
    if moving:  # one who waited with no place has the mode already (or none chosen)
        release_seat_in(candidate.event, modes.mode_of(candidate))
        candidate.mode = mode
    candidate.waiting_for = None
    candidate.status = RegistrationStatus.CONFIRMED
    candidate.sequence += 1
    kind = modes.MODE_CHANGED if moving else "registration_promoted"
    queue_registration_email(kind, candidate, key=candidate.sequence)
    if not moving:
        plan_reminders(candidate)
    db.session.flush()


def lock_event(event: Event) -> None:
    """The event's row, locked as an UPDATE locks it: promotions, cancellations and an
    organiser's changes to who has a place take turns, in this order (event, then people),
    so that none of them deadlock; sign-ups (FOR KEY SHARE) do not wait for it."""
    db.session.execute(
        sa.select(Event.id).where(Event.id == event.id).with_for_update(key_share=True)
    )


def give_place(candidate: Registration) -> None:
    """Someone waiting has a seat now (taken by the caller): confirmed, told, reminded."""
    candidate.status = RegistrationStatus.CONFIRMED
    candidate.sequence += 1
    queue_registration_email("registration_promoted", candidate)
    plan_reminders(candidate)
    db.session.flush()


def _first_waiting(event: Event) -> Registration | None:
    # FOR UPDATE without SKIP LOCKED: the seat goes to the first in line even when that
    # person is saving their answers at this moment.
    return db.session.scalar(
        sa.select(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.WAITING,
        )
        .order_by(QUEUE_KEY)
        .limit(1)
        .with_for_update(key_share=True)
    )


def has_a_place(registration: Registration) -> bool:
    """A confirmed place at an event that will take place: what a calendar entry and the
    join link are for."""
    return (
        registration.status == RegistrationStatus.CONFIRMED
        and registration.event.status == EventStatus.PUBLISHED
    )
