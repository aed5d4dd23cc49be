"""Feedback after an event (app.feedback): one response per person, or anonymous."""

import enum
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.events import Event
from app.models.registrations import Registration
from app.models.types import UTCDateTime, _enum

LINKED = "registration_id IS NOT NULL"


class FeedbackResponse(db.Model):
    __table_args__ = (
        sa.CheckConstraint("score BETWEEN 1 AND 5", name="score_one_to_five"),
        # One response per person and event, changeable until the form closes.
        sa.Index(
            "uq_feedback_response_person",
            "event_id",
            "registration_id",
            unique=True,
            sqlite_where=sa.text(LINKED),
            postgresql_where=sa.text(LINKED),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    # The person who answered; None when the event's feedback is anonymous, and after the
    # retention purge.
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="SET NULL")
    )
    # An anonymous response is found again (to be changed) only by a hash of the person's
    # raw link made differently from the link's own hash, so nothing stored ties the two.
    response_key: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    score: Mapped[int]  # overall, 1-5
    would_recommend: Mapped[bool | None]
    comment: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # The organiser's own questions: {str(question id): value}, as Answer.value.
    answers: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)

    event: Mapped[Event] = relationship()
    registration: Mapped[Registration | None] = relationship()


class FeedbackAudience(enum.StrEnum):
    """Who is sent an event's feedback form, decided when it is due."""

    ATTENDED = "attended"  # those marked attended (Registration.attended)
    HAD_PLACE = "had_place"  # everyone who had a place, when attendance was not marked


class FeedbackQuestionKind(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE_CHOICE = "single_choice"
    YES_NO = "yes_no"


class FeedbackSettings(db.Model):
    """An event's feedback form: whether it is on, anonymous or not, when it is sent and
    closes, and the organiser's own questions."""

    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    enabled: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # Anonymous responses have no registration_id; decided before the first answer.
    anonymous: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    audience: Mapped[FeedbackAudience] = mapped_column(
        _enum(FeedbackAudience, "feedback_audience"), default=FeedbackAudience.ATTENDED
    )
    sends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    closes_at: Mapped[datetime] = mapped_column(UTCDateTime)
    # [{"id": 1, "kind": "single_choice", "label": "...", "options": [...],
    #   "translations": {"sv": {"label": ..., "options": [...]}}}], in the order shown;
    # a response's answers are keyed by str(id), which is never reused.
    questions: Mapped[list[dict[str, Any]]] = mapped_column(sa.JSON, default=list)
    # When the recipients were decided and the mail planned (app.feedback.sending), and
    # how many were asked: kept after the purge, for the response rate.
    planned_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    asked: Mapped[int] = mapped_column(default=0, server_default="0")

    event: Mapped[Event] = relationship()
