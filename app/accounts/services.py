"""Who works on an event and in what part: owners, co-organisers and check-in helpers."""

import sqlalchemy as sa

from app.extensions import db
from app.models import Event, EventOrganiser, Organiser, OrganiserRole
from app.text import normalise_email


class OrganiserNotFound(Exception):
    pass


def role_in(organiser: Organiser, event: Event) -> OrganiserRole | None:
    """The organiser's part in the event; an admin counts as a co-organiser of every one."""
    for link in event.organiser_links:
        if link.organiser_id == organiser.id:
            return link.role
    return OrganiserRole.CO_ORGANISER if organiser.is_admin else None


def event_for(organiser: Organiser, event_id: int, *, helper_ok: bool = False) -> Event | None:
    """The event if this organiser may open this page of it, else None: owners,
    co-organisers and admins every page; check-in helpers only the check-in."""
    event = db.session.get(Event, event_id)
    if event is None:
        return None
    role = role_in(organiser, event)
    if role is None or (role == OrganiserRole.HELPER and not helper_ok):
        return None
    return event


def add_co_organiser(
    event: Event, email: str, role: OrganiserRole = OrganiserRole.CO_ORGANISER
) -> Organiser:
    """Give another organiser account a part in the event (or change it; never the owner's)."""
    organiser = db.session.scalar(
        sa.select(Organiser).where(Organiser.email == normalise_email(email))
    )
    if organiser is None or not organiser.active:
        raise OrganiserNotFound(email)
    link = next((link for link in event.organiser_links if link.organiser_id == organiser.id), None)
    if link is None:
        event.organiser_links.append(EventOrganiser(organiser=organiser, role=role))
    elif link.role != OrganiserRole.OWNER:
        link.role = role
    return organiser
