"""Organisers' messages to the people of an event.

A message is a MessageBatch and one outbox row per person it goes to, written together;
the mail worker renders and sends each row when it is due, and skips anyone who has
cancelled by then."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from types import SimpleNamespace

import sqlalchemy as sa
from flask import current_app, render_template, url_for
from flask_babel import get_locale, gettext
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import joinedload

from app import clock
from app.extensions import db
from app.models import (
    Audience,
    EmailStatus,
    Event,
    EventStatus,
    MessageBatch,
    Organiser,
    OutboundEmail,
    Registration,
    RegistrationStatus,
)

KIND = "organiser_message"
AUDIENCE_STATUSES = {
    Audience.CONFIRMED: (RegistrationStatus.CONFIRMED,),
    Audience.WAITING: (RegistrationStatus.WAITING,),
    Audience.EVERYONE: (RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING),
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


def _recipients(event: Event, audience: Audience):
    return sa.select(Registration).where(*_recipients_filter(event, audience))


def _recipients_filter(event: Event, audience: Audience) -> tuple:
    return (
        Registration.event_id == event.id,
        Registration.status.in_(AUDIENCE_STATUSES[audience]),
    )


def audience_sizes(event: Event) -> dict[Audience, int]:
    """How many people each audience has now: one grouped query."""
    rows = db.session.execute(
        sa.select(Registration.status, sa.func.count())
        .where(Registration.event_id == event.id)
        .group_by(Registration.status)
    ).all()
    by_status = {status: count for status, count in rows}
    return {
        audience: sum(by_status.get(status, 0) for status in statuses)
        for audience, statuses in AUDIENCE_STATUSES.items()
    }


@dataclass
class Recipients:
    count: int
    first: list[Registration]

    @property
    def others(self) -> int:
        return self.count - len(self.first)


def recipients_preview(event: Event, audience: Audience, *, shown: int = 5) -> Recipients:
    query = _recipients(event, audience)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(query.subquery()))
    first = db.session.scalars(
        query.order_by(sa.func.lower(Registration.name), Registration.id).limit(shown)
    ).all()
    return Recipients(count=count or 0, first=list(first))


def email_preview(
    event: Event, author: Organiser, subject: str, body: str, sample: Registration | None
) -> tuple[str, str]:
    """The subject line and the plain text of the email, as `sample` would get it.

    Rendered from the email's own template, in the organiser's language; the personal
    link is shown as a placeholder, since a real one would be a live token."""
    batch = SimpleNamespace(subject=subject, body=body, author=author)
    person = sample or SimpleNamespace(name=_l("First name Last name"), status=None)
    locale = str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    text = render_template(
        f"mail/{KIND}.txt",
        event=event,
        registration=person,
        batch=batch,
        locale=locale,
        event_url=current_app.config["PUBLIC_BASE_URL"].rstrip("/")
        + url_for("events.show", slug=event.slug),
        is_confirmed=(
            person.status == RegistrationStatus.CONFIRMED and event.status == EventStatus.PUBLISHED
        ),
        # Whole, not put together in an f-string: the catalogues never saw an _l() inside one.
        manage_url=gettext("[a personal link for each person]"),
        position=None,
        payload={},
    )
    return f"{subject} – {event.title_in(locale).text}", text


def plan_message(
    event: Event,
    author: Organiser,
    audience: Audience,
    subject: str,
    body: str,
    send_after: datetime | None,
) -> MessageBatch:
    """Write the message and one outbox row per person it goes to, in the caller's
    transaction; `send_after` None sends it now.

    The people are chosen now: whoever signs up later does not get it, and whoever
    cancels before it is due is skipped when it is sent. Raises AlreadyPlanned when the
    same author planned the same message for the same people a moment ago."""
    # One planner at a time per event (PostgreSQL; SQLite's writers queue anyway), so two
    # presses of Send cannot both miss each other's batch.
    db.session.execute(sa.select(Event.id).where(Event.id == event.id).with_for_update())
    now = clock.now()
    twin = _recent_twin(event, author, audience, subject, body, send_after, now)
    if twin is not None:
        raise AlreadyPlanned(twin)
    batch = MessageBatch(
        event=event,
        author=author,
        audience=audience,
        subject=subject,
        body=body,
        send_after=send_after or now,
        created_at=now,
    )
    db.session.add(batch)
    db.session.flush()
    # One INSERT for everyone rather than queue_email per person (a look-up, a savepoint
    # and an insert each: seconds for a few thousand people). Nothing to deduplicate
    # against: the keys carry the new batch's id.
    people = db.session.execute(
        sa.select(Registration.id, Registration.email, Registration.locale)
        .where(*_recipients_filter(event, audience))
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


def _recent_twin(event, author, audience, subject, body, send_after, now):
    """The same message from the same author to the same people, planned a moment ago."""
    query = sa.select(MessageBatch).where(
        MessageBatch.event_id == event.id,
        MessageBatch.author_id == author.id,
        MessageBatch.audience == audience,
        MessageBatch.subject == subject,
        MessageBatch.body == body,
        MessageBatch.created_at >= now - REPEAT_WINDOW,
    )
    if send_after is None:  # sent straight away: due when written
        query = query.where(MessageBatch.send_after <= MessageBatch.created_at)
    else:
        query = query.where(MessageBatch.send_after == send_after)
    return db.session.scalars(query.limit(1)).first()


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
