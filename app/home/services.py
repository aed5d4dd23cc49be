"""The organiser's home: the events they organise or help at, and for an admin all."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Event, EventOrganiser, Organiser


def _events_newest_first():
    # With their organisers: the dashboard asks each event for the viewer's part in it.
    return (
        sa.select(Event)
        .options(selectinload(Event.organiser_links))
        .order_by(Event.starts_at.desc())
    )


def events_for(organiser: Organiser) -> list[Event]:
    """The events the organiser owns, co-organises or helps at (an admin's too: their own)."""
    query = _events_newest_first().join(EventOrganiser)
    return list(db.session.scalars(query.where(EventOrganiser.organiser_id == organiser.id)))


def all_events() -> list[Event]:
    """Every event, for an admin, who may open any of them."""
    return list(db.session.scalars(_events_newest_first()))
