"""What a person finds in an email: its calendar file, read as a calendar app reads it."""

from email.message import EmailMessage

import icalendar


def calendar_in(message: EmailMessage) -> icalendar.Event:
    """The one event of the email's .ics attachment."""
    [attachment] = [
        part
        for part in message.iter_attachments()
        if part.get_content_type() == "text/calendar"
        or (part.get_filename() or "").endswith(".ics")
    ]
    assert (attachment.get_filename() or "").endswith(".ics"), attachment.get_filename()
    calendar = icalendar.Calendar.from_ical(attachment.get_payload(decode=True))
    [event] = calendar.walk("VEVENT")
    return event
