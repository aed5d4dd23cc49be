"""Reading events for the public pages."""

from collections import namedtuple

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app import clock
from app.extensions import db
from app.models import Event, EventStatus, Participation, Question, Series
from app.models.events import EventRules

# The front page lists the soonest events; the calendar (app/calendar) has them all. Every
# upcoming event on one page took 1,000 events' rendering per visit to the front page.
FRONT_PAGE_EVENTS = 30


def upcoming_events(limit: int = FRONT_PAGE_EVENTS) -> tuple[list[Event], bool]:
    """The soonest published events that have not ended, and whether there are more."""
    events = list(
        db.session.scalars(
            sa.select(Event)
            .where(Event.status == EventStatus.PUBLISHED, Event.ends_at > clock.now())
            .order_by(Event.starts_at, Event.id)
            .limit(limit + 1)
        )
    )
    return events[:limit], len(events) > limit


# Published or cancelled, by slug: drafts exist only for their organisers. The statements
# are built once: building one cost more than running it.
_PUBLIC_BY_SLUG = (
    Event.__table__.c.slug == sa.bindparam("slug"),
    sa.or_(
        Event.__table__.c.status == EventStatus.PUBLISHED,
        Event.__table__.c.status == EventStatus.CANCELLED,
    ),
)
_PUBLIC_EVENT = sa.select(Event).where(*_PUBLIC_BY_SLUG).options(selectinload(Event.questions))


def public_event(slug: str) -> Event | None:
    """A published or cancelled event; drafts exist only for their organisers."""
    return db.session.scalar(_PUBLIC_EVENT, {"slug": slug})


EVENT_COLUMNS = tuple(Event.__table__.columns)
QUESTION_COLUMNS = tuple(Question.__table__.columns)


class EventRow(namedtuple("EventRow", [column.key for column in EVENT_COLUMNS]), EventRules):
    """An event's row read without the ORM, by column name, with the event's rules."""

    __slots__ = ()


# With the slug of its series, if any, for the page's link to it: in the same read.
_PUBLIC_ROW = (
    sa.select(*EVENT_COLUMNS, Series.__table__.c.slug.label("series_slug"))
    .outerjoin(Series.__table__, Series.__table__.c.id == Event.__table__.c.series_id)
    .where(*_PUBLIC_BY_SLUG)
)


def _with_questions(select: sa.Select) -> sa.Select:
    """select, once for each of the event's questions in order; once, with nulls, for none."""
    questions = Question.__table__
    return select.outerjoin(questions, questions.c.event_id == Event.__table__.c.id).order_by(
        questions.c.position, questions.c.id
    )


_PUBLIC_ROWS = _with_questions(sa.select(*EVENT_COLUMNS, *QUESTION_COLUMNS).where(*_PUBLIC_BY_SLUG))


def public_event_row(slug: str) -> sa.Row | None:
    """The public event's whole row, and its series' slug (series_slug), without the ORM:
    what its cached page is keyed on."""
    return _outside_transaction(lambda read: read(_PUBLIC_ROW, {"slug": slug}).first())


def public_event_rows(slug: str) -> tuple[EventRow | None, tuple[tuple, ...]]:
    """The public event's row and its questions' rows, without the ORM, in one statement:
    what its sign-up form is keyed on, and what a sign-up is checked against."""
    rows = _outside_transaction(lambda read: read(_PUBLIC_ROWS, {"slug": slug}).all())
    if not rows:
        return None, ()
    return EventRow(*rows[0][: len(EVENT_COLUMNS)]), _questions_in(rows, len(EVENT_COLUMNS))


def _questions_in(rows, start: int) -> tuple[tuple, ...]:
    return tuple(tuple(row[start:]) for row in rows if row[start] is not None)


def _outside_transaction(reads):
    """reads(execute) on PostgreSQL on a connection of its own, outside any transaction:
    the BEGIN and ROLLBACK around it were half the round trips of a page from the cache.
    On SQLite those cost nothing, and a connection of its own did."""
    if db.engine.dialect.name != "postgresql":
        return reads(db.session.execute)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        return reads(connection.execute)


def row_of(thing: db.Model | tuple, *, leave_out: tuple[str, ...] = ()) -> tuple:
    """A loaded event's (or question's) whole row, or a row read without the ORM by name
    (EventRow), as one tuple, the same for both; leave_out: columns a page does not show."""
    if isinstance(thing, tuple):
        return tuple(
            value for name, value in zip(thing._fields, thing, strict=True) if name not in leave_out
        )
    mapper = sa.inspect(type(thing))
    return tuple(
        getattr(thing, mapper.get_property_by_column(column).key)
        for column in mapper.local_table.columns
        if column.name not in leave_out
    )


def clock_changes(event) -> tuple:
    """The moments at which an event's public page changes by the clock alone."""
    return (
        event.registration_opens_at,
        event.registration_closes_at,
        event.nominations_open_at,
        event.nominations_close_at,
        event.starts_at,
        event.ends_at,
    )


def availability(event: Event, at) -> str:
    """What the public sees about places: one of the keys the templates know."""
    if event.status == EventStatus.CANCELLED:
        return "cancelled"
    if event.participation == Participation.INVITATION:
        return _workshop_availability(event, at)
    if event.registration_opens_at and at < event.registration_opens_at:
        return "not_yet_open"
    if not event.registration_is_open(at):
        return "closed"
    if event.seats_left is None:
        return "open"
    if event.is_full_without_waiting_list():
        return "full"
    return "seats_left" if event.seats_left > 0 else "waiting_list"


def _workshop_availability(event: Event, at) -> str:
    """A workshop takes no sign-ups: people are proposed, and the organisers invite.

    By the nomination window alone, so that an organiser's preview of a draft shows what
    the public will see; for a published workshop this is Event.nominations_are_open()."""
    if event.nominations_open_at and at < event.nominations_open_at:
        return "nominations_not_yet_open"
    if at < (event.nominations_close_at or event.starts_at):
        return "nominations_open"
    return "by_invitation"
