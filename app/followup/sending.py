"""The mail worker's round: follow-up messages that are due get their people, chosen from
the attendance marked by then, and one outbox row each (deduplicated per person and
message), which the same worker then sends."""

import logging

import sqlalchemy as sa
from flask import current_app

from app import clock
from app.database import writing
from app.extensions import db
from app.followup.services import audience_filter
from app.mail.outbox import new_email, queue_new_emails
from app.models import Event, EventStatus, FollowUpMessage, Registration

log = logging.getLogger(__name__)

FOLLOW_UP_MAIL = "follow_up"
DUE_PER_ROUND = 20
CHUNK = 500  # rows an INSERT writes: well within SQLite's bound on parameters


def follow_up_key(message_id: int, registration_id: int) -> str:
    return f"{FOLLOW_UP_MAIL}:{message_id}:{registration_id}"


def queue_due_follow_ups() -> int:
    """Queue every due message's mail, one transaction each; returns how many messages.
    Only a look-up when none is due: SQLite's write lock is not taken for nothing."""
    now = clock.now()
    due = db.session.scalars(
        sa.select(FollowUpMessage.id)
        .join(Event, Event.id == FollowUpMessage.event_id)
        .where(
            FollowUpMessage.queued_at.is_(None),
            FollowUpMessage.send_after <= now,
            FollowUpMessage.cancelled_at.is_(None),
            # Not after the event was cancelled, nor once its people are erased.
            Event.status == EventStatus.PUBLISHED,
            Event.purged_at.is_(None),
        )
        .order_by(FollowUpMessage.send_after)
        .limit(DUE_PER_ROUND)
    ).all()
    db.session.rollback()
    queued = 0
    for message_id in due:
        with writing():
            queued += _queue(message_id, now)
            db.session.commit()
    return queued


def _queue(message_id: int, now) -> bool:
    # Taken by this statement or by nobody: another worker, or the organiser's cancel or
    # change, may have got there first.
    taken = db.session.execute(
        sa.update(FollowUpMessage)
        .where(
            FollowUpMessage.id == message_id,
            FollowUpMessage.queued_at.is_(None),
            FollowUpMessage.cancelled_at.is_(None),
            FollowUpMessage.send_after <= now,
        )
        .values(queued_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if not taken:
        return False
    message = db.session.get(FollowUpMessage, message_id)
    people = db.session.execute(
        sa.select(Registration.id, Registration.email, Registration.locale)
        .where(*audience_filter(message.event_id, message.audience))
        .order_by(Registration.id)
    ).all()
    # Nothing to deduplicate against: the message is queued once, and its keys carry its id.
    emails = [
        new_email(
            FOLLOW_UP_MAIL,
            recipient=email,
            locale=locale,
            dedupe_key=follow_up_key(message_id, registration_id),
            event_id=message.event_id,
            registration_id=registration_id,
            payload={"message": message_id},
            send_after=now,
        )
        for registration_id, email, locale in people
    ]
    for start in range(0, len(emails), CHUNK):
        queue_new_emails(emails[start : start + CHUNK])
    message.queued_count = len(people)
    return True


def queue_due_follow_ups_safely() -> None:
    """For the worker's loop: a fault is logged and tried again next round, while the mail
    goes on; a database locked or out of reach is the loop's to wait for."""
    from app.mail.loop import TRANSIENT

    try:
        queued = queue_due_follow_ups()
    except TRANSIENT:
        raise
    except Exception:
        db.session.rollback()
        current_app.logger.exception("follow-up: queueing due messages failed")
        return
    if queued:
        log.info("follow-up: %d message(s) queued", queued)
