"""The mail worker: claims due outbox rows, sends them over one SMTP connection per batch."""

import logging
import random
import smtplib
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app import clock
from app.database import writing
from app.extensions import db
from app.invitations.services import mark_sent
from app.mail import transport
from app.mail.render import render_message, still_relevant
from app.models import EmailStatus, OutboundEmail

log = logging.getLogger(__name__)


def claim_due_messages(limit: int) -> list[OutboundEmail]:
    """Lease due messages to this worker; SKIP LOCKED lets several workers share the queue."""
    now = clock.now()
    rows = db.session.scalars(
        sa.select(OutboundEmail)
        .where(
            OutboundEmail.status == EmailStatus.PENDING,
            OutboundEmail.send_after <= now,
            sa.or_(OutboundEmail.locked_until.is_(None), OutboundEmail.locked_until < now),
        )
        .order_by(OutboundEmail.send_after, OutboundEmail.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    ).all()
    lease = timedelta(seconds=current_app.config["MAIL_LEASE_SECONDS"])
    for row in rows:
        row.locked_until = now + lease
        row.attempts += 1
    db.session.commit()
    return rows


def send_due_messages(should_stop: Callable[[], bool] = lambda: False) -> int:
    """Send one batch of due messages; returns how many were sent.

    `should_stop` is asked between messages: the message in hand is finished, the rest of
    the batch is handed back to the queue at once."""
    with writing():
        return _send_batch(should_stop)


def _send_batch(should_stop: Callable[[], bool]) -> int:
    batch = claim_due_messages(current_app.config["MAIL_BATCH_SIZE"])
    if not batch:
        return 0
    sent = 0
    unsent = list(batch)
    try:
        with transport.connect() as connection:
            while unsent and not should_stop():
                sent += _send_one(connection, unsent[0])
                unsent.pop(0)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("SMTP unavailable: %s", exc)
        for email in unsent:
            _retry_later(email, f"SMTP unavailable: {exc}")
        db.session.commit()
        return sent
    _hand_back(unsent)
    return sent


def _hand_back(emails: list[OutboundEmail]) -> None:
    """Release leases of messages not tried, for this or another worker to send."""
    for email in emails:
        email.locked_until = None
        email.attempts -= 1
    db.session.commit()


def _send_one(connection, email: OutboundEmail) -> int:
    if not still_relevant(email):
        _give_up(email, EmailStatus.SKIPPED, "no longer relevant when due")
        db.session.commit()
        return 0
    try:
        message = render_message(email)
    except Exception as exc:  # a template fault must not stop the rest of the batch
        log.exception("could not render message %s", email.id)
        _give_up(email, EmailStatus.FAILED, f"render error: {exc}")
        db.session.commit()
        return 0
    # Tokens minted while rendering exist before the email that carries them does.
    db.session.commit()
    try:
        connection.send(message)
    except smtplib.SMTPRecipientsRefused as exc:
        code, reason = next(iter(exc.recipients.values()))
        _rejected(email, code, reason)
        db.session.commit()
        return 0
    except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
        _rejected(email, exc.smtp_code, exc.smtp_error)
        db.session.commit()
        return 0
    email.status = EmailStatus.SENT
    email.sent_at = clock.now()
    email.locked_until = None
    email.last_error = ""
    if email.kind == "invitation":
        mark_sent(email.invitation)
    db.session.commit()
    return 1


def _rejected(email: OutboundEmail, code: int, reason: bytes | str) -> None:
    """A 4xx reply is temporary and retried; a 5xx is permanent for this message."""
    text = f"{code} {reason.decode(errors='replace') if isinstance(reason, bytes) else reason}"
    if 400 <= code < 500:
        _retry_later(email, text)
    else:
        _give_up(email, EmailStatus.FAILED, text)


def _retry_later(email: OutboundEmail, error: str) -> None:
    if email.attempts >= current_app.config["MAIL_MAX_ATTEMPTS"]:
        _give_up(email, EmailStatus.DEAD, error)
        return
    # Exponential backoff with jitter: 1, 2, 4 … minutes, at most six hours.
    delay = min(60 * 2 ** (email.attempts - 1), 6 * 3600) * random.uniform(0.8, 1.2)
    email.send_after = clock.now() + timedelta(seconds=delay)
    email.locked_until = None
    email.last_error = error[:1000]


def _give_up(email: OutboundEmail, status: EmailStatus, error: str) -> None:
    email.status = status
    email.locked_until = None
    email.last_error = error[:1000]


def retry_messages(emails: list[OutboundEmail]) -> int:
    """An organiser's retry: failed and dead messages go back to the queue, due now."""
    retried = 0
    for email in emails:
        if email.status in (EmailStatus.FAILED, EmailStatus.DEAD):
            email.status = EmailStatus.PENDING
            email.attempts = 0
            email.send_after = clock.now()
            email.locked_until = None
            retried += 1
    return retried
