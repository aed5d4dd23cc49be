"""The domain: events, registrations, organisers, tokens and the email outbox."""

import enum
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db


class UTCDateTime(sa.TypeDecorator):
    """Aware UTC datetimes on every database (SQLite keeps no zone)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


def _enum(cls: type[enum.Enum], name: str) -> sa.Enum:
    # Plain strings with a CHECK constraint: readable in exports and easy to migrate.
    return sa.Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda e: [m.value for m in e],
    )


class EventFormat(enum.StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class Participation(enum.StrEnum):
    OPEN = "open"
    INVITATION = "invitation"


class OrganiserRole(enum.StrEnum):
    OWNER = "owner"
    CO_ORGANISER = "co_organiser"


class QuestionKind(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"


class RegistrationSource(enum.StrEnum):
    SIGNUP = "signup"
    INVITATION = "invitation"


class TokenPurpose(enum.StrEnum):
    MANAGE = "manage"
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose, not a password


class EmailStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # refused for good by the mail server (5xx)
    DEAD = "dead"  # every attempt used
    SKIPPED = "skipped"  # no longer true when due, e.g. a reminder after a cancellation


class Audience(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    EVERYONE = "everyone"


def default_reminders() -> list[int]:
    return [2 * 24 * 60]


class Organiser(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    is_admin: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    @property
    def is_active(self) -> bool:
        return self.active


class EventOrganiser(db.Model):
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    organiser_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organiser.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[OrganiserRole] = mapped_column(_enum(OrganiserRole, "organiser_role"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    organiser: Mapped[Organiser] = relationship(lazy="joined")
    event: Mapped["Event"] = relationship(back_populates="organiser_links")


class Event(db.Model):
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        sa.CheckConstraint("confirmed_count >= 0", name="confirmed_not_negative"),
        sa.Index("ix_event_status_starts_at", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    format: Mapped[EventFormat] = mapped_column(_enum(EventFormat, "event_format"))
    venue_name: Mapped[str] = mapped_column(sa.String(200), default="")
    venue_address: Mapped[str] = mapped_column(sa.String(300), default="")
    # Sent only to confirmed people; never rendered on a public page.
    join_link: Mapped[str] = mapped_column(sa.String(500), default="")
    capacity: Mapped[int | None]
    waiting_list: Mapped[bool] = mapped_column(default=True)
    # Kept in step by one conditional UPDATE, so capacity holds under concurrency.
    confirmed_count: Mapped[int] = mapped_column(default=0)
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    privacy_notice: Mapped[str] = mapped_column(sa.Text, default="")
    participation: Mapped[Participation] = mapped_column(
        _enum(Participation, "participation"), default=Participation.OPEN
    )
    status: Mapped[EventStatus] = mapped_column(
        _enum(EventStatus, "event_status"), default=EventStatus.DRAFT
    )
    language: Mapped[str] = mapped_column(sa.String(5), default="fi")
    retention_days: Mapped[int] = mapped_column(default=90)
    # Minutes before the start when confirmed people get a reminder.
    reminder_minutes: Mapped[list[int]] = mapped_column(sa.JSON, default=default_reminders)
    # Raised on every change people were told about (calendar SEQUENCE).
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    questions: Mapped[list["Question"]] = relationship(
        back_populates="event",
        order_by="Question.position",
        cascade="all, delete-orphan",
    )
    organiser_links: Mapped[list[EventOrganiser]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )

    @property
    def seats_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.confirmed_count, 0)

    @property
    def is_online(self) -> bool:
        return self.format == EventFormat.ONLINE

    @property
    def has_venue(self) -> bool:
        return self.format != EventFormat.ONLINE

    def registration_is_open(self, at: datetime) -> bool:
        if self.status != EventStatus.PUBLISHED or self.participation != Participation.OPEN:
            return False
        if self.registration_opens_at and at < self.registration_opens_at:
            return False
        closes = self.registration_closes_at or self.starts_at
        return at < closes


class Question(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(_enum(QuestionKind, "question_kind"))
    label: Mapped[str] = mapped_column(sa.String(300))
    hint: Mapped[str] = mapped_column(sa.String(500), default="")
    options: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    required: Mapped[bool] = mapped_column(default=False)
    # Diets and accessibility needs can be health data (GDPR art. 9).
    sensitive: Mapped[bool] = mapped_column(default=False)

    event: Mapped[Event] = relationship(back_populates="questions")

    @property
    def is_choice(self) -> bool:
        return self.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)


class Registration(db.Model):
    __table_args__ = (
        # One live registration per person and event; a cancelled one may be followed by
        # a new sign-up.
        sa.Index(
            "uq_registration_live_email",
            "event_id",
            "email_normalised",
            unique=True,
            sqlite_where=sa.text("status != 'cancelled'"),
            postgresql_where=sa.text("status != 'cancelled'"),
        ),
        sa.Index("ix_registration_event_status", "event_id", "status", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254))
    email_normalised: Mapped[str] = mapped_column(sa.String(254))
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    locale: Mapped[str] = mapped_column(sa.String(5), default="fi")
    status: Mapped[RegistrationStatus] = mapped_column(
        _enum(RegistrationStatus, "registration_status")
    )
    source: Mapped[RegistrationSource] = mapped_column(
        _enum(RegistrationSource, "registration_source"), default=RegistrationSource.SIGNUP
    )
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Raised whenever the person's calendar entry changes (calendar SEQUENCE).
    sequence: Mapped[int] = mapped_column(default=0)

    event: Mapped[Event] = relationship()
    answers: Mapped[list["Answer"]] = relationship(
        back_populates="registration", cascade="all, delete-orphan"
    )


class Answer(db.Model):
    __table_args__ = (sa.UniqueConstraint("registration_id", "question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE")
    )
    question_id: Mapped[int] = mapped_column(sa.ForeignKey("question.id", ondelete="CASCADE"))
    # str for text and single choice, list[str] for multiple choice, bool for yes/no.
    value: Mapped[Any] = mapped_column(sa.JSON)

    registration: Mapped[Registration] = relationship(back_populates="answers")
    question: Mapped[Question] = relationship()


class Token(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    purpose: Mapped[TokenPurpose] = mapped_column(_enum(TokenPurpose, "token_purpose"))
    # SHA-256 of the raw value; the raw value exists only inside the email.
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    organiser_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organiser.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    registration: Mapped[Registration | None] = relationship()


class MessageBatch(db.Model):
    """A message an organiser wrote to the people of one event."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organiser.id", ondelete="SET NULL")
    )
    audience: Mapped[Audience] = mapped_column(_enum(Audience, "audience"))
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    send_after: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    event: Mapped[Event] = relationship()
    author: Mapped[Organiser | None] = relationship()


class OutboundEmail(db.Model):
    """The outbox: written in the same transaction as the change that causes it."""

    __table_args__ = (sa.Index("ix_outbound_email_due", "status", "send_after"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(50))
    recipient: Mapped[str] = mapped_column(sa.String(254))
    locale: Mapped[str] = mapped_column(sa.String(5), default="fi")
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("event.id", ondelete="CASCADE"), index=True
    )
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE"), index=True
    )
    batch_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("message_batch.id", ondelete="CASCADE"), index=True
    )
    payload: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    dedupe_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    send_after: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    status: Mapped[EmailStatus] = mapped_column(
        _enum(EmailStatus, "email_status"), default=EmailStatus.PENDING
    )
    attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str] = mapped_column(sa.String(1000), default="")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event | None] = relationship()
    registration: Mapped[Registration | None] = relationship()
    batch: Mapped[MessageBatch | None] = relationship()
