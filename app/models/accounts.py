"""Invitations to make an account: an admin's, or an organiser's to one of their events."""

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
