"""Reading events for the public pages."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app import clock
from app.extensions import db
from app.models import Event, EventStatus


def upcoming_events() -> list[Event]:
    return list(
        db.session.scalars(
            sa.select(Event)
            .where(Event.status == EventStatus.PUBLISHED, Event.ends_at > clock.now())
            .order_by(Event.starts_at)
        )
    )


def public_event(slug: str) -> Event | None:
    """A published or cancelled event; drafts exist only for their organisers."""
    return db.session.scalar(
        sa.select(Event)
        .where(
            Event.slug == slug,
            Event.status.in_([EventStatus.PUBLISHED, EventStatus.CANCELLED]),
        )
        .options(selectinload(Event.questions))
    )


def availability(event: Event, at) -> str:
    """What the public sees about places: one of the keys the templates know."""
    if event.status == EventStatus.CANCELLED:
        return "cancelled"
    if event.registration_opens_at and at < event.registration_opens_at:
        return "not_yet_open"
    if not event.registration_is_open(at):
        return "closed"
    if event.seats_left is None:
        return "open"
    if event.seats_left > 0:
        return "seats_left"
    return "waiting_list" if event.waiting_list else "full"
