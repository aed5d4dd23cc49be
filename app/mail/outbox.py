"""Writing to the outbox. Call inside the transaction of the change that causes the mail."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app import clock
from app.database import insert_rows
from app.extensions import db
from app.models import (
    Candidate,
    EmailStatus,
    Event,
    Invitation,
    MessageBatch,
    OutboundEmail,
    Registration,
)
from app.text import normalise_email


def queue_email(
    kind: str,
    *,
    recipient: str,
    locale: str,
    dedupe_key: str,
    event: Event | None = None,
    registration: Registration | None = None,
    candidate: Candidate | None = None,
    invitation: Invitation | None = None,
    batch: MessageBatch | None = None,
    payload: dict | None = None,
    send_after: datetime | None = None,
) -> OutboundEmail | None:
    """Plan one message; a key already planned plans nothing and returns None, as does a
    message to no address (a person an organiser added without one)."""
    if not recipient:
        return None
    taken = sa.select(OutboundEmail.id).where(OutboundEmail.dedupe_key == dedupe_key)
    if db.session.scalar(taken) is not None:
        return None
    email = OutboundEmail(
        kind=kind,
        recipient=recipient,
        locale=locale,
        dedupe_key=dedupe_key,
        event=event,
        registration=registration,
        candidate=candidate,
        invitation=invitation,
        batch=batch,
        payload=payload or {},
        send_after=send_after or clock.now(),
    )
    try:
        with db.session.begin_nested():
            db.session.add(email)
    except IntegrityError:  # planned at the same moment by another transaction
        return None
    return email


def queue_registration_email(
    kind: str, registration: Registration, *, key: str | int = 0, payload: dict | None = None
) -> OutboundEmail | None:
    """Mail about one registration, to its person, in their language."""
    return queue_email(
        kind,
        recipient=registration.email,
        locale=registration.locale,
        dedupe_key=registration_email_key(kind, registration.id, key),
        event=registration.event,
        registration=registration,
        payload=payload,
    )


def registration_email_key(kind: str, registration_id: int, key: str | int = 0) -> str:
    return f"{kind}:{registration_id}:{key}"


def new_email(
    kind: str,
    *,
    recipient: str,
    locale: str,
    dedupe_key: str,
    event_id: int,
    registration_id: int,
    payload: dict | None = None,
    send_after: datetime | None = None,
) -> dict:
    """One message about a registration made in this transaction, for queue_new_emails."""
    return {
        "kind": kind,
        "recipient": recipient,
        "recipient_normalised": normalise_email(recipient),
        "locale": locale,
        "dedupe_key": dedupe_key,
        "event_id": event_id,
        "registration_id": registration_id,
        "payload": payload or {},
        "send_after": send_after or clock.now(),
        "status": EmailStatus.PENDING,
        "attempts": 0,
        "last_error": "",
        "created_at": clock.now(),
    }


def queue_new_emails(emails: list[dict]) -> None:
    """Plan messages about something made in this transaction (a new registration).

    No one else can have planned them, so there is no look-up and no savepoint, and one
    statement writes them all (each dict made by new_email, so all have the same keys).
    Those to no address are left out."""
    emails = [email for email in emails if email["recipient"]]
    insert_rows(OutboundEmail.__table__, emails)  # the table's: the ORM's bulk path cost more
