"""Reading the network's calendar: public events in a period, by format, region and theme.

Public means published, or cancelled after it was published (shown as cancelled, so a
calendar that had it learns it is off); drafts exist only for their organisers. Each
period is one query on the (status, starts_at) index, and one more for series titles.
"""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import load_only

from app import clock
from app.extensions import db
from app.models import Event, EventFormat, EventStatus, Series

# Where a feed starts and ends, around now.
FEED_PAST = timedelta(days=90)
FEED_AHEAD = timedelta(days=365)
# Whole country or online (stored as ""), as the region filter names it.
NATIONAL = "national"

# Public: published, or cancelled after it was published; drafts never.
_PUBLIC = (
    Event.status.in_([EventStatus.PUBLISHED, EventStatus.CANCELLED]),
    Event.published_at.is_not(None),
)

# What the calendar pages show: never the join link, the organisers or the description.
LISTED_COLUMNS = (
    Event.id,
    Event.slug,
    Event.title,
    Event.language,
    Event.translations,
    Event.starts_at,
    Event.ends_at,
    Event.format,
    Event.venue_name,
    Event.venue_address,
    Event.region,
    Event.themes,
    Event.status,
    Event.series_id,
)
# The feeds add the description, the public contact address and what a calendar app
# needs to know an entry changed.
FEED_COLUMNS = (
    *LISTED_COLUMNS,
    Event.description,
    Event.contact_email,
    Event.sequence,
    Event.updated_at,
    Event.created_at,
    Event.capacity,
    Event.confirmed_count,
    Event.waiting_list,
    Event.participation,
    Event.registration_opens_at,
    Event.registration_closes_at,
    Event.nominations_open_at,
    Event.nominations_close_at,
)


@dataclass(frozen=True)
class CalendarFilters:
    """None: any. region: a stored region, or NATIONAL for the whole country."""

    format: EventFormat | None = None
    region: str | None = None
    theme: str | None = None

    def query_args(self) -> dict[str, str]:
        """The filters as the calendar's addresses carry them."""
        given = {"format": self.format, "region": self.region, "theme": self.theme}
        return {name: str(value) for name, value in given.items() if value}

    def where(self) -> list:
        clauses = []
        if self.format:
            clauses.append(Event.format == self.format)
        if self.region == NATIONAL:
            clauses.append(Event.region == "")
        elif self.region:
            # The events for this county, and those for everyone.
            clauses.append(Event.region.in_([self.region, ""]))
        return clauses

    def keeps(self, event: Event) -> bool:
        return not self.theme or self.theme in (event.themes or [])


@dataclass
class Period:
    events: list[Event]
    series: dict[int, Series]
    # Every theme of the period's events (before the theme filter): the filter's choices.
    themes: list[str]


def public_events(
    starts_from: datetime,
    starts_before: datetime,
    filters: CalendarFilters,
    *,
    columns=LISTED_COLUMNS,
    limit: int | None = None,
    ends_after: datetime | None = None,
) -> Period:
    """Public events starting in [starts_from, starts_before), in order, filtered."""
    query = (
        sa.select(Event)
        .options(load_only(*columns, raiseload=True))
        .where(
            *_PUBLIC,
            Event.starts_at >= starts_from,
            Event.starts_at < starts_before,
            *filters.where(),
        )
        .order_by(Event.starts_at, Event.id)
    )
    if ends_after is not None:
        query = query.where(Event.ends_at > ends_after)
    if limit is not None and not filters.theme:
        query = query.limit(limit)  # the theme filter is applied to the rows read
    found = list(db.session.scalars(query))
    themes = sorted({theme for event in found for theme in event.themes or []}, key=str.lower)
    events = [event for event in found if filters.keeps(event)]
    if limit is not None:
        events = events[:limit]
    return Period(events, series_of(events), themes)


def series_of(events: list[Event]) -> dict[int, Series]:
    """The series the events belong to, by id: their slugs and titles."""
    ids = {event.series_id for event in events if event.series_id}
    if not ids:
        return {}
    found = db.session.scalars(
        sa.select(Series)
        .options(load_only(Series.slug, Series.title, Series.language, Series.translations))
        .where(Series.id.in_(ids))
    )
    return {series.id: series for series in found}


def month_bounds(month: date) -> tuple[datetime, datetime]:
    """The first and the next month's first moment in Helsinki, in UTC."""
    following = (month.replace(day=28) + timedelta(days=4)).replace(day=1)
    return _helsinki_midnight(month.replace(day=1)), _helsinki_midnight(following)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    return _helsinki_midnight(date(year, 1, 1)), _helsinki_midnight(date(year + 1, 1, 1))


def _helsinki_midnight(day: date) -> datetime:
    return clock.from_local(datetime(day.year, day.month, day.day))


def feed_window(at: datetime) -> tuple[datetime, datetime]:
    return at - FEED_PAST, at + FEED_AHEAD


def series_events(series: Series, at: datetime) -> Period:
    """A series' public occurrences from the feed's start on (a series spans a year at most)."""
    start, _ = feed_window(at)
    query = (
        sa.select(Event)
        .options(load_only(*FEED_COLUMNS, raiseload=True))
        .where(
            Event.series_id == series.id,
            *_PUBLIC,
            Event.starts_at >= start,
        )
        .order_by(Event.starts_at, Event.id)
    )
    events = list(db.session.scalars(query))
    return Period(events, {series.id: series}, [])


def public_event_by_slug(slug: str) -> Event | None:
    """A public event's feed columns, for its own .ics."""
    return db.session.scalar(
        sa.select(Event)
        .options(load_only(*FEED_COLUMNS, raiseload=True))
        .where(
            Event.slug == slug,
            *_PUBLIC,
        )
    )
