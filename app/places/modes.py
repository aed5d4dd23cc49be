"""A hybrid event's two kinds of place: in person (the event's capacity and confirmed_count)
and online (online_capacity and online_confirmed_count), each with its own waiting list.

An online seat is taken by the same atomic conditional UPDATE as an in-person one
(app.places.services.TAKE_SEAT), on its own pair of columns. Those waiting for a mode are
the people on its waiting list and the people who hold the other mode's place while they
wait (Registration.waiting_for), first come first served by their queue key."""

import sqlalchemy as sa
from flask_babel import gettext as _

from app.extensions import db
from app.models import Event, EventFormat, ParticipationMode, Registration, RegistrationStatus
from app.places.counts import QUEUE_KEY, count_step, forget_seat_count

IN_PERSON = ParticipationMode.IN_PERSON
ONLINE = ParticipationMode.ONLINE

ONLINE_SEAT_FREE = "online_capacity IS NULL OR online_confirmed_count < online_capacity"
TAKE_ONLINE_SEAT = count_step("online_confirmed_count", 1, when=ONLINE_SEAT_FREE)
_RELEASE_ONLINE_SEAT = count_step("online_confirmed_count", -1)


def is_hybrid(event) -> bool:
    return event.format == EventFormat.HYBRID


def mode_of(registration: Registration) -> ParticipationMode:
    """The mode of a person's place; at a hybrid event, a registration made before the
    event became hybrid counts as in person, where its seat was counted."""
    return registration.mode or IN_PERSON


def other(mode: ParticipationMode) -> ParticipationMode:
    return ONLINE if mode == IN_PERSON else IN_PERSON


def take_online_seat(event: Event) -> bool:
    result = db.session.execute(TAKE_ONLINE_SEAT, {"event_id": event.id})
    forget_seat_count(event)
    return result.rowcount == 1


def release_online_seat(event: Event) -> None:
    db.session.execute(_RELEASE_ONLINE_SEAT, {"event_id": event.id})
    forget_seat_count(event)


def online_seats_left(event) -> int | None:
    if event.online_capacity is None:
        return None
    return max(event.online_capacity - event.online_confirmed_count, 0)


def seats_left_in(event, mode: ParticipationMode) -> int | None:
    """None: no limit."""
    return online_seats_left(event) if mode == ONLINE else event.seats_left


# Waiting for a mode: on its waiting list, or holding the other mode's place meanwhile.
def _waiting_for(mode: ParticipationMode):
    return sa.or_(
        sa.and_(Registration.status == RegistrationStatus.WAITING, in_mode(mode)),
        sa.and_(
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.waiting_for == mode,
        ),
    )


def first_waiting_for(event: Event, mode: ParticipationMode) -> Registration | None:
    """FOR UPDATE without SKIP LOCKED, as app.places.services._first_waiting: the place
    goes to the first in line even when that person is saving their answers."""
    return db.session.scalar(
        sa.select(Registration)
        .where(Registration.event_id == event.id, _waiting_for(mode))
        .order_by(QUEUE_KEY, Registration.id)
        .limit(1)
        .with_for_update(key_share=True)
    )


def waited_mode(registration: Registration) -> ParticipationMode | None:
    """The mode the person waits for, if any."""
    if registration.status == RegistrationStatus.WAITING:
        return mode_of(registration)
    if registration.status == RegistrationStatus.CONFIRMED:
        return registration.waiting_for
    return None


def position_in_mode(registration: Registration) -> int | None:
    """1 for the first waiting for the mode the person waits for; None when not waiting."""
    mode = waited_mode(registration)
    if mode is None:
        return None
    mine = (registration.queue_order or registration.id, registration.id)
    ahead = db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.event_id == registration.event_id,
            _waiting_for(mode),
            sa.tuple_(QUEUE_KEY, Registration.id) < sa.tuple_(*mine),
        )
    )
    return ahead + 1


def last_in_queue_key() -> int:
    """A queue key after everyone waiting now: a person who starts waiting while keeping
    a place queues after those already waiting, though their registration is older. A
    registration made later has a larger id, so it comes after this key (or, equal, after
    by its id)."""
    ids = db.session.scalar(sa.select(sa.func.max(Registration.id))) or 0
    orders = db.session.scalar(sa.select(sa.func.max(Registration.queue_order))) or 0
    return max(ids, orders) + 1


def gets_join_link(registration: Registration) -> bool:
    """The join link is for online participants: at a hybrid event those with an online
    place, and those who chose no mode (an accepted invitation: they may come either way);
    at an event of one format, everyone (app.places.services.has_a_place decides whether
    they have a place at all)."""
    if not is_hybrid(registration.event):
        return True
    return registration.mode != IN_PERSON


def shows_venue(registration: Registration | None, event) -> bool:
    """The venue and address: for everyone at an in-person event, and at a hybrid event for
    those taking part in person or who chose no mode (and for mail about no one)."""
    if event.format == EventFormat.ONLINE:
        return False
    if registration is None or not is_hybrid(event):
        return True
    return registration.mode != ONLINE


# The mail that tells a person their mode changed, or that they wait for the other one.
MODE_CHANGED = "mode_changed"


def shown_in_mail(registration: Registration | None, event, has_place: bool) -> dict:
    """What a message about a person's place shows of the ways to take part: the venue
    (venue_shown), the online part (online_shown), the join link (join_link_shown: only
    with an online place), and at a hybrid event their mode (taking_part)."""
    if event is None:
        return {}
    online = event.format != EventFormat.IN_PERSON and (
        registration is None or gets_join_link(registration)
    )
    chosen = registration.mode if registration is not None and is_hybrid(event) else None
    return {
        "venue_shown": shows_venue(registration, event),
        "online_shown": online,
        "join_link_shown": bool(online and has_place and event.join_link),
        "taking_part": chosen.value if chosen else None,
    }


# The reminder an hour before, with the link to join: at a hybrid event for those online.
LINK_REMINDER_MINUTES = 60


def reminded_in_mode(registration: Registration | None, minutes: int | None) -> bool:
    """Whether a reminder is for the person: at a hybrid event, the one an hour before
    (whose point is the join link) only for those online, decided when it is due, so a
    change of mode needs no new plan."""
    if registration is None or minutes != LINK_REMINDER_MINUTES:
        return True
    return gets_join_link(registration)


def taking_part_words() -> dict[tuple[str | None, str | None], str]:
    """(mode, waiting_for) as stored, to the words for it in the current language: how a
    person takes part, for lists and downloads. Looked up once, not once per row."""
    in_person, online = _("In person"), _("Online")
    waiting_in_person = _("Online, waiting for a place in person")
    waiting_online = _("In person, waiting for an online place")
    return {
        (None, None): in_person,
        (IN_PERSON.value, None): in_person,
        (ONLINE.value, None): online,
        (ONLINE.value, IN_PERSON.value): waiting_in_person,
        (IN_PERSON.value, ONLINE.value): waiting_online,
        (None, ONLINE.value): waiting_online,
    }


def taking_part(registration: Registration) -> str:
    """How one person takes part, in words (taking_part_words)."""
    mode = registration.mode.value if registration.mode else None
    waiting_for = registration.waiting_for.value if registration.waiting_for else None
    return taking_part_words()[(mode, waiting_for)]


def counts_by_mode(event: Event) -> dict[str, dict[str, int]]:
    """{mode: {status: people}} at a hybrid event, for the counts above its attendee list;
    those waiting while they keep the other mode's place counted as waiting for theirs."""
    found = {mode.value: {"confirmed": 0, "waiting": 0} for mode in ParticipationMode}
    rows = db.session.execute(
        sa.select(Registration.mode, Registration.status, Registration.waiting_for, sa.func.count())
        .where(Registration.event_id == event.id)
        .where(Registration.status.in_((RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING)))
        .group_by(Registration.mode, Registration.status, Registration.waiting_for)
    )
    for mode, status, waiting_for, number in rows:
        mode = (mode or IN_PERSON).value
        found[mode][status.value] += number
        if waiting_for is not None:
            found[waiting_for.value]["waiting"] += number
    return found


def in_mode(mode: ParticipationMode):
    """The people of a mode, with a place or waiting for one (a registration without a mode
    counts as in person, as mode_of)."""
    if mode == IN_PERSON:
        return sa.or_(Registration.mode == IN_PERSON, Registration.mode.is_(None))
    return Registration.mode == mode


def waiting_online(event, people: list[Registration]) -> list[Registration]:
    """Of those waiting, the ones waiting for an online place of a hybrid event: what an
    organiser's move from the waiting list gives an online seat, not one in the hall."""
    if not is_hybrid(event):
        return []
    return [person for person in people if mode_of(person) == ONLINE]
