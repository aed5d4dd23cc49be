"""People who signed up (or accepted an invitation) and their answers."""

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.events import Event, Question
from app.models.types import (
    AttendanceSource,
    ParticipationMode,
    RegistrationSource,
    RegistrationStatus,
    UTCDateTime,
    _enum,
)

# The registrations that count: one per person and event (the unique index below).
LIVE = "status != 'cancelled'"
# Those the unique index keeps apart: a person added without an address (someone who
# phoned) is not the same person as every other one without.
LIVE_ADDRESS = f"{LIVE} AND email_normalised != ''"
NOTE_MAX = 1000
OFFERED = "status = 'offered'"


class Registration(db.Model):
    __table_args__ = (
        # One live registration per address and event; a cancelled one may be followed by
        # a new sign-up. "" is no address (a person an organiser added without one).
        sa.Index(
            "uq_registration_live_email",
            "event_id",
            "email_normalised",
            unique=True,
            sqlite_where=sa.text(LIVE_ADDRESS),
            postgresql_where=sa.text(LIVE_ADDRESS),
        ),
        sa.Index("ix_registration_event_status", "event_id", "status", "id"),
        # An event's people in the order they came, read in that order without sorting
        # them first: an export of 100,000 streams from its first row.
        sa.Index("ix_registration_event_order", "event_id", "id"),
        # The timed offers standing, by when they lapse: what the mail worker looks for
        # every round (app.places.offers), without reading the whole table.
        sa.Index(
            "ix_registration_offer_expires",
            "offer_expires_at",
            sqlite_where=sa.text(OFFERED),
            postgresql_where=sa.text(OFFERED),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(200))
    # "" when an organiser added the person without one: no mail goes to them.
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
    # The explicit consent (GDPR art. 9) under which answers to sensitive questions are
    # kept: when it was given; None while the person has given no such answer.
    sensitive_consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    checked_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The organisers' private note ("signed up by phone"): never shown to the person, never
    # in mail, in exports only when asked for.
    note: Mapped[str] = mapped_column(sa.String(NOTE_MAX), default="", server_default="")
    # Raised whenever the person's calendar entry changes (calendar SEQUENCE).
    sequence: Mapped[int] = mapped_column(default=0)
    # A hybrid event: the place the person has or waits for (in person or online); None
    # at an event of one format. waiting_for: the other mode's place the person waits for
    # while keeping this one (online now, in person when a seat frees).
    mode: Mapped[ParticipationMode | None] = mapped_column(
        _enum(ParticipationMode, "participation_mode")
    )
    waiting_for: Mapped[ParticipationMode | None] = mapped_column(
        _enum(ParticipationMode, "waiting_for_mode")
    )
    # A group's members point to the contact person who signed them up (whose own row has
    # None); the contact person manages them all.
    group_lead_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="SET NULL"), index=True
    )
    # The waiting list's order where an organiser changed it by hand; else the id's.
    # Reordering gives the people waiting the same keys they had, in the new order, so
    # that those who join later still come after them.
    queue_order: Mapped[int | None]
    # A timed offer (status offered): the place is held until then.
    offer_expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # After the event (app.attendance): came (True) or not (False); None until marked.
    # Kept by the retention purge, as status is, so attendance stays a count.
    attended: Mapped[bool | None]
    attendance_source: Mapped[AttendanceSource | None] = mapped_column(
        _enum(AttendanceSource, "attendance_source")
    )
    attendance_marked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # The wellbeing services county the person comes from (app.nominations.regions, in
    # Finnish), when the event asks (Event.asks_region) or a nomination said; "" unknown.
    region: Mapped[str] = mapped_column(sa.String(60), default="", server_default="")
    # Set by the retention purge, when the address is erased: a keyed hash of it
    # (app.reports), so that a period's report can count distinct people after their
    # data is gone; "" before, and after the person's own erasure request.
    person_key: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")

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
