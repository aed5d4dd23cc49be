"""The public feeds: iCalendar (the whole calendar, a series, one event) and JSON.

Nothing in them is personal or secret: no join link, no organiser, no person; the
contact address only because the event page shows it. Each event has one UID for its
whole life (event-<id>@host, apart from the per-person UIDs of calendar invitations), and
SEQUENCE is the event's own, raised on every change its people are told about, so a
subscribed calendar updates the entry instead of adding another. DTSTAMP and
LAST-MODIFIED are the event's last change: the same feed is the same bytes (its ETag).
"""

from datetime import datetime, timedelta
from functools import lru_cache
from urllib.parse import urlsplit

from flask import current_app
from icalendar import vDuration

from app import clock
from app.calendar.services import Period
from app.mail.calendar import event_entry, new_calendar, with_helsinki_zone
from app.models import Event, EventStatus
from app.navigation import public_url

# How often a subscribed calendar should look again (RFC 7986; Outlook's own name too).
REFRESH = timedelta(hours=1)


def place_of(event: Event) -> str:
    """The venue, for an event held (also) in person; an online event has no place."""
    if not event.has_venue:
        return ""
    return ", ".join(part for part in (event.venue_name, event.venue_address) if part)


def calendar_feed(period: Period, name: str) -> bytes:
    calendar = new_calendar(method="PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", "Europe/Helsinki")
    calendar.add("refresh-interval", REFRESH, parameters={"value": "DURATION"})
    calendar.add("x-published-ttl", vDuration(REFRESH).to_ical().decode())
    head = calendar.to_ical()
    if not period.events:
        return head
    base_url = current_app.config["PUBLIC_BASE_URL"]
    entries = b"".join(_feed_entry(_entry_values(event), base_url) for event in period.events)
    text = head[: -len(END_OF_CALENDAR)] + entries + END_OF_CALENDAR
    return with_helsinki_zone(text, clock.to_local(period.events[0].starts_at).year)


END_OF_CALENDAR = b"END:VCALENDAR\r\n"


def _entry_values(event: Event) -> tuple:
    """Everything an event's entry shows, as the key its rendered lines are kept under."""
    return (
        event.id,
        event.slug,
        event.title,
        event.language,
        event.description,
        event.starts_at,
        event.ends_at,
        place_of(event),
        event.status == EventStatus.CANCELLED,
        event.sequence,
        event.updated_at,
        event.created_at,
        tuple(event.themes or ()),
        event.contact_email,
    )


@lru_cache(maxsize=2048)
def _feed_entry(values: tuple, base_url: str) -> bytes:
    """An event's VEVENT lines, made once while nothing it shows changes: folding and
    escaping 1,000 entries took a second for every fetch of the feed."""
    (
        event_id,
        slug,
        title,
        language,
        description,
        starts_at,
        ends_at,
        place,
        cancelled,
        sequence,
        updated_at,
        created_at,
        themes,
        contact_email,
    ) = values
    url = public_url("events.show", slug=slug)
    entry = event_entry(
        starts_at=starts_at,
        ends_at=ends_at,
        title=title,
        place=place,
        description="\n\n".join(part for part in (description.strip(), url) if part),
        url=url,
        cancelled=cancelled,
        language=language,
    )
    host = urlsplit(base_url).hostname or "kutsu"
    entry.add("uid", f"event-{event_id}@{host}")
    entry.add("sequence", sequence)
    entry.add("dtstamp", updated_at)
    entry.add("last-modified", updated_at)
    entry.add("created", created_at)
    if themes:
        entry.add("categories", list(themes))
    if contact_email:
        entry.add("contact", contact_email)
    return entry.to_ical()


def last_change(period: Period) -> datetime | None:
    return max((event.updated_at for event in period.events), default=None)


def json_feed(period: Period, at: datetime) -> dict:
    """The documented fields (docs/calendar-feeds.md) of each event."""
    return {"events": [_json_event(event, period, at) for event in period.events]}


def _json_event(event: Event, period: Period, at: datetime) -> dict:
    series = period.series.get(event.series_id) if event.series_id else None
    return {
        "id": event.id,
        "url": public_url("events.show", slug=event.slug),
        "ics": public_url("calendar.event_ics", slug=event.slug),
        "language": event.language,
        "title": _per_language(event, "title", event.title),
        "description": _per_language(event, "description", event.description),
        "start": clock.to_local(event.starts_at).isoformat(),
        "end": clock.to_local(event.ends_at).isoformat(),
        "format": event.format.value,
        "region": event.region,
        "themes": list(event.themes or []),
        "venue": (
            {"name": event.venue_name, "address": event.venue_address} if event.has_venue else None
        ),
        "status": event.status.value,
        "participation": event.participation.value,
        "series": (
            {
                "slug": series.slug,
                "title": _per_language(series, "title", series.title),
                "ics": public_url("calendar.series_feed", slug=series.slug),
            }
            if series
            else None
        ),
        "places_left": event.seats_left,
        "registration_open": event.registration_is_open(at),
    }


def _per_language(thing, key: str, main_text: str) -> dict[str, str]:
    """{language: text} for the language it is written in and every translation given."""
    given = {thing.language: main_text}
    for code, texts in (thing.translations or {}).items():
        if texts.get(key):
            given[code] = texts[key]
    return given
