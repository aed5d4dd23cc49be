"""Who came to an event: marked from check-in, by hand, or from a Teams attendance report.

Attendance is asked of the people with a place (confirmed). Registration.attended is True
(came), False (did not come) or None (not marked); attendance_source says how it was
marked. Checking someone in at the door marks them as attended at once (source check-in),
and taking the check-in back unmarks them if nothing else marked them since: what the page
shows is what is stored, and what the reports count."""

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.database import contains
from app.extensions import db
from app.models import AttendanceSource, Event, EventStatus, Registration, RegistrationStatus
from app.places import modes

PAGE_SIZE = 100
# Ids in one IN list of the counts' query: well under SQLite's limit of bound values.
IDS_AT_ONCE = 5_000
STATES = {"attended": True, "no_show": False, "unmarked": None}


@dataclass(frozen=True)
class Counts:
    attended: int = 0
    no_show: int = 0
    unmarked: int = 0

    @property
    def marked(self) -> int:
        return self.attended + self.no_show

    @property
    def no_show_rate(self) -> float | None:
        """Of those marked, the share who did not come (0-1); None before anyone is."""
        return self.no_show / self.marked if self.marked else None


def attendance_counts(event_ids: Iterable[int]) -> dict[int, Counts]:
    """Attended, did not attend and not marked of each event's people with a place, one
    GROUP BY (per IDS_AT_ONCE events). Counts survive the retention purge: it keeps each
    registration's status and attendance."""
    ids = sorted(set(event_ids))
    tallies: dict[int, dict] = {event_id: {} for event_id in ids}
    for start in range(0, len(ids), IDS_AT_ONCE):
        rows = db.session.execute(
            sa.select(Registration.event_id, Registration.attended, sa.func.count())
            .where(
                Registration.event_id.in_(ids[start : start + IDS_AT_ONCE]),
                Registration.status == RegistrationStatus.CONFIRMED,
            )
            .group_by(Registration.event_id, Registration.attended)
        )
        for event_id, attended, count in rows:
            tallies[event_id][attended] = count
    return {
        event_id: Counts(tally.get(True, 0), tally.get(False, 0), tally.get(None, 0))
        for event_id, tally in tallies.items()
    }


def counts_of(event: Event) -> Counts:
    return attendance_counts([event.id])[event.id]


def has_started(event: Event, now: datetime) -> bool:
    """Attendance is marked once the event has begun (and any time after), unless it was
    cancelled."""
    return event.starts_at <= now and event.status != EventStatus.CANCELLED


def _with_place(event: Event):
    return sa.and_(
        Registration.event_id == event.id, Registration.status == RegistrationStatus.CONFIRMED
    )


def attendance_page(event: Event, *, search: str = "", state: str = "", page: int = 1):
    """The people with a place, by name, a page at a time; narrowed by a search (name,
    address, organisation) and by how they are marked (a key of STATES)."""
    query = (
        sa.select(Registration)
        .where(_with_place(event))
        .order_by(sa.func.lower(Registration.name), Registration.id)
    )
    if state in STATES:
        query = query.where(_marked_as(STATES[state]))
    if search:
        columns = (Registration.name, Registration.email_normalised, Registration.organisation)
        query = query.where(sa.or_(*(contains(column, search) for column in columns)))
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def _marked_as(attended: bool | None):
    if attended is None:
        return Registration.attended.is_(None)
    return Registration.attended == attended


def _not_attended():
    return sa.or_(Registration.attended.is_(None), Registration.attended == sa.false())


def _mark(condition, attended: bool | None, source: AttendanceSource | None, at) -> int:
    """One UPDATE: how many it changed."""
    result = db.session.execute(
        sa.update(Registration)
        .where(condition)
        .values(
            attended=attended,
            attendance_source=source if attended is not None else None,
            attendance_marked_at=at if attended is not None else None,
        ),
        execution_options={"synchronize_session": False},
    )
    return result.rowcount


def mark_people(
    event: Event, registration_ids: Collection[int], attended: bool | None, *, at: datetime
) -> int:
    """These people of the event (with a place) as attended, not, or not marked, by hand;
    those already so are left as they were (and keep how they were marked)."""
    if not registration_ids:
        return 0
    return _mark(
        sa.and_(
            _with_place(event),
            Registration.id.in_(registration_ids),
            Registration.attended.is_distinct_from(attended),
        ),
        attended,
        AttendanceSource.BY_HAND,
        at,
    )


def mark_by_hand(
    event: Event, changes: dict[int, bool | None], *, at: datetime
) -> dict[bool | None, int]:
    """Each person as changes says (by registration id): how many were changed to each."""
    marked = {}
    for attended in (True, False, None):
        ids = [person_id for person_id, value in changes.items() if value is attended]
        marked[attended] = mark_people(event, ids, attended, at=at)
    return marked


def mark_checked_in_as_attended(event: Event, *, at: datetime) -> int:
    """Everyone checked in at the door, and not marked as attended: attended, by check-in."""
    condition = sa.and_(
        _with_place(event), Registration.checked_in_at.is_not(None), _not_attended()
    )
    return _mark(condition, True, AttendanceSource.CHECK_IN, at)


def checked_in_not_attended(event: Event) -> int:
    """How many were checked in but are not marked as attended (e.g. checked in before
    check-in marked attendance): what mark_checked_in_as_attended would change."""
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            _with_place(event), Registration.checked_in_at.is_not(None), _not_attended()
        )
    )


def mark_unmarked_as_no_show(event: Event, *, at: datetime) -> int:
    condition = sa.and_(_with_place(event), Registration.attended.is_(None))
    return _mark(condition, False, AttendanceSource.BY_HAND, at)


def note_arrival(registration: Registration, *, arrived: bool, at: datetime) -> None:
    """Check-in's part (app.attendees.services.mark_arrival): arriving is attending; a
    check-in taken back unmarks only what the check-in itself had marked."""
    if arrived:
        registration.attended = True
        registration.attendance_source = AttendanceSource.CHECK_IN
        registration.attendance_marked_at = at
    elif registration.attendance_source == AttendanceSource.CHECK_IN:
        registration.attended = None
        registration.attendance_source = None
        registration.attendance_marked_at = None


# --- a Teams attendance report ---------------------------------------------------------


@dataclass
class Matching:
    """A report against the event's people: who will be marked attended, the report's
    rows that match no one, and the people with a place who are not in it."""

    matched: list[Registration]
    unmatched: list  # app.attendance.teams.Participant
    absent: list[Registration]


def match_report(event: Event, participants: list) -> Matching:
    """By normalised address only, never by name. At a hybrid event only those taking
    part online are expected in the report; those already marked as attended (by
    check-in, say) are not offered to be marked as not."""
    people = db.session.scalars(
        sa.select(Registration)
        .where(_with_place(event))
        .order_by(Registration.id)
        .execution_options(populate_existing=True)
    ).all()
    by_address = {person.email_normalised: person for person in people}
    matched, unmatched, seen = [], [], set()
    for participant in participants:
        person = by_address.get(participant.key) if participant.key else None
        if person is None:
            unmatched.append(participant)
        elif person.id not in seen:
            seen.add(person.id)
            matched.append(person)
    hybrid = modes.is_hybrid(event)
    absent = [
        person
        for person in people
        if person.id not in seen
        and person.attended is not True
        and (not hybrid or modes.mode_of(person) == modes.ONLINE)
    ]
    key = lambda person: (person.name.casefold(), person.id)  # noqa: E731
    return Matching(sorted(matched, key=key), unmatched, sorted(absent, key=key))


def apply_report(
    event: Event, attended_ids: Collection[int], absent_ids: Collection[int], *, at: datetime
) -> tuple[int, int]:
    """(marked attended, marked as not): the report's matched people as attended (those
    attended already keep how it was marked), and those chosen of the absent as not."""
    attended = 0
    if attended_ids:
        condition = sa.and_(_with_place(event), Registration.id.in_(attended_ids), _not_attended())
        attended = _mark(condition, True, AttendanceSource.TEAMS_REPORT, at)
    absent = set(absent_ids) - set(attended_ids)
    not_attended = 0
    if absent:
        condition = sa.and_(_with_place(event), Registration.id.in_(absent), _not_attended())
        not_attended = _mark(condition, False, AttendanceSource.TEAMS_REPORT, at)
    return attended, not_attended
