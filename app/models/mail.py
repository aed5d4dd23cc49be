"""Tokens for links in email, organisers' messages and the email outbox."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.content import Shown, translated
from app.models.events import Event, Organiser
from app.models.registrations import Registration
from app.models.types import (
    Audience,
    EmailStatus,
    ParticipationMode,
    TokenPurpose,
    UTCDateTime,
    _enum,
    normalised,
)
from app.models.workshops import Candidate, Invitation


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
    invitation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("invitation.id", ondelete="CASCADE"), index=True
    )
    account_invitation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("account_invitation.id", ondelete="CASCADE"), index=True
    )
    list_member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("list_member.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # An email-change link's new address (TokenPurpose.EMAIL_CHANGE); empty otherwise.
    email: Mapped[str | None] = mapped_column(sa.String(254))

    registration: Mapped[Registration | None] = relationship()
    invitation: Mapped[Invitation | None] = relationship()
    list_member: Mapped["ListMember | None"] = relationship()  # noqa: F821


class MessageBatch(db.Model):
    """A message an organiser wrote to the people of one event."""

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organiser.id", ondelete="SET NULL")
    )
    audience: Mapped[Audience] = mapped_column(_enum(Audience, "audience"))
    # A hybrid event's message to those in person or online only; None: to both.
    mode: Mapped[ParticipationMode | None] = mapped_column(_enum(ParticipationMode, "message_mode"))
    # Subject and body in `language`, the event's when written; `translations` holds the
    # other languages' versions: {"sv": {"subject": ..., "body": ...}}. Kept with the
    # message, so a scheduled one goes out as written whatever the event says by then.
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    language: Mapped[str] = mapped_column(sa.String(5), default="fi", server_default="fi")
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict, server_default="{}")
    send_after: Mapped[datetime] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # A scheduled message withdrawn before it was due: none of its emails goes.
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    event: Mapped[Event] = relationship()
    author: Mapped[Organiser | None] = relationship()

    def subject_in(self, locale: str) -> Shown:
        """The subject for someone who reads `locale`: their version, else the main one."""
        return translated(self.translations, self.language, locale, "subject", self.subject)

    def body_in(self, locale: str) -> Shown:
        return translated(self.translations, self.language, locale, "body", self.body)


class OutboundEmail(db.Model):
    """The outbox: written in the same transaction as the change that causes it."""

    # In the order the workers claim messages, so a claim reads its batch off the index and
    # stops, where it sorted every due message first (a backlog of 10,000: 6-12 ms a batch).
    __table_args__ = (sa.Index("ix_outbound_email_due", "status", "send_after", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(50))
    recipient: Mapped[str] = mapped_column(sa.String(254))
    # normalise_email(recipient): how a person's request for their data finds their mail.
    # Given by new_email() where rows are written without the ORM.
    recipient_normalised: Mapped[str] = mapped_column(
        sa.String(254), default=normalised("recipient"), index=True
    )
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
    invitation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("invitation.id", ondelete="CASCADE"), index=True
    )
    candidate_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("candidate.id", ondelete="CASCADE"), index=True
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
    # Indexed for the public forms' hourly limit, which counts what went within the hour.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    event: Mapped[Event | None] = relationship()
    registration: Mapped[Registration | None] = relationship()
    batch: Mapped[MessageBatch | None] = relationship()
    invitation: Mapped[Invitation | None] = relationship()
    candidate: Mapped[Candidate | None] = relationship()
