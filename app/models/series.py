"""Series: events that repeat. Each occurrence is an Event of its own (Event.series_id)."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.content import Shown, translated
from app.models.types import UTCDateTime


class Series(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    # The public address of the series' page and its calendar feed.
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    # The series' name (by default its first occurrence's title), in `language`, with
    # the other languages in `translations` as on an Event.
    title: Mapped[str] = mapped_column(sa.String(200))
    language: Mapped[str] = mapped_column(sa.String(5), default="fi")
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # How the occurrences were laid out, for the series page and for adding more:
    # {"kind": "weekly" | "monthly_weekday" | "dates", "interval": N, "weekday": 0-6,
    #  "week_of_month": 1-4 or -1 (last), "until": "YYYY-MM-DD"}. The occurrences
    # themselves are the truth: each may be moved or cancelled on its own.
    rule: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    created_by_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organiser.id", ondelete="SET NULL")
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # When an organiser ended the series: no occurrences are added after it.
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    occurrences: Mapped[list["Event"]] = relationship(  # noqa: F821
        back_populates="series", order_by="Event.starts_at"
    )

    def title_in(self, locale: str) -> Shown:
        return translated(self.translations, self.language, locale, "title", self.title)
