"""Standing contact lists: an organiser's members, invited to events and series."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.events import Organiser
from app.models.types import UTCDateTime, normalised


class ContactList(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    # Why people are on it, in every mail sent because of it (as its members read it).
    purpose: Mapped[str] = mapped_column(sa.String(1000), default="")
    owner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organiser.id", ondelete="CASCADE"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # When it was last invited to something: a list unused for long is flagged.
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    owner: Mapped[Organiser] = relationship()
    co_organisers: Mapped[list["ListCoOrganiser"]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True
    )


class ListCoOrganiser(db.Model):
    """An account the list's owner named: may use and edit the list, not delete it or
    change who may."""

    list_id: Mapped[int] = mapped_column(
        sa.ForeignKey("contact_list.id", ondelete="CASCADE"), primary_key=True
    )
    organiser_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organiser.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    organiser: Mapped[Organiser] = relationship()


class ListMember(db.Model):
    __table_args__ = (sa.UniqueConstraint("list_id", "email_normalised"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    list_id: Mapped[int] = mapped_column(sa.ForeignKey("contact_list.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(200))
    email: Mapped[str] = mapped_column(sa.String(254))
    # normalise_email(email): one person once per list, and how a person's request finds them.
    email_normalised: Mapped[str] = mapped_column(
        sa.String(254), default=normalised("email"), index=True
    )
    organisation: Mapped[str] = mapped_column(sa.String(200), default="")
    locale: Mapped[str] = mapped_column(sa.String(5), default="fi")
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # When they removed themselves (the link in a list's mail); erased some days later.
    left_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)

    contact_list: Mapped[ContactList] = relationship()
