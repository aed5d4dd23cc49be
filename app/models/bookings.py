"""Registrations made together: one sign-up for several occurrences of a series."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.registrations import Registration
from app.models.series import Series
from app.models.types import UTCDateTime


class SeriesBooking(db.Model):
    """What one multi-date sign-up made: its one email and its one manage page list these
    registrations. It holds nothing about the person: that is in the registrations, and a
    booking goes when the last of them is erased (app.privacy)."""

    id: Mapped[int] = mapped_column(primary_key=True)
    series_id: Mapped[int] = mapped_column(
        sa.ForeignKey("series.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    series: Mapped[Series] = relationship()
    places: Mapped[list["BookedRegistration"]] = relationship(
        back_populates="booking", cascade="all, delete-orphan", passive_deletes=True
    )


class BookedRegistration(db.Model):
    """One registration of a booking; a registration is in one booking at most."""

    registration_id: Mapped[int] = mapped_column(
        sa.ForeignKey("registration.id", ondelete="CASCADE"), primary_key=True
    )
    booking_id: Mapped[int] = mapped_column(
        sa.ForeignKey("series_booking.id", ondelete="CASCADE"), index=True
    )

    booking: Mapped[SeriesBooking] = relationship(back_populates="places")
    registration: Mapped[Registration] = relationship()
