"""Feedback after an event (app.feedback): one response per person, or anonymous."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.events import Event
from app.models.registrations import Registration
from app.models.types import UTCDateTime

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
