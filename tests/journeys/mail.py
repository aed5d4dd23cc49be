"""What a person finds in an email: its calendar file, read as a calendar app reads it."""

from email.message import EmailMessage

import icalendar


def calendar_files(message: EmailMessage) -> list[icalendar.Calendar]:
    """Each .ics file attached to the email, parsed."""
    return [
        icalendar.Calendar.from_ical(part.get_payload(decode=True))
        for part in message.iter_attachments()
        if (part.get_filename() or "").endswith(".ics")
    ]


def calendar_in(message: EmailMessage) -> icalendar.Event:
    """The one event of the email's one .ics file."""
    [calendar] = calendar_files(message)
    [event] = calendar.walk("VEVENT")
    return event
