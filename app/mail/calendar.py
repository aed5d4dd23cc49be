"""Calendar invitations (.ics) for a person's place at an event, made with icalendar."""

from datetime import UTC, datetime, timedelta
from email.utils import parseaddr
from functools import lru_cache
from urllib.parse import urlsplit

import icalendar
from flask import current_app

from app import clock
from app.models import Registration
from app.places.modes import gets_join_link, is_hybrid, shows_venue


def registration_uid(registration: Registration) -> str:
    """Stable for the life of the registration, so updates replace the calendar entry."""
    host = urlsplit(current_app.config["PUBLIC_BASE_URL"]).hostname or "kutsu"
    return f"kutsu-event-{registration.event_id}-registration-{registration.id}@{host}"


def registration_calendar(
    registration: Registration, *, cancel: bool, event_url: str, with_join_link: bool
) -> bytes:
    """METHOD:REQUEST for a place, METHOD:CANCEL when it is gone; SEQUENCE grows with
    every change to the event or the registration."""
    event = registration.event
    # At a hybrid event, the venue for those who come, the join link for those online.
    venue = (event.venue_name, event.venue_address)
    if is_hybrid(event) and not shows_venue(registration, event):
        venue = ()
    with_join_link = with_join_link and gets_join_link(registration)
    head, tail = _event_calendar(
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        title=event.title_in(registration.locale).text,
        venue=venue,
        join_link=event.join_link if with_join_link and not cancel else None,
        event_url=event_url,
        cancel=cancel,
        sender=current_app.config["MAIL_DEFAULT_SENDER"],
    )
    return head + _person_lines(registration, event.sequence + registration.sequence) + tail


END_OF_EVENT = b"END:VEVENT\r\n"


@lru_cache(maxsize=32)
def _event_calendar(
    *, starts_at, ends_at, title, venue, join_link, event_url, cancel, sender
) -> tuple[bytes, bytes]:
    """The calendar without the person: everything before and after their lines. It is the
    same for everyone at an event who reads the same language, so it is made once for them
    all (by the values it shows: a changed event makes a new one)."""
    calendar = new_calendar(method="CANCEL" if cancel else "REQUEST")
    place = ", ".join(part for part in venue if part)
    details = [event_url]
    if join_link:
        details.insert(0, join_link)
        place = place or join_link
    entry = event_entry(
        starts_at=starts_at,
        ends_at=ends_at,
        title=title,
        place=place,
        description="\n".join(details),
        url=event_url,
        cancelled=cancel,
    )
    entry["organizer"] = _address(sender)
    calendar.add_component(entry)
    text = with_helsinki_zone(calendar.to_ical(), clock.to_local(starts_at).year)
    end = text.index(END_OF_EVENT)
    return text[:end], text[end:]


def new_calendar(method: str | None = None) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Kutsu//Kutsu//FI")
    calendar.add("version", "2.0")
    if method:
        calendar.add("method", method)
    return calendar


def event_entry(
    *, starts_at, ends_at, title, place, description, url, cancelled, language=None
) -> icalendar.Event:
    """An event's VEVENT as everyone sees it, in Helsinki time: a person's calendar
    invitation adds its attendee, UID and SEQUENCE; the public feeds their own."""
    entry = icalendar.Event()
    entry.add("dtstart", clock.to_local(starts_at))
    entry.add("dtend", clock.to_local(ends_at))
    entry.add("summary", title, parameters={"language": language} if language else None)
    entry.add("status", "CANCELLED" if cancelled else "CONFIRMED")
    entry.add("url", url)
    if place:
        entry.add("location", place)
    entry.add("description", description)
    return entry


def with_helsinki_zone(text: bytes, year: int) -> bytes:
    """The calendar with Helsinki's VTIMEZONE before its first event, where calendar
    programs look for it (years around `year`)."""
    return text.replace(
        b"\r\nBEGIN:VEVENT\r\n", b"\r\n" + _helsinki_zone(year) + b"BEGIN:VEVENT\r\n", 1
    )


def _person_lines(registration: Registration, sequence: int) -> bytes:
    """The calendar entry's lines about this person's place."""
    entry = icalendar.Event()
    entry.add("uid", registration_uid(registration))
    entry.add("sequence", sequence)
    entry.add("dtstamp", clock.now())
    attendee = icalendar.vCalAddress(f"mailto:{registration.email}")
    attendee.params["cn"] = icalendar.vText(registration.name)
    attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = icalendar.vText("ACCEPTED")
    entry.add("attendee", attendee, encode=False)
    lines = entry.to_ical()
    return lines[len(b"BEGIN:VEVENT\r\n") : -len(END_OF_EVENT)]


@lru_cache(maxsize=8)
def _helsinki_zone(year: int) -> bytes:
    """Helsinki's VTIMEZONE for the years around an event's, made once per year: it is the
    same in every message. Only those years: the full 1970–2038 history would be three
    times as long.

    Made from zoneinfo's own changes, not icalendar's add_missing_timezones: that gave the
    start of summer time as 04.00, the first time after the change, where RFC 5545 wants
    the time before it, in the offset changed from (03.00), so a calendar that follows the
    RFC put the change an hour late."""
    # Within datetime's years: an event stored in year 9999 still gets its calendar entry.
    first = datetime(max(year - 1, 2), 1, 1, tzinfo=UTC)
    last = datetime(min(year + 2, 9999), 1, 1, tzinfo=UTC)
    zone = icalendar.Timezone()
    zone.add("tzid", "Europe/Helsinki")
    start = first.astimezone(clock.HELSINKI)
    zone.add_component(_observance(start, start.utcoffset(), [start.replace(tzinfo=None)]))
    changes: dict[timedelta, list[datetime]] = {}
    for moment in _clock_changes(first, last):
        changes.setdefault(moment.utcoffset(), []).append(moment)
    for moments in changes.values():
        from_offset = _offset_before(moments[0])
        local_times = [
            (moment.astimezone(UTC) + from_offset).replace(tzinfo=None) for moment in moments
        ]
        zone.add_component(_observance(moments[0], from_offset, local_times))
    return zone.to_ical()


def _observance(after: datetime, from_offset: timedelta, local_times: list[datetime]):
    """A STANDARD or DAYLIGHT part: the offset `after` has, from the local times given."""
    observance = (icalendar.TimezoneDaylight if after.dst() else icalendar.TimezoneStandard)()
    observance.add("dtstart", local_times[0])
    if local_times[1:]:
        observance.add("rdate", local_times[1:])
    observance.add("tzname", after.tzname())
    observance.add("tzoffsetfrom", from_offset)
    observance.add("tzoffsetto", after.utcoffset())
    return observance


def _offset_before(moment: datetime) -> timedelta:
    return (moment.astimezone(UTC) - timedelta(seconds=1)).astimezone(clock.HELSINKI).utcoffset()


def _clock_changes(first: datetime, last: datetime):
    """Each moment from first to last when Helsinki's offset changes, in Helsinki time:
    found a day at a time, then halved to the second."""

    def offset(moment: datetime) -> timedelta:
        return moment.astimezone(clock.HELSINKI).utcoffset()

    day = first
    while day < last:
        low, high = day, day + timedelta(days=1)
        if offset(low) != offset(high):
            while high - low > timedelta(seconds=1):
                middle = (low + (high - low) / 2).replace(microsecond=0)
                low, high = (middle, high) if offset(middle) == offset(low) else (low, middle)
            yield high.astimezone(clock.HELSINKI)
        day += timedelta(days=1)


def _address(sender) -> icalendar.vCalAddress:
    name, email = sender if isinstance(sender, tuple) else _split(sender)
    address = icalendar.vCalAddress(f"mailto:{email}")
    if name:
        address.params["cn"] = icalendar.vText(name)
    return address


def _split(sender: str) -> tuple[str, str]:
    return parseaddr(sender)
