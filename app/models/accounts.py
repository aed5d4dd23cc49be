"""Two-step sign-in's recovery codes, and the site's own settings."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app import clock
from app.extensions import db
from app.models.types import UTCDateTime


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
