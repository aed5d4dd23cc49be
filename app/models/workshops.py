"""Workshops by invitation: nominees (candidates), nominations and invitations."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.events import Event
from app.models.registrations import Registration
from app.models.types import (
    InvitationStatus,
    NominationStatus,
    UTCDateTime,
    _enum,
    normalised,
)


class Candidate(db.Model):
    """A nominee: one person however many times they were nominated for the workshop."""

    __table_args__ = (sa.UniqueConstraint("event_id", "email_normalised"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254))
    email_normalised: Mapped[str] = mapped_column(sa.String(254))
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    role: Mapped[str] = mapped_column(sa.String(200), default="")
    region: Mapped[str] = mapped_column(sa.String(100), default="")
    themes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    status: Mapped[NominationStatus] = mapped_column(
        _enum(NominationStatus, "nomination_status"), default=NominationStatus.RECEIVED
    )
    # The organisers' own notes; never shown to the nominee or the nominators.
    notes: Mapped[str] = mapped_column(sa.Text, default="")
    locale: Mapped[str] = mapped_column(sa.String(5), default="fi")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)

    event: Mapped[Event] = relationship()
    nominations: Mapped[list["Nomination"]] = relationship(
        back_populates="candidate", order_by="Nomination.id", cascade="all, delete-orphan"
    )


class Nomination(db.Model):
    """One nominator's proposal of one candidate."""

    __table_args__ = (sa.Index("ix_nomination_event_organisation", "event_id", "organisation_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    candidate_id: Mapped[int] = mapped_column(
        sa.ForeignKey("candidate.id", ondelete="CASCADE"), index=True
    )
    nominator_name: Mapped[str] = mapped_column(sa.String(200))
    nominator_email: Mapped[str] = mapped_column(sa.String(254))
    # normalise_email(nominator_email): how a person's request for their data finds it.
    nominator_email_normalised: Mapped[str] = mapped_column(
        sa.String(254), default=normalised("nominator_email"), index=True
    )
    nominator_organisation: Mapped[str] = mapped_column(sa.String(200))
    # The organisation as matched for the per-organisation limit (case-insensitive).
    organisation_key: Mapped[str] = mapped_column(sa.String(200))
    justification: Mapped[str] = mapped_column(sa.Text, default="")
    locale: Mapped[str] = mapped_column(sa.String(5), default="fi")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    candidate: Mapped[Candidate] = relationship(back_populates="nominations")


class Invitation(db.Model):
    """An invitation to one person for one event; accepting makes a registration."""

    __table_args__ = (sa.UniqueConstraint("event_id", "email_normalised"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    candidate_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("candidate.id", ondelete="SET NULL"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254))
    email_normalised: Mapped[str] = mapped_column(sa.String(254))
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    locale: Mapped[str] = mapped_column(sa.String(5), default="fi")
    status: Mapped[InvitationStatus] = mapped_column(
        _enum(InvitationStatus, "invitation_status"), default=InvitationStatus.PLANNED
    )
    send_at: Mapped[datetime] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reply_by: Mapped[datetime | None] = mapped_column(UTCDateTime)
    replied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decline_reason: Mapped[str] = mapped_column(sa.String(1000), default="")
    registration_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="SET NULL")
    )
    # The list member it was sent to because of a contact list (app.lists): its mail then
    # says so and carries the link to leave the list.
    list_member_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("list_member.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    event: Mapped[Event] = relationship()
    candidate: Mapped[Candidate | None] = relationship()
    registration: Mapped["Registration | None"] = relationship()
    list_member: Mapped["ListMember | None"] = relationship()  # noqa: F821
