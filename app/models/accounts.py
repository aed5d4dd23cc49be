"""Accounts beyond the organiser row itself: invitations to make one (an admin's, or an
organiser's to one of their events), two-step sign-in's recovery codes, and the site's
own settings."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.events import Event, Organiser
from app.models.types import AccountRole, OrganiserRole, UTCDateTime, _enum


class AccountInvitation(db.Model):
    """One person asked by email to make an account. Pending until accepted, withdrawn or
    past expires_at; the link's token (app.tokens) is minted when the mail is sent."""

    id: Mapped[int] = mapped_column(primary_key=True)
    # Stored normalised (app.text.normalise_email), the form accounts are matched in.
    email: Mapped[str] = mapped_column(sa.String(254), index=True)
    role: Mapped[AccountRole] = mapped_column(_enum(AccountRole, "account_role"))
    # The language of the invitation mail, chosen by whoever invited them.
    locale: Mapped[str] = mapped_column(sa.String(5), default="fi")
    invited_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organiser.id", ondelete="SET NULL")
    )
    # An organiser's invitation gives a part in one event once accepted.
    event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("event.id", ondelete="CASCADE"), index=True
    )
    event_role: Mapped[OrganiserRole | None] = mapped_column(_enum(OrganiserRole, "organiser_role"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    accepted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # How many times the mail was sent: only the latest one's link may be minted and work.
    sends: Mapped[int] = mapped_column(default=1)

    invited_by: Mapped[Organiser | None] = relationship()
    event: Mapped[Event | None] = relationship()

    def is_pending(self, now: datetime) -> bool:
        return self.accepted_at is None and self.withdrawn_at is None and now < self.expires_at


class RecoveryCode(db.Model):
    """One of an account's ten one-time codes for a lost phone, kept only as SHA-256."""

    id: Mapped[int] = mapped_column(primary_key=True)
    organiser_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organiser.id", ondelete="CASCADE"), index=True
    )
    hash: Mapped[str] = mapped_column(sa.String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SiteSettings(db.Model):
    """What admins decide for the whole site: one row (id 1), made when first saved."""

    id: Mapped[int] = mapped_column(primary_key=True)
    require_two_step_admins: Mapped[bool] = mapped_column(default=False)
    # Organisers of an event that asks a sensitive question (health, diet and the like).
    require_two_step_sensitive: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
