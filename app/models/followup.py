"""After the event (app.followup): its materials, and the follow-up messages to those who
came and to those who did not."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, deferred, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.content import Shown, translated
from app.models.events import Event, Organiser
from app.models.types import UTCDateTime, _enum


class Material(db.Model):
    """A link or a file shown to the people an event's follow-up went to. A file is kept
    in the database, so every server of a deployment serves it without a shared disk."""

    __table_args__ = (sa.CheckConstraint("(url IS NULL) <> (data IS NULL)", name="link_or_file"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    title: Mapped[str] = mapped_column(sa.String(200))
    url: Mapped[str | None] = mapped_column(sa.String(2000))
    # A file's safe name, its type as found from its content, and its size in bytes.
    filename: Mapped[str] = mapped_column(sa.String(200), default="", server_default="")
    content_type: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    size: Mapped[int] = mapped_column(default=0, server_default="0")
    # Loaded only when the file itself is served: a list of materials never reads it.
    data: Mapped[bytes | None] = deferred(mapped_column(sa.LargeBinary))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    event: Mapped[Event] = relationship()

    @property
    def is_file(self) -> bool:
        return self.url is None


class FollowUpAudience(enum.StrEnum):
    ATTENDED = "attended"  # Registration.attended is True
    ABSENT = "absent"  # registered, and marked as not having come


class FollowUpMessage(db.Model):
    """One of an event's two follow-up messages. Its people are chosen only when it is due
    (app.followup.sending), from the attendance marked by then."""

    __table_args__ = (
        sa.UniqueConstraint("event_id", "audience"),
        # The mail worker's look-up of messages due and not yet queued.
        sa.Index("ix_follow_up_message_due", "queued_at", "send_after"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    audience: Mapped[FollowUpAudience] = mapped_column(
        _enum(FollowUpAudience, "follow_up_audience")
    )
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organiser.id", ondelete="SET NULL")
    )
    # In `language` (the event's); `translations`: {"sv": {"subject": ..., "body": ...}}.
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(5), default="fi")
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # The mail carries the person's own link to the event's materials.
    include_materials: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    send_after: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the worker chose its people and queued their mail; how many there were.
    queued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    queued_count: Mapped[int] = mapped_column(default=0, server_default="0")

    event: Mapped[Event] = relationship()
    author: Mapped[Organiser | None] = relationship()

    def subject_in(self, locale: str) -> Shown:
        return translated(self.translations, self.language, locale, "subject", self.subject)

    def body_in(self, locale: str) -> Shown:
        return translated(self.translations, self.language, locale, "body", self.body)
