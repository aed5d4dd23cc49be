"""Sending the feedback form: when it is due, the recipients are decided and one mail
each is planned in the outbox; each mail carries a personal link minted as it is sent."""

import logging
from datetime import timedelta

import sqlalchemy as sa
from flask import url_for

from app import clock
from app.bounds import later
from app.database import writing
from app.extensions import db
from app.feedback.settings import attendance_marked
from app.mail.outbox import queue_registration_email
from app.models import (
    Event,
    EventStatus,
    FeedbackAudience,
    FeedbackSettings,
    OutboundEmail,
    Registration,
    RegistrationStatus,
    TokenPurpose,
)
from app.tokens import issue_token, revoke_tokens

log = logging.getLogger(__name__)

FEEDBACK_MAIL = "feedback"
DUE_PER_ROUND = 20


def recipients(settings: FeedbackSettings) -> list[Registration]:
    """Those marked attended; or, when the organiser chose so, everyone who had a place."""
    query = sa.select(Registration).where(Registration.event_id == settings.event_id)
    if settings.audience == FeedbackAudience.ATTENDED:
        query = query.where(Registration.attended.is_(True))
    else:
        query = query.where(
            Registration.status == RegistrationStatus.CONFIRMED,
            Registration.attended.is_not(False),
        )
    return list(db.session.scalars(query.order_by(Registration.id)))


def plan_feedback_mail(settings: FeedbackSettings) -> int:
    """Decide the recipients now and plan their mail (each once); returns how many. For
    those marked attended while no one's attendance is marked yet: nothing now, and again
    next round (the organisers may mark it after the send time)."""
    if settings.audience == FeedbackAudience.ATTENDED and not attendance_marked(settings.event):
        return 0
    planned = sum(
        queue_registration_email(FEEDBACK_MAIL, person) is not None
        for person in recipients(settings)
    )
    settings.planned_at = clock.now()
    settings.asked += planned
    db.session.flush()
    return planned


_DUE = (
    sa.select(FeedbackSettings.event_id)
    .join(Event, Event.id == FeedbackSettings.event_id)
    .where(
        FeedbackSettings.enabled.is_(True),
        FeedbackSettings.planned_at.is_(None),
        FeedbackSettings.sends_at <= sa.bindparam("now"),
        FeedbackSettings.closes_at > sa.bindparam("now"),
        # Never before the event has ended, if it was moved later since the settings.
        Event.ends_at <= sa.bindparam("now"),
        Event.status == EventStatus.PUBLISHED,
        Event.purged_at.is_(None),
    )
    .limit(DUE_PER_ROUND)
)


def plan_due_feedback() -> int:
    """The mail worker's round: every feedback form now due is sent, one transaction each.
    Only a look-up when none is due."""
    due = db.session.scalars(_DUE, {"now": clock.now()}).all()
    db.session.rollback()
    planned = 0
    for event_id in due:
        with writing():
            settings = db.session.get(FeedbackSettings, event_id, with_for_update=True)
            if settings is not None and settings.planned_at is None:
                planned += plan_feedback_mail(settings)
            db.session.commit()
    return planned


def plan_due_feedback_safely() -> None:
    """plan_due_feedback for the worker's loop (app.mail.loop.side_task)."""
    from app.mail.loop import side_task  # here: the worker's loop imports the renderer

    planned = side_task(plan_due_feedback, "feedback: planning the feedback mail failed")
    if planned:
        log.info("feedback: %d feedback mail(s) planned", planned)


def still_wanted(email: OutboundEmail) -> bool:
    """A feedback mail goes only while the form is on and open."""
    settings = db.session.get(FeedbackSettings, email.event_id or 0)
    return settings is not None and settings.enabled and clock.now() < settings.closes_at


def feedback_mail_context(email: OutboundEmail) -> dict:
    """The personal link, minted as the mail is sent; it lives until the event's purge."""
    settings = db.session.get(FeedbackSettings, email.event_id)
    event = email.event
    expires = later(event.ends_at, timedelta(days=event.retention_days))
    # One live link a person: a mail sent again after a failure ends the first one, so an
    # anonymous form cannot be answered twice through two links.
    revoke_tokens(TokenPurpose.FEEDBACK, registration=email.registration)
    raw = issue_token(TokenPurpose.FEEDBACK, registration=email.registration, expires_at=expires)
    return {
        "feedback_url": url_for("feedback_form.answer", token=raw, _external=True),
        "closes_at": settings.closes_at,
        "anonymous": settings.anonymous,
    }
