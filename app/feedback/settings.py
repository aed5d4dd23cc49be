"""An event's feedback settings and the organiser's own questions."""

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import (
    Event,
    FeedbackAudience,
    FeedbackQuestionKind,
    FeedbackResponse,
    FeedbackSettings,
    Registration,
)

MAX_QUESTIONS = 10
SEND_HOUR = time(9, 0)  # Helsinki, the morning after the end
OPEN_DAYS = 14


class SettingsRefused(Exception):
    """A change the feedback settings cannot take; its text is for the organiser."""


def default_times(event: Event) -> tuple[datetime, datetime]:
    """The next morning after the end at 9.00 Helsinki time, and 14 days later."""
    next_day = clock.to_local(event.ends_at).date() + timedelta(days=1)
    sends_at = clock.from_local(datetime.combine(next_day, SEND_HOUR))
    return sends_at, sends_at + timedelta(days=OPEN_DAYS)


def settings_of(event: Event) -> FeedbackSettings | None:
    return db.session.get(FeedbackSettings, event.id)


def settings_or_defaults(event: Event) -> FeedbackSettings:
    """The stored settings, or (not added to the session) those a new form starts with."""
    stored = settings_of(event)
    if stored is not None:
        return stored
    sends_at, closes_at = default_times(event)
    return FeedbackSettings(
        event_id=event.id,
        enabled=False,
        anonymous=False,
        audience=FeedbackAudience.ATTENDED,
        sends_at=sends_at,
        closes_at=closes_at,
        questions=[],
        asked=0,
    )


def attendance_marked(event: Event) -> bool:
    """Whether anyone's attendance has been marked (app.attendance)."""
    marked = sa.select(Registration.id).where(
        Registration.event_id == event.id, Registration.attended.is_not(None)
    )
    return db.session.scalar(marked.limit(1)) is not None


def response_count(event_id: int) -> int:
    query = sa.select(sa.func.count()).where(FeedbackResponse.event_id == event_id)
    return db.session.scalar(query) or 0


def save_settings(
    event: Event,
    *,
    enabled: bool,
    anonymous: bool,
    audience: FeedbackAudience,
    sends_at: datetime,
    closes_at: datetime,
) -> FeedbackSettings:
    """Store the settings; anonymity cannot change once anyone has answered."""
    settings = _stored(event)
    if anonymous != settings.anonymous and response_count(event.id):
        raise SettingsRefused("anonymous")
    settings.enabled = enabled
    settings.anonymous = anonymous
    settings.audience = audience
    settings.sends_at = sends_at
    settings.closes_at = closes_at
    db.session.flush()
    return settings


def _stored(event: Event) -> FeedbackSettings:
    settings = settings_of(event)
    if settings is None:
        settings = settings_or_defaults(event)
        db.session.add(settings)
    return settings


def add_question(
    event: Event,
    *,
    kind: FeedbackQuestionKind,
    label: str,
    options: list[str],
    translations: dict,
) -> dict:
    """Add one of the organiser's own questions, at the end; at most MAX_QUESTIONS."""
    settings = _stored(event)
    questions = list(settings.questions or [])
    if len(questions) >= MAX_QUESTIONS:
        raise SettingsRefused("too many")
    question = {
        "id": max((q["id"] for q in questions), default=0) + 1,
        "kind": kind.value,
        "label": label,
        "options": options if kind == FeedbackQuestionKind.SINGLE_CHOICE else [],
        "translations": {
            code: {key: text[key] for key in ("label", "options") if text.get(key)}
            for code, text in translations.items()
        },
    }
    settings.questions = [*questions, question]  # a new list: the JSON column sees it
    db.session.flush()
    return question


def remove_question(event: Event, question_id: int) -> bool:
    settings = settings_of(event)
    if settings is None:
        return False
    kept = [q for q in settings.questions or [] if q["id"] != question_id]
    removed = len(kept) != len(settings.questions or [])
    settings.questions = kept
    db.session.flush()
    return removed
