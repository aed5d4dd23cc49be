"""Reminders before an event: outbox rows with a future send_after, kept in step with the
event's time and its people."""

from datetime import datetime, timedelta

import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.mail.outbox import new_email, queue_email
from app.models import EmailStatus, Event, OutboundEmail, Registration, RegistrationStatus

REMINDER = "reminder"


def _reminder_key(registration_id: int, minutes: int, event: Event) -> str:
    # The start time is part of the key: a moved event gets reminders of its own, even
    # when the reminder for the old time was already sent.
    return f"{REMINDER}:{registration_id}:{minutes}:{event.starts_at:%Y%m%dT%H%M}"


def plan_reminders(registration: Registration) -> int:
    """Plan this person's reminders that are still ahead; planning again adds nothing."""
    event = registration.event
    planned = 0
    for minutes, due in reminders_ahead(event):
        email = queue_email(
            REMINDER,
            recipient=registration.email,
            locale=registration.locale,
            dedupe_key=_reminder_key(registration.id, minutes, event),
            event=event,
            registration=registration,
            payload={"minutes": minutes},
            send_after=due,
        )
        planned += email is not None
    return planned


def new_reminders(event: Event, registration_id: int, recipient: str, locale: str) -> list[dict]:
    """The reminders of a registration made in this transaction, for queue_new_emails."""
    return [
        new_email(
            REMINDER,
            recipient=recipient,
            locale=locale,
            dedupe_key=_reminder_key(registration_id, minutes, event),
            event_id=event.id,
            registration_id=registration_id,
            payload={"minutes": minutes},
            send_after=due,
        )
        for minutes, due in reminders_ahead(event)
    ]


def reminders_ahead(event: Event) -> list[tuple[int, datetime]]:
    """The event's reminders still to send: minutes before the start, and when that is."""
    now = clock.now()
    minutes_before = event.reminder_minutes or []
    due = ((minutes, event.starts_at - timedelta(minutes=minutes)) for minutes in minutes_before)
    return [(minutes, at) for minutes, at in due if at > now]


def replan_event_reminders(event: Event) -> int:
    """After a change of time or of reminder settings: pending reminders move with the
    event, those no longer wanted are skipped, and missing ones are planned."""
    pending = db.session.scalars(
        sa.select(OutboundEmail).where(
            OutboundEmail.event_id == event.id,
            OutboundEmail.kind == REMINDER,
            OutboundEmail.status == EmailStatus.PENDING,
        )
    ).all()
    wanted = set(event.reminder_minutes or [])
    for email in pending:
        minutes = email.payload.get("minutes")
        due = event.starts_at - timedelta(minutes=minutes or 0)
        if minutes not in wanted or due <= clock.now():
            email.status = EmailStatus.SKIPPED
            email.last_error = "no longer wanted: the event changed"
        else:
            email.send_after = due
            email.dedupe_key = _reminder_key(email.registration_id, minutes, event)
    db.session.flush()
    people = db.session.scalars(
        sa.select(Registration).where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    )
    return sum(plan_reminders(person) for person in people)
