"""Expressions every part of app.places shares: the one shape of a change to an event's
seat counters (and what it leaves as it was), and the waiting list's order."""

import sqlalchemy as sa

from app.events.services import EventRow
from app.extensions import db
from app.models import Event, Registration

# A seat taken or freed is not a change of the event: its updated_at (the calendar feeds'
# LAST-MODIFIED, DTSTAMP and ETag) stays, where the column's onupdate would move it with
# every sign-up and make every subscribed calendar fetch the feed again.
UNCHANGED = {"updated_at": Event.__table__.c.updated_at}
_EVENTS = Event.__table__


def count_step(counter: str, step: int | sa.BindParameter, *, when: str | None = None) -> sa.Update:
    """UPDATE event SET <counter> = <counter> + step WHERE id = :event_id, and only while
    `when` (SQL on the event's columns) holds: one changed row is a seat taken. A step
    given as a bound parameter (a group's seats) is given when the statement runs."""
    column = _EVENTS.c[counter]
    conditions = [_EVENTS.c.id == sa.bindparam("event_id")]
    if when is not None:
        conditions.append(sa.text(f"({when})"))
    return sa.update(_EVENTS).where(*conditions).values({counter: column + step, **UNCHANGED})


def forget_seat_count(event: Event | EventRow) -> None:
    # The count changed in the database, not in the loaded event: read it again when used.
    if isinstance(event, Event):
        db.session.expire(event, ["confirmed_count", "online_confirmed_count"])


# A person's key in the waiting list's order: Registration.queue_order where an organiser
# reordered the list by hand, else the order they came in.
QUEUE_KEY = sa.func.coalesce(Registration.queue_order, Registration.id)
