"""The mail worker: claims due outbox rows, sends them over one SMTP connection per batch."""

import logging
import random
import smtplib
from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app import clock
from app.database import writing
from app.extensions import db, mail
from app.mail.render import render_message
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


def send_due_messages() -> int:
    """Send one batch of due messages; returns how many were sent."""
    with writing():
        return _send_batch()


def _send_batch() -> int:
    batch = claim_due_messages(current_app.config["MAIL_BATCH_SIZE"])
    if not batch:
        return 0
    sent = 0
    try:
        with mail.connect() as connection:
            for email in batch:
                sent += _send_one(connection, email)
    except (OSError, smtplib.SMTPException) as exc:
        log.warning("SMTP unavailable: %s", exc)
        for email in batch:
            if email.status == EmailStatus.PENDING and email.sent_at is None:
                _retry_later(email, f"SMTP unavailable: {exc}")
        db.session.commit()
    return sent


def _send_one(connection, email: OutboundEmail) -> int:
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
