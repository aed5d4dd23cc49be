"""An event's follow-up: one message to those who came, another to those who had a place
and did not come, written now and sent at a chosen time after the end. Who gets which is
decided only when it is due (app.followup.sending), so attendance marked after writing
still counts."""

from dataclasses import dataclass
from datetime import datetime, time, timedelta

import sqlalchemy as sa

from app import clock
from app.database import counts_by
from app.extensions import db
from app.models import (
    Event,
    FollowUpAudience,
    FollowUpMessage,
    Material,
    Organiser,
    Registration,
    RegistrationStatus,
)

SEND_HOUR = time(9, 0)  # the default: the next morning, Finnish time


@dataclass(frozen=True)
class Draft:
    """One message as written: `subject` and `body` in the event's language,
    `translations` the others' ({"sv": {"subject": ..., "body": ...}})."""

    subject: str
    body: str
    translations: dict
    include_materials: bool


class AlreadySent(Exception):
    """The message was due, and its people chosen: it can no longer change."""


def audience_filter(event_id: int, audience: FollowUpAudience) -> tuple:
    """Those with an address who came; or who had a place and were marked as not coming.
    Nobody whose attendance is not marked gets either message."""
    came = (
        Registration.attended.is_(True)
        if audience == FollowUpAudience.ATTENDED
        else sa.and_(
            Registration.attended.is_(False),
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    )
    return (Registration.event_id == event_id, Registration.email != "", came)


def attendance_counts(event: Event) -> dict[str, int]:
    """Among those who had a place: how many came, did not come, or are not marked."""
    counted = counts_by(
        Registration.attended,
        sa.and_(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
        ),
        (True, False, None),
    )
    return {"attended": counted[True], "absent": counted[False], "unmarked": counted[None]}


def default_send_time(event: Event) -> datetime:
    """Nine in the morning, Finnish time, on the day after the event ends."""
    next_day = clock.to_local(event.ends_at).date() + timedelta(days=1)
    return clock.from_local(datetime.combine(next_day, SEND_HOUR))


def event_messages(event: Event) -> dict[FollowUpAudience, FollowUpMessage]:
    rows = db.session.scalars(
        sa.select(FollowUpMessage).where(FollowUpMessage.event_id == event.id)
    )
    return {row.audience: row for row in rows}


def save_follow_up(
    event: Event,
    author: Organiser,
    drafts: dict[FollowUpAudience, Draft | None],
    send_after: datetime,
) -> None:
    """Write, change or remove (a None draft) the event's two messages, due at
    `send_after`, in the caller's transaction. Raises AlreadySent when one of them has
    gone meanwhile (the worker chose its people): nothing is changed then."""
    db.session.execute(sa.select(Event.id).where(Event.id == event.id).with_for_update())
    existing = event_messages(event)
    for message in existing.values():
        db.session.refresh(message)  # as committed: the worker may have queued it
        if message.queued_at is not None:
            raise AlreadySent
    now = clock.now()
    author_id = author.id
    for audience, draft in drafts.items():
        message = existing.get(audience)
        if draft is None:
            if message is not None:
                db.session.delete(message)
            continue
        if message is None:
            message = FollowUpMessage(event_id=event.id, audience=audience, created_at=now)
        message.author_id = author_id
        message.subject, message.body = draft.subject, draft.body
        message.translations = draft.translations
        message.include_materials = draft.include_materials
        message.language = event.language
        message.send_after = send_after
        message.updated_at = now
        message.cancelled_at = None
        db.session.add(message)
    db.session.flush()


def cancel_follow_up(event: Event, at: datetime) -> int:
    """Cancel what has not gone yet; returns how many messages were cancelled. One
    statement each, conditional on not being queued: a message is cancelled or sent,
    never both."""
    return db.session.execute(
        sa.update(FollowUpMessage)
        .where(
            FollowUpMessage.event_id == event.id,
            FollowUpMessage.queued_at.is_(None),
            FollowUpMessage.cancelled_at.is_(None),
        )
        .values(cancelled_at=at)
        .execution_options(synchronize_session=False)
    ).rowcount


def state(message: FollowUpMessage) -> str:
    """'cancelled', 'scheduled' or 'sent' (its people chosen, their mail in the outbox)."""
    if message.cancelled_at is not None:
        return "cancelled"
    return "scheduled" if message.queued_at is None else "sent"


@dataclass(frozen=True)
class Summary:
    """The line on the event's overview."""

    scheduled_at: datetime | None  # the earliest message still to go
    sent: bool
    materials: int


def summary(event: Event) -> Summary:
    messages = list(event_messages(event).values())
    waiting = [m.send_after for m in messages if state(m) == "scheduled"]
    count = db.session.scalar(
        sa.select(sa.func.count(Material.id)).where(Material.event_id == event.id)
    )
    return Summary(
        scheduled_at=min(waiting) if waiting else None,
        sent=any(state(m) == "sent" for m in messages),
        materials=count,
    )
