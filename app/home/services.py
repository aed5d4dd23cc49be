"""The organiser's home: their events (an admin's: every event) in three tabs, searchable,
a page at a time, with the numbers of each event's people."""

import enum
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.database import contains
from app.extensions import db
from app.models import (
    Event,
    EventOrganiser,
    EventStatus,
    Organiser,
    OrganiserRole,
    Registration,
    RegistrationStatus,
)

PAGE_SIZE = 50
# "Sign-ups in the last 7 days".
RECENT = timedelta(days=7)
LANGUAGES = ("fi", "sv", "en")


class Tab(enum.StrEnum):
    """Which tab an event is in, at a moment `now`:

    - DRAFTS: every draft, whatever its dates (nobody can sign up for it yet).
    - UPCOMING: published or cancelled events that have not ended (a cancelled one stays
      here until its date passes: its people may still be asking about it).
    - PAST: published or cancelled events that have ended, cancelled ones by their date.
    """

    UPCOMING = "upcoming"
    DRAFTS = "drafts"
    PAST = "past"


def tab_of(now: datetime):
    """The SQL expression of an event's tab (see Tab)."""
    return sa.case(
        (Event.status == EventStatus.DRAFT, Tab.DRAFTS.value),
        (Event.ends_at <= now, Tab.PAST.value),
        else_=Tab.UPCOMING.value,
    )


def in_tab(tab: Tab, now: datetime):
    """The same rule as tab_of, as conditions an index on (status, starts_at) can serve."""
    if tab == Tab.DRAFTS:
        return Event.status == EventStatus.DRAFT
    ended = Event.ends_at <= now if tab == Tab.PAST else Event.ends_at > now
    return sa.and_(Event.status.in_([EventStatus.PUBLISHED, EventStatus.CANCELLED]), ended)


# Upcoming soonest first; past newest first; drafts by their last change.
_ORDER = {
    Tab.UPCOMING: (Event.starts_at, Event.id),
    Tab.PAST: (Event.starts_at.desc(), Event.id.desc()),
    Tab.DRAFTS: (Event.updated_at.desc(), Event.id.desc()),
}


@dataclass(frozen=True)
class Scope:
    """Whose events: the viewer's own, or (an admin) all, or one organiser's."""

    viewer: Organiser
    organiser_id: int | None = None
    search: str = ""


def _conditions(scope: Scope) -> list:
    conditions = []
    if not scope.viewer.is_admin:
        conditions.append(_organised_by(scope.viewer.id))
    elif scope.organiser_id is not None:
        conditions.append(_organised_by(scope.organiser_id))
    if scope.search.strip():
        conditions.append(_title_matches(scope.search))
    return conditions


def _organised_by(organiser_id: int):
    # Owner, co-organiser or helper: a helper finds the events they help at here too.
    return sa.exists().where(
        EventOrganiser.event_id == Event.id, EventOrganiser.organiser_id == organiser_id
    )


def _title_matches(search: str):
    """The title in its own language or in any of its translations."""
    titles = [Event.title] + [Event.translations[(code, "title")].as_string() for code in LANGUAGES]
    return sa.or_(*(contains(title, search) for title in titles))


def tab_counts(scope: Scope, now: datetime) -> dict[Tab, int]:
    """How many events each tab holds: one GROUP BY."""
    tab = tab_of(now)
    rows = db.session.execute(
        sa.select(tab, sa.func.count()).where(*_conditions(scope)).group_by(tab)
    ).all()
    return dict.fromkeys(Tab, 0) | {Tab(name): count for name, count in rows}


def events_page(scope: Scope, tab: Tab, now: datetime, page: int = 1):
    """One page of the tab's events, with their organisers (for the viewer's part in each
    and whether anyone active organises it)."""
    query = (
        sa.select(Event)
        .where(in_tab(tab, now), *_conditions(scope))
        .options(selectinload(Event.organiser_links))
        .order_by(*_ORDER[tab])
    )
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


@dataclass
class EventNumbers:
    waiting: int = 0
    recent: int = 0  # sign-ups in the last 7 days, whatever became of them


def numbers_of(events: list[Event], now: datetime) -> dict[int, EventNumbers]:
    """Waiting and recent sign-ups of each event: one GROUP BY for the page, on
    ix_registration_event_status. (Confirmed is the event's own count.)"""
    ids = [event.id for event in events]
    numbers = {event_id: EventNumbers() for event_id in ids}
    if not ids:
        return numbers
    rows = db.session.execute(
        sa.select(
            Registration.event_id,
            _count_where(Registration.status == RegistrationStatus.WAITING),
            _count_where(Registration.created_at > now - RECENT),
        )
        .where(Registration.event_id.in_(ids))
        .group_by(Registration.event_id)
    ).all()
    for event_id, waiting, recent in rows:
        numbers[event_id] = EventNumbers(waiting, recent)
    return numbers


def _count_where(condition):
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def has_active_organiser(event: Event) -> bool:
    """An owner or co-organiser whose account is active: helpers only check people in."""
    return any(
        link.role != OrganiserRole.HELPER and link.organiser.active
        for link in event.organiser_links
    )


def organiser_choices() -> list[sa.Row]:
    """Every organiser account (id, name, email, active), for an admin's filter."""
    query = sa.select(Organiser.id, Organiser.name, Organiser.email, Organiser.active)
    return list(db.session.execute(query.order_by(sa.func.lower(Organiser.name), Organiser.id)))
