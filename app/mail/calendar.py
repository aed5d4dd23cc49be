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
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Kutsu//Kutsu//FI")
    calendar.add("version", "2.0")
    calendar.add("method", "CANCEL" if cancel else "REQUEST")

    entry = icalendar.Event()
    entry.add("uid", registration_uid(registration))
    entry.add("sequence", event.sequence + registration.sequence)
    entry.add("dtstamp", clock.now())
    entry.add("dtstart", clock.to_local(event.starts_at))
    entry.add("dtend", clock.to_local(event.ends_at))
    entry.add("summary", event.title_in(registration.locale).text)
    entry.add("status", "CANCELLED" if cancel else "CONFIRMED")
    entry.add("url", event_url)
    place = ", ".join(part for part in (event.venue_name, event.venue_address) if part)
    details = [event_url]
    if with_join_link and event.join_link and not cancel:
        details.insert(0, event.join_link)
        place = place or event.join_link
    if place:
        entry.add("location", place)
    entry.add("description", "\n".join(details))
    entry["organizer"] = _address(current_app.config["MAIL_DEFAULT_SENDER"])
    attendee = icalendar.vCalAddress(f"mailto:{registration.email}")
    attendee.params["cn"] = icalendar.vText(registration.name)
    attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = icalendar.vText("ACCEPTED")
    entry.add("attendee", attendee, encode=False)
    calendar.add_component(entry)
    # The time zone goes before the event, where calendar programs look for it.
    zone = _helsinki_zone(clock.to_local(event.starts_at).year)
    return calendar.to_ical().replace(
        b"\r\nBEGIN:VEVENT\r\n", b"\r\n" + zone + b"BEGIN:VEVENT\r\n", 1
    )


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
