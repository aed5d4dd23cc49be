"""Calendar invitations (.ics) for a person's place at an event, made with icalendar."""

from datetime import date, datetime
from email.utils import parseaddr
from functools import lru_cache
from urllib.parse import urlsplit

import icalendar
from flask import current_app

from app import clock
from app.models import Registration


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
    head, tail = _event_calendar(
        starts_at=event.starts_at,
        ends_at=event.ends_at,
        title=event.title_in(registration.locale).text,
        venue=(event.venue_name, event.venue_address),
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
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Kutsu//Kutsu//FI")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")

    entry = icalendar.Event()
    entry.add("dtstart", clock.to_local(starts_at))
    entry.add("dtend", clock.to_local(ends_at))
    entry.add("summary", title)
    entry.add("status", "CANCELLED" if cancel else "CONFIRMED")
    entry.add("url", event_url)
    place = ", ".join(part for part in venue if part)
    details = [event_url]
    if join_link:
        details.insert(0, join_link)
        place = place or join_link
    if place:
        entry.add("location", place)
    entry.add("description", "\n".join(details))
    entry["organizer"] = _address(sender)
    calendar.add_component(entry)
    # The time zone goes before the event, where calendar programs look for it.
    zone = _helsinki_zone(clock.to_local(starts_at).year)
    text = calendar.to_ical().replace(
        b"\r\nBEGIN:VEVENT\r\n", b"\r\n" + zone + b"BEGIN:VEVENT\r\n", 1
    )
    end = text.index(END_OF_EVENT)
    return text[:end], text[end:]


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
    same in every message, and making it cost more than all the rest of the message. Only
    those years: the full 1970–2038 history would be three times as long."""
    calendar = icalendar.Calendar()
    entry = icalendar.Event()
    entry.add("dtstart", datetime(year, 6, 1, tzinfo=clock.HELSINKI))
    calendar.add_component(entry)
    calendar.add_missing_timezones(first_date=date(year - 1, 1, 1), last_date=date(year + 2, 1, 1))
    return b"".join(zone.to_ical() for zone in calendar.walk("VTIMEZONE"))


def _address(sender) -> icalendar.vCalAddress:
    name, email = sender if isinstance(sender, tuple) else _split(sender)
    address = icalendar.vCalAddress(f"mailto:{email}")
    if name:
        address.params["cn"] = icalendar.vText(name)
    return address


def _split(sender: str) -> tuple[str, str]:
    return parseaddr(sender)
