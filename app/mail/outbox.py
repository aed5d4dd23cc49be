"""Writing to the outbox. Call inside the transaction of the change that causes the mail."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.models import Candidate, Event, Invitation, MessageBatch, OutboundEmail, Registration


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
    fresh: bool = False,
) -> OutboundEmail | None:
    """Plan one message; a key already planned plans nothing and returns None.

    fresh: the key names something made in this transaction (a new registration), so no
    one else can have planned it: no look-up and no savepoint, which a sign-up would
    otherwise pay for each of its messages while it holds the event's seat count."""
    if not fresh:
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
    if fresh:
        db.session.add(email)
        return email
    try:
        with db.session.begin_nested():
            db.session.add(email)
    except IntegrityError:  # planned at the same moment by another transaction
        return None
    return email


def queue_registration_email(
    kind: str, registration: Registration, *, key: str | int = 0, fresh: bool = False
) -> OutboundEmail | None:
    """Mail about one registration, to its person, in their language."""
    return queue_email(
        kind,
        recipient=registration.email,
        locale=registration.locale,
        dedupe_key=f"{kind}:{registration.id}:{key}",
        event=registration.event,
        registration=registration,
        fresh=fresh,
    )
