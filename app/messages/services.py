"""Organisers' messages to the people of an event.

A message is a MessageBatch and one outbox row per person it goes to, written together;
the mail worker renders and sends each row when it is due, and skips anyone who has
cancelled by then."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from app import clock
from app.database import counts_by
from app.extensions import db
from app.models import (
    Audience,
    EmailStatus,
    Event,
    MessageBatch,
    Organiser,
    OutboundEmail,
    ParticipationMode,
    Registration,
    RegistrationStatus,
)
from app.places.modes import in_mode

KIND = "organiser_message"
# Those holding a timed offer of a place (app.places.offers) are still on the waiting list
# until they accept it.
AUDIENCE_STATUSES = {
    Audience.CONFIRMED: (RegistrationStatus.CONFIRMED,),
    Audience.WAITING: (RegistrationStatus.WAITING, RegistrationStatus.OFFERED),
    Audience.EVERYONE: (
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITING,
        RegistrationStatus.OFFERED,
    ),
}
# Pressing Send again (a double click, the back button) within this time, with the same
# message to the same people, sends nothing more.
REPEAT_WINDOW = timedelta(minutes=10)

# --- writing a message ----------------------------------------------------------------


class AlreadyPlanned(Exception):
    """The same message to the same people was just planned: it is not planned twice."""

    def __init__(self, batch: MessageBatch):
        super().__init__(batch.id)
        self.batch = batch


def recipients_query(event: Event, audience: Audience, mode: ParticipationMode | None = None):
    return sa.select(Registration).where(*recipients_filter(event, audience, mode))


def recipients_filter(
    event: Event, audience: Audience, mode: ParticipationMode | None = None
) -> tuple:
    """mode: a hybrid event's people in person or online only (app.places.modes)."""
    # Not those an organiser added without an address: there is nowhere to send to.
    return (
        Registration.event_id == event.id,
        Registration.status.in_(AUDIENCE_STATUSES[audience]),
        Registration.email != "",
        *([] if mode is None else [in_mode(mode)]),
    )


def audience_sizes(event: Event) -> dict[Audience, int]:
    """How many people each audience's message goes to now (those with an address): one
    grouped query."""
    by_status = counts_by(
        Registration.status,
        sa.and_(Registration.event_id == event.id, Registration.email != ""),
        RegistrationStatus,
    )
    return {
        audience: sum(by_status[status] for status in statuses)
        for audience, statuses in AUDIENCE_STATUSES.items()
    }


def plan_message(
    event: Event,
    author: Organiser,
    audience: Audience,
    subject: str,
    body: str,
    send_after: datetime | None,
    *,
    translations: dict[str, dict[str, str]] | None = None,
    mode: ParticipationMode | None = None,
) -> MessageBatch:
    """Write the message and one outbox row per person it goes to, in the caller's
    transaction; `send_after` None sends it now.

    `subject` and `body` are in the event's language; `translations` the other languages'
    versions ({"sv": {"subject": ..., "body": ...}}). Each person gets the version in the
    language they signed up in, else the one in the event's language.

    mode: at a hybrid event, only to those in person, or only to those online.

    The people are chosen now: whoever signs up later does not get it, and whoever
    cancels before it is due is skipped when it is sent. Raises AlreadyPlanned when the
    same author planned the same message for the same people a moment ago."""
    # One planner at a time per event (PostgreSQL; SQLite's writers queue anyway), so two
    # presses of Send cannot both miss each other's batch.
    db.session.execute(sa.select(Event.id).where(Event.id == event.id).with_for_update())
    now = clock.now()
    batch = MessageBatch(
        event=event,
        author=author,
        audience=audience,
        mode=mode,
        subject=subject,
        body=body,
        language=event.language,
        translations=translations or {},
        send_after=send_after or now,
        created_at=now,
    )
    twin = _recent_twin(batch, send_after)
    if twin is not None:
        raise AlreadyPlanned(twin)
    db.session.add(batch)
    db.session.flush()
    # One INSERT for everyone rather than queue_email per person (a look-up, a savepoint
    # and an insert each: seconds for a few thousand people). Nothing to deduplicate
    # against: the keys carry the new batch's id.
    people = db.session.execute(
        sa.select(Registration.id, Registration.email, Registration.locale)
        .where(*recipients_filter(event, audience, mode))
        .order_by(Registration.id)
    ).all()
    if people:
        db.session.execute(
            sa.insert(OutboundEmail),
            [
                {
                    "kind": KIND,
                    "recipient": email,
                    "locale": locale,
                    "event_id": event.id,
                    "registration_id": registration_id,
                    "batch_id": batch.id,
                    "payload": {},
                    "dedupe_key": f"{KIND}:{batch.id}:{registration_id}",
                    "send_after": batch.send_after,
                    "created_at": now,
                }
                for registration_id, email, locale in people
            ],
        )
    return batch


def _recent_twin(batch: MessageBatch, send_after: datetime | None) -> MessageBatch | None:
    """The same message (every version of it) from the same author to the same people,
    planned a moment ago."""
    query = sa.select(MessageBatch).where(
        MessageBatch.event_id == batch.event.id,
        MessageBatch.author_id == batch.author.id,
        MessageBatch.audience == batch.audience,
        MessageBatch.mode.is_(None) if batch.mode is None else MessageBatch.mode == batch.mode,
        MessageBatch.subject == batch.subject,
        MessageBatch.body == batch.body,
        MessageBatch.language == batch.language,
        MessageBatch.created_at >= batch.created_at - REPEAT_WINDOW,
    )
    if send_after is None:  # sent straight away: due when written
        query = query.where(MessageBatch.send_after <= MessageBatch.created_at)
    else:
        query = query.where(MessageBatch.send_after == send_after)
    # JSON has no equality in PostgreSQL: the few candidates are compared here.
    candidates = db.session.scalars(query.limit(10)).all()
    return next((twin for twin in candidates if twin.translations == batch.translations), None)


class TooLateToCancel(Exception):
    """The message is due: the mail worker may be sending it."""


class AlreadyCancelled(Exception):
    """Cancelled before: from another tab, or by a co-organiser."""


def cancel_message(batch: MessageBatch, at: datetime) -> int:
    """Withdraw a scheduled message before it is due, in the caller's transaction: none of
    its emails will be sent. Returns how many were withdrawn; raises AlreadyCancelled the
    second time, TooLateToCancel once it is due."""
    if batch.cancelled_at is not None:
        raise AlreadyCancelled
    if batch.send_after <= at:
        raise TooLateToCancel
    # Only emails not yet due, which the worker does not touch (it leases due ones), in
    # one statement: a person's email is either withdrawn here or sent, never both.
    withdrawn = db.session.execute(
        sa.update(OutboundEmail)
        .where(
            OutboundEmail.batch_id == batch.id,
            OutboundEmail.status == EmailStatus.PENDING,
            OutboundEmail.send_after > at,
        )
        .values(status=EmailStatus.SKIPPED, last_error="the organisers cancelled the message")
        .execution_options(synchronize_session=False)
    ).rowcount
    batch.cancelled_at = at
    return withdrawn


def recipient_count(batch: MessageBatch) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(OutboundEmail.id)).where(OutboundEmail.batch_id == batch.id)
    )


# --- the messages page ----------------------------------------------------------------


@dataclass
class BatchProgress:
    batch: MessageBatch
    counts: dict[EmailStatus, int] = field(default_factory=lambda: dict.fromkeys(EmailStatus, 0))

    @property
    def sent(self) -> int:
        return self.counts[EmailStatus.SENT]

    @property
    def pending(self) -> int:
        return self.counts[EmailStatus.PENDING]

    @property
    def failed(self) -> int:
        return self.counts[EmailStatus.FAILED] + self.counts[EmailStatus.DEAD]

    @property
    def skipped(self) -> int:
        return self.counts[EmailStatus.SKIPPED]

    def state(self, at: datetime) -> str:
        """'cancelled', 'scheduled' before it is due, 'sending' while some are due, else
        'sent'."""
        if self.batch.cancelled_at is not None:
            return "cancelled"
        if self.batch.send_after > at:
            return "scheduled"
        return "sending" if self.pending else "sent"


def message_batches(event: Event) -> list[BatchProgress]:
    """The event's messages, newest first, with their emails counted by status."""
    batches = db.session.scalars(
        sa.select(MessageBatch)
        .where(MessageBatch.event_id == event.id)
        .options(joinedload(MessageBatch.author))
        .order_by(MessageBatch.created_at.desc(), MessageBatch.id.desc())
    ).all()
    progress = {batch.id: BatchProgress(batch) for batch in batches}
    rows = db.session.execute(
        sa.select(OutboundEmail.batch_id, OutboundEmail.status, sa.func.count())
        .where(OutboundEmail.event_id == event.id, OutboundEmail.batch_id.is_not(None))
        .group_by(OutboundEmail.batch_id, OutboundEmail.status)
    ).all()
    for batch_id, status, count in rows:
        if batch_id in progress:
            progress[batch_id].counts[status] = count
    return list(progress.values())


def event_batch(event: Event, batch_id: int) -> MessageBatch | None:
    """One message of this event; None for a message of another event."""
    return db.session.scalar(
        sa.select(MessageBatch).where(
            MessageBatch.id == batch_id, MessageBatch.event_id == event.id
        )
    )
