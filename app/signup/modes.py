"""Writing a new registration at a hybrid event: as app.signup.storage writes one (nothing
when the event is no longer published or the person is registered already; else the row,
its answers, its mail, and a seat last), but the seat is one of the mode the person chose
(app.places.modes). A statement a table: hybrid events are few, and the plain event's one
statement (storage._in_one_statement) stays as it is."""

from functools import partial

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.database import insert_rows
from app.events.services import EventRow
from app.extensions import db
from app.models import (
    LIVE_ADDRESS,
    Answer,
    Event,
    EventStatus,
    OutboundEmail,
    ParticipationMode,
    Registration,
)
from app.places import modes
from app.places.services import TAKE_SEAT
from app.signup.storage import EventNotPublished, Written, for_registration

_EVENTS = Event.__table__
_REGISTRATIONS = Registration.__table__
# FOR KEY SHARE on PostgreSQL, as the plain sign-up's statement: a cancellation (FOR
# UPDATE) and this sign-up wait for each other; SQLite holds its one write lock already.
_STATUS = (
    sa.select(_EVENTS.c.status)
    .where(_EVENTS.c.id == sa.bindparam("event_id"))
    .with_for_update(read=True, key_share=True)
)


def _insert(dialect):
    return (
        dialect.insert(_REGISTRATIONS)
        .on_conflict_do_nothing(
            index_elements=["event_id", "email_normalised"], index_where=sa.text(LIVE_ADDRESS)
        )
        .returning(_REGISTRATIONS.c.id)
    )


_INSERTS = {"postgresql": _insert(postgresql), "sqlite": _insert(sqlite)}
_TAKE = {ParticipationMode.IN_PERSON: TAKE_SEAT, ParticipationMode.ONLINE: modes.TAKE_ONLINE_SEAT}


def writer_for(event: Event | EventRow, person: dict, mode: ParticipationMode | None):
    """The writing of a hybrid event's registration in the mode chosen, and the seats that
    mode has left. None, where no mode was asked (an accepted invitation, a series): a
    seat in the hall, as before the event had online places, and mail with both the venue
    and the join link (app.places.modes.gets_join_link)."""
    if mode is not None:
        person["mode"] = mode
    seat = mode or ParticipationMode.IN_PERSON
    return partial(write_in_mode, seat), modes.seats_left_in(event, seat)


def write_in_mode(
    mode: ParticipationMode, event_id: int, person: dict, answers: list[dict], emails: list[dict]
) -> Written | None:
    """storage.write_new_registration's promise, for a seat of the mode."""
    if db.session.scalar(_STATUS, {"event_id": event_id}) != EventStatus.PUBLISHED:
        raise EventNotPublished
    insert = _INSERTS[db.session.get_bind().dialect.name]
    registration_id = db.session.scalar(insert, person)
    if registration_id is None:
        return None
    insert_rows(Answer.__table__, [row | {"registration_id": registration_id} for row in answers])
    insert_rows(OutboundEmail.__table__, for_registration(emails, registration_id))
    seated = db.session.execute(_TAKE[mode], {"event_id": event_id}).rowcount == 1
    return Written(registration_id, seated)
