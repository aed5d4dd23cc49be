"""The mail worker: claims due outbox rows, sends them over one SMTP connection per batch."""

import logging
import random
import smtplib
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta
from typing import NamedTuple

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from app import clock
from app.database import writing
from app.extensions import db
from app.invitations.services import mark_sent
from app.mail import transport
from app.mail.render import render_message, still_relevant
from app.models import EmailStatus, OutboundEmail
from app.text import LettersMailCannotCarry

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


# Messages are rendered a group at a time, and the group's tokens committed together before
# any of them is sent. A thread of the worker's own sends each group over SMTP while the next
# one is rendered, so that the mail server's replies are waited for beside the work rather
# than in its way; the thread touches no database. The outcomes of a group are written when
# it has been sent and committed with the next group's tokens. A commit per group rather than
# two per message is what lets one worker send hundreds of messages a second, on PostgreSQL
# above all, where each commit waits for the disk. The price: a worker killed mid-group sends
# that group again when its lease runs out (at least once; nothing is lost), and whether a
# message is still relevant is decided when its group is rendered, a moment before it is sent.
GROUP_SIZE = 10


class Rendered(NamedTuple):
    email: OutboundEmail
    id: int
    kind: str
    envelope: transport.Envelope


Refusal = tuple[int, bytes | str] | None  # the SMTP reply refusing a message; None: accepted
Outcome = tuple[Rendered, Refusal, datetime]  # and when


class GroupSent(NamedTuple):
    """What became of a group the SMTP thread was given."""

    outcomes: list[Outcome]
    untried: list[Rendered]  # the thread was told to stop, or the connection failed
    error: Exception | None = None  # how the connection failed


NOTHING_SENT = GroupSent([], [])


def longest_send() -> timedelta:
    """The longest one message can take: each of its SMTP replies (MAIL FROM, RCPT TO,
    DATA and the end of the data) may take up to MAIL_TIMEOUT."""
    return timedelta(seconds=4 * current_app.config["MAIL_TIMEOUT"])


def _send_batch(should_stop: Callable[[], bool]) -> int:
    # A message is started only while this worker's lease has room for it to finish: after
    # the lease, another worker may claim the same message and send it too. What is left
    # (a very slow mail server) is handed back.
    lease = timedelta(seconds=current_app.config["MAIL_LEASE_SECONDS"])
    last_start = clock.now() + lease - longest_send()
    batch = claim_due_messages(current_app.config["MAIL_BATCH_SIZE"])
    if not batch:
        return 0

    def may_start() -> bool:
        return not should_stop() and clock.now() < last_start

    waiting = list(batch)  # leased, not rendered yet
    ready: list[Rendered] = []  # rendered, their tokens committed, not sent yet
    sending: Future[GroupSent] | None = None  # the group the SMTP thread has
    sent_before = NOTHING_SENT
    sent = 0
    try:
        with transport.connect() as connection, ThreadPoolExecutor(1, "smtp") as smtp:
            while True:
                more = bool(waiting) and may_start()
                if more:
                    ready = _render_group(waiting[:GROUP_SIZE])
                    del waiting[:GROUP_SIZE]
                    # Tokens minted while rendering exist before the emails that carry them.
                    db.session.commit()
                # The group before, sent meanwhile (or the last one, at the end).
                sent_before = sending.result() if sending else NOTHING_SENT
                sent += _write_outcomes(sent_before.outcomes)
                if not more or sent_before.untried:
                    break
                sending = smtp.submit(_send_group, connection, ready, may_start)
                ready = []
    except (OSError, smtplib.SMTPException) as exc:  # could not connect
        sent_before = GroupSent([], [], exc)
    unsent = [rendered.email for rendered in sent_before.untried + ready] + waiting
    if sent_before.error is None:
        _hand_back(unsent)
        return sent
    log.warning("SMTP unavailable: %s", sent_before.error)
    for email in unsent:
        _retry_later(email, f"SMTP unavailable: {sent_before.error}")
    db.session.commit()
    return sent


def _send_group(connection, group: list[Rendered], may_start: Callable[[], bool]) -> GroupSent:
    """In the SMTP thread: the group's messages in turn, while `may_start` allows."""
    outcomes: list[Outcome] = []
    for rendered in group:
        if not may_start():
            break
        try:
            refusal = _send_one(connection, rendered.envelope)
        except (OSError, smtplib.SMTPException) as exc:
            return GroupSent(outcomes, group[len(outcomes) :], exc)
        outcomes.append((rendered, refusal, clock.now()))
    return GroupSent(outcomes, group[len(outcomes) :])


def _hand_back(emails: list[OutboundEmail]) -> None:
    """Release leases of messages not tried, for this or another worker to send; commit."""
    for email in emails:
        email.locked_until = None
        email.attempts -= 1
    db.session.commit()


def _render_group(emails: list[OutboundEmail]) -> list[Rendered]:
    """Render the messages still worth sending; the others are finished here."""
    # The rows and their registrations, fresh, in two queries rather than two per message.
    ids = [sa.inspect(email).identity[0] for email in emails]
    db.session.scalars(
        sa.select(OutboundEmail)
        .where(OutboundEmail.id.in_(ids))
        .options(selectinload(OutboundEmail.registration))
    ).all()
    ready = []
    # The tokens rendering mints are written together, at the commit.
    with db.session.no_autoflush:
        for email in emails:
            if not still_relevant(email):
                _give_up(email, EmailStatus.SKIPPED, "no longer relevant when due")
                continue
            try:
                envelope = transport.envelope(render_message(email))
            except LettersMailCannotCarry as exc:
                _give_up(email, EmailStatus.FAILED, str(exc))
                continue
            except Exception as exc:  # a template fault must not stop the rest of the batch
                log.exception("could not render message %s", email.id)
                _give_up(email, EmailStatus.FAILED, f"render error: {exc}")
                continue
            ready.append(Rendered(email, email.id, email.kind, envelope))
    return ready


def _send_one(connection, envelope: transport.Envelope) -> Refusal:
    """Send one message; touches no database. Raises when the connection fails."""
    try:
        transport.send(connection, envelope)
    except smtplib.SMTPRecipientsRefused as exc:
        return next(iter(exc.recipients.values()))
    except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
        return exc.smtp_code, exc.smtp_error
    return None


def _write_outcomes(done: list[Outcome]) -> int:
    """Mark what was sent and what was refused (not committed); returns how many were sent."""
    accepted = []
    for rendered, refusal, at in done:
        if refusal is not None:
            _rejected(rendered.email, *refusal)
            continue
        accepted.append(
            {
                "id": rendered.id,
                "status": EmailStatus.SENT,
                "sent_at": at,
                "locked_until": None,
                "last_error": "",
            }
        )
        if rendered.kind == "invitation":
            mark_sent(rendered.email.invitation)
    if accepted:
        # By primary key, in one statement: the rows expired at the last commit are not
        # loaded again just to be updated.
        db.session.execute(sa.update(OutboundEmail), accepted)
    return len(accepted)


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
