"""Writing a new registration: its row, its answers, its planned mail, and a seat if free.

On PostgreSQL all four go to the database as one statement (a WITH of inserts and the
seat's UPDATE): each round trip to the database cost a sign-up more CPU time, in the app
and in the database's process, than the SQL it carried (three of them: 0.4 ms). SQLite has
no data-modifying WITH, and no round trips: there it is one statement per table.

The outcome is the same on both: nothing is written when the event is no longer
published, or the person already has a live registration for it; otherwise every row is,
and the seat is taken last, only for a row that was written.

Whether the event is still published is read inside the writing transaction, holding what
its cancellation waits for: the event as the sign-up's form was checked against may have
been cancelled since. On SQLite the transaction holds the database's one write lock
(BEGIN IMMEDIATE); on PostgreSQL the statement first locks the event's row FOR KEY SHARE
(as the registration's foreign key would anyway), which the cancellation's FOR UPDATE waits
for, and which waits for the cancellation in turn, then reading the row as committed. Sign-ups
do not wait for each other on it (an exclusive lock there made every sign-up for an event
wait for the one before it to commit: 0.13-0.15x of the ceiling where 0.16x before, make
bench). A cancellation therefore comes wholly before a sign-up (which is refused) or wholly
after it (and finds the registration to tell).
"""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.database import insert_rows
from app.extensions import db
from app.models import LIVE_ADDRESS, Answer, Event, EventStatus, OutboundEmail, Registration
from app.places.services import SEAT_FREE, TAKE_SEAT

# Stands for the new registration's id in its planned mail (registration_id, and within
# the dedupe key) until the row exists.
NEW_REGISTRATION = "{registration}"

_REGISTRATIONS = Registration.__table__
_ANSWERS = Answer.__table__
_EMAILS = OutboundEmail.__table__
_EVENTS = Event.__table__


class EventNotPublished(Exception):
    """The event was cancelled between the form's check and the writing: nothing written."""


@dataclass(frozen=True)
class Written:
    registration_id: int
    seated: bool


def write_new_registration(
    event_id: int, person: dict, answers: list[dict], emails: list[dict]
) -> Written | None:
    """person: the registration's values; answers: {question_id, value} each; emails: rows
    for queue_new_emails, with NEW_REGISTRATION for the registration's id. None when the
    person is already registered: then nothing was written. Raises EventNotPublished."""
    if db.session.get_bind().dialect.name == "postgresql":
        return _in_one_statement(event_id, person, answers, emails)
    return _table_by_table(event_id, person, answers, emails)


def for_registration(emails: list[dict], registration_id: int) -> list[dict]:
    """The planned mail of a registration whose id is now known."""
    return [
        email
        | {
            "registration_id": registration_id,
            "dedupe_key": email["dedupe_key"].replace(NEW_REGISTRATION, str(registration_id)),
        }
        for email in emails
    ]


def _table_by_table(event_id, person, answers, emails) -> Written | None:
    # The first statement of the transaction, which holds the write lock (BEGIN IMMEDIATE).
    if db.session.scalar(_STATUS, {"event_id": event_id}) != EventStatus.PUBLISHED:
        raise EventNotPublished
    registration_id = db.session.scalar(_SQLITE_REGISTRATION, person)
    if registration_id is None:
        return None
    insert_rows(_ANSWERS, [answer | {"registration_id": registration_id} for answer in answers])
    insert_rows(_EMAILS, for_registration(emails, registration_id))
    seated = db.session.execute(TAKE_SEAT, {"event_id": event_id}).rowcount == 1
    return Written(registration_id, seated)


_STATUS = sa.select(_EVENTS.c.status).where(_EVENTS.c.id == sa.bindparam("event_id"))
_SQLITE_REGISTRATION = (
    sqlite.insert(_REGISTRATIONS)
    .on_conflict_do_nothing(
        index_elements=["event_id", "email_normalised"], index_where=sa.text(LIVE_ADDRESS)
    )
    .returning(_REGISTRATIONS.c.id)
)


def _in_one_statement(event_id, person, answers, emails) -> Written | None:
    emails = [{k: v for k, v in email.items() if k != "registration_id"} for email in emails]
    values = {"event_id": event_id}
    values |= {f"p0_{name}": value for name, value in person.items()}
    for prefix, rows in (("a", answers), ("m", emails)):
        values |= {f"{prefix}{n}_{k}": v for n, row in enumerate(rows) for k, v in row.items()}
    # No mail at all for a person without an address, or one an organiser chose not to tell.
    shape = (tuple(person), len(answers), tuple(emails[0]) if emails else (), len(emails))
    statement = _statements.get(shape)
    if statement is None:
        statement = _statements[shape] = _statement(*shape)
    registration_id, seated, published = db.session.execute(statement, values).one()
    if not published:
        raise EventNotPublished
    return None if registration_id is None else Written(registration_id, seated)


_statements: dict[tuple, sa.TextClause] = {}


def _statement(person: tuple, answer_count: int, email_columns: tuple, email_count: int):
    """The WITH for one shape of sign-up: its columns and its numbers of answers and mails.
    Only the tables' own column names go into the SQL (table.c[name] fails for others)."""
    parts = [
        # The event's row locked against its cancellation (which locks it FOR UPDATE), so
        # whichever comes second waits for the first to commit, then reads it as committed.
        "e AS (SELECT id FROM event WHERE id = :event_id"
        f" AND status = '{EventStatus.PUBLISHED.value}' FOR KEY SHARE)",
        f"r AS (INSERT INTO registration ({_names(_REGISTRATIONS, person)})"
        f" SELECT v.* FROM e, ({_values(_REGISTRATIONS, 'p', person, 1)})"
        f" AS v ({_names(_REGISTRATIONS, person)})"
        f" ON CONFLICT (event_id, email_normalised) WHERE {LIVE_ADDRESS} DO NOTHING RETURNING id)",
    ]
    if answer_count:
        answer_columns = ("question_id", "value")
        parts.append(
            f"a AS (INSERT INTO answer (registration_id, {_names(_ANSWERS, answer_columns)})"
            f" SELECT r.id, v.* FROM r, ({_values(_ANSWERS, 'a', answer_columns, answer_count)})"
            f" AS v ({_names(_ANSWERS, answer_columns)}))"
        )
    if email_count:
        parts.append(_mail_part(email_columns, email_count))
    parts += [
        # The seat only for a row written: when the person was already registered, the
        # INSERT above wrote nothing, and no seat is taken.
        # updated_at stays: a seat is not a change of the event (app.places.services).
        "s AS (UPDATE event SET confirmed_count = confirmed_count + 1"
        f" WHERE id = :event_id AND ({SEAT_FREE})"
        " AND EXISTS (SELECT FROM r) RETURNING id)",
    ]
    sql = (
        "WITH "
        + ",\n".join(parts)
        + ("\nSELECT (SELECT id FROM r), EXISTS (SELECT FROM s), EXISTS (SELECT FROM e)")
    )
    binds = [sa.bindparam("event_id", type_=_EVENTS.c.id.type)]
    for prefix, table, columns, count in (
        ("p", _REGISTRATIONS, person, 1),
        ("a", _ANSWERS, ("question_id", "value"), answer_count),
        ("m", _EMAILS, email_columns, email_count),
    ):
        binds += [
            sa.bindparam(f"{prefix}{n}_{name}", type_=table.c[name].type)
            for n in range(count)
            for name in columns
        ]
    return sa.text(sql).bindparams(*binds)


def _mail_part(email_columns: tuple, email_count: int) -> str:
    shown = ", ".join(
        f"replace(v.dedupe_key, '{NEW_REGISTRATION}', CAST(r.id AS TEXT))"
        if name == "dedupe_key"
        else f"v.{_EMAILS.c[name].name}"
        for name in email_columns
    )
    return (
        f"m AS (INSERT INTO outbound_email (registration_id, {_names(_EMAILS, email_columns)})"
        f" SELECT r.id, {shown} FROM r, ({_values(_EMAILS, 'm', email_columns, email_count)})"
        f" AS v ({_names(_EMAILS, email_columns)}))"
    )


def _names(table: sa.Table, columns) -> str:
    return ", ".join(table.c[name].name for name in columns)


def _values(table: sa.Table, prefix: str, columns, count: int) -> str:
    """A VALUES list of count rows, each value cast to its column's type: in a SELECT,
    PostgreSQL does not take the types from the table inserted into."""
    types = {name: _cast_type(table.c[name].type) for name in columns}
    rows = (
        "(" + ", ".join(f"CAST(:{prefix}{n}_{name} AS {types[name]})" for name in columns) + ")"
        for n in range(count)
    )
    return "VALUES " + ", ".join(rows)


def _cast_type(column_type) -> str:
    # A string's length is left to the INSERT, where a longer one is an error: a CAST to
    # VARCHAR(n) would cut it short without one.
    if isinstance(column_type, sa.String):
        return "VARCHAR"
    return column_type.compile(dialect=postgresql.dialect())
