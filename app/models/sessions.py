"""Organisers' sign-in sessions, kept on the server so that signing out really ends one."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.events import Organiser
from app.models.types import UTCDateTime


class SignInSession(db.Model):
    """One sign-in: the session cookie holds a random value whose SHA-256 is `hash`. No
    address or browser is kept; created_at is when the organiser signed in."""

    id: Mapped[int] = mapped_column(primary_key=True)
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    organiser_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organiser.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # Written at most once a minute (app.auth.sessions.TOUCH_INTERVAL), not on every page.
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # Signed out, or ended by a new password (or, later, by deactivating the account).
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organiser: Mapped[Organiser] = relationship(lazy="joined")
