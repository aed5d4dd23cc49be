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
from app.mail import limits, transport
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
    over = limits.over_limit(list(rows), now)
    for email in over:
        _give_up(email, EmailStatus.FAILED, limits.OVER_LIMIT)
        limits.note_over_limit(email)
    rows = [row for row in rows if row not in over]
    lease = timedelta(seconds=current_app.config["MAIL_LEASE_SECONDS"])
    for row in rows:
        row.locked_until = now + lease
        row.attempts += 1
    db.session.commit()
    return rows


class Outage:
    """The mail server this worker could not reach, connection after connection: due mail
    waits before the next try, doubling from MAIL_OUTAGE_FIRST_DELAY_SECONDS up to
    MAIL_OUTAGE_MAX_DELAY_SECONDS. An outage uses up no message's tries, however long it
    lasts: nothing about a message was learnt."""

    def __init__(self) -> None:
        self.failures = 0

    def next_delay(self) -> timedelta:
        self.failures += 1
        config = current_app.config
        first, most = (
            config["MAIL_OUTAGE_FIRST_DELAY_SECONDS"],
            config["MAIL_OUTAGE_MAX_DELAY_SECONDS"],
        )
        return timedelta(seconds=min(first * 2 ** min(self.failures - 1, 30), most))

    def ended(self) -> None:
        self.failures = 0


def send_due_messages(
    should_stop: Callable[[], bool] = lambda: False, outage: Outage | None = None
) -> int:
    """Send one batch of due messages; returns how many were sent.

    `should_stop` is asked between messages: the message in hand is finished, the rest of
    the batch is handed back to the queue at once. `outage`: the worker's own, kept from
    batch to batch (by default one that starts with this batch)."""
    with writing():
        return _send_batch(should_stop, outage or Outage())


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
    in_hand: bool = False  # it failed while sending the first untried message


NOTHING_SENT = GroupSent([], [])


def longest_send() -> timedelta:
    """The longest one message can take: each of its SMTP replies (MAIL FROM, RCPT TO,
    DATA and the end of the data) may take up to MAIL_TIMEOUT."""
    return timedelta(seconds=4 * current_app.config["MAIL_TIMEOUT"])


def _send_batch(should_stop: Callable[[], bool], outage: Outage) -> int:
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
        _wait_for_the_server([rendered.email for rendered in ready] + waiting, exc, outage)
        return sent
    unsent = [rendered.email for rendered in sent_before.untried + ready] + waiting
    if sent_before.error is None:
        outage.ended()
        _hand_back(unsent)
        return sent
    if sent_before.in_hand:
        # The connection broke while a message was in hand: that message used a try (it
        # may be the very message that breaks it); the rest wait for the server as above.
        _retry_later(unsent.pop(0), f"SMTP connection lost: {sent_before.error}")
    _wait_for_the_server(unsent, sent_before.error, outage)
    return sent


def _wait_for_the_server(emails: list[OutboundEmail], error: Exception, outage: Outage) -> None:
    """No connection, or it broke: the mail waits for the server, its tries given back."""
    delay = outage.next_delay()
    log.warning("SMTP unavailable: %s; the mail waits %d s", error, delay.total_seconds())
    due = clock.now() + delay
    for email in emails:
        email.attempts -= 1
        email.locked_until = None
        email.send_after = due
        email.last_error = f"SMTP unavailable: {error}"[:1000]
    db.session.commit()


def _send_group(connection, group: list[Rendered], may_start: Callable[[], bool]) -> GroupSent:
    """In the SMTP thread: the group's messages in turn, while `may_start` allows."""
    outcomes: list[Outcome] = []
    for rendered in group:
        if not may_start():
            break
        if connection.host is not None and connection.host.sock is None:
            # Closed by the server after its last reply (a 421 does that): no message
            # was in hand when it went.
            closed = smtplib.SMTPServerDisconnected("the server closed the connection")
            return GroupSent(outcomes, group[len(outcomes) :], closed)
        try:
            refusal = _send_one(connection, rendered.envelope)
        except (OSError, smtplib.SMTPException) as exc:
            # Flask-Mail's connection greets the server (EHLO) with the first message: a
            # server that never answered that had no message in hand.
            host = connection.host
            greeted = host is not None and (host.ehlo_resp is not None or bool(host.helo_resp))
            return GroupSent(outcomes, group[len(outcomes) :], exc, in_hand=greeted)
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
    # Exponential backoff with jitter: 1, 2, 4 … minutes, at most MAIL_RETRY_MAX_DELAY_SECONDS;
    # the jitter only lengthens, so the tries span at least what MAIL_MAX_ATTEMPTS promises.
    most = current_app.config["MAIL_RETRY_MAX_DELAY_SECONDS"]
    delay = min(60 * 2 ** min(email.attempts - 1, 30), most) * random.uniform(1.0, 1.2)
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
