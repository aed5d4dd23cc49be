"""Who works on an event and in what part: owners, co-organisers and check-in helpers."""

import sqlalchemy as sa

from app.extensions import db
from app.models import Event, EventOrganiser, Organiser, OrganiserRole
from app.text import normalise_email


class OrganiserNotFound(Exception):
    pass


class AccountDeactivated(OrganiserNotFound):
    """The address has an account, but an admin has deactivated it."""


class AlreadyOnTeam(Exception):
    """The account has another part in the event, which this person may not change."""


class AlreadyOwner(Exception):
    """The organiser named to take the event over owns it already."""


def role_in(organiser: Organiser, event: Event) -> OrganiserRole | None:
    """The organiser's part in the event. An admin's rights always win: an admin is at least
    a co-organiser of every event, even one where an organiser added them as a helper. A
    check-in helper account is at most a helper, whatever part it was given before an
    admin made it one."""
    link = _link_of(event, organiser.id)
    role = link.role if link else None
    if organiser.is_admin and role != OrganiserRole.OWNER:
        return OrganiserRole.CO_ORGANISER
    if organiser.check_in_only and role is not None:
        return OrganiserRole.HELPER
    return role


def may_change_team(organiser: Organiser, event: Event) -> bool:
    """Removing co-organisers and helpers: the event's owner, and admins."""
    return organiser.is_admin or role_in(organiser, event) == OrganiserRole.OWNER


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
    event: Event,
    email: str,
    role: OrganiserRole = OrganiserRole.CO_ORGANISER,
    *,
    may_change: bool = True,
) -> tuple[Organiser, OrganiserRole]:
    """Give another account a part in the event (or change it; never the owner's), and
    return it with the part it got.

    A check-in helper account stays what an admin made it: asked to be a co-organiser, it
    becomes the event's check-in helper, and the organiser is told so. Only an admin
    turns it into an organiser account (Administration, Accounts)."""
    organiser = _active_organiser(email)
    if organiser.check_in_only:
        role = OrganiserRole.HELPER
    link = _link_of(event, organiser.id)
    if link is None:
        event.organiser_links.append(EventOrganiser(organiser=organiser, role=role))
    elif link.role != role:
        # Changing a part is for those who may remove it (may_change_team): a co-organiser
        # "adding" another as a helper took their organiser pages away all the same.
        if link.role == OrganiserRole.OWNER or not may_change:
            raise AlreadyOnTeam(email)
        link.role = role
    return organiser, role


def _active_organiser(email: str, *, may_help_only: bool = True) -> Organiser:
    organiser = db.session.scalar(
        sa.select(Organiser).where(Organiser.email == normalise_email(email))
    )
    if organiser is None or (organiser.check_in_only and not may_help_only):
        raise OrganiserNotFound(email)
    if not organiser.active:
        raise AccountDeactivated(email)
    return organiser


def _link_of(event: Event, organiser_id: int) -> EventOrganiser | None:
    return next((link for link in event.organiser_links if link.organiser_id == organiser_id), None)


def removable_link(event: Event, organiser_id: int) -> EventOrganiser | None:
    """A co-organiser's or helper's part in the event; None for the owner, or nobody."""
    link = _link_of(event, organiser_id)
    return None if link is None or link.role == OrganiserRole.OWNER else link


def remove_from_event(event: Event, link: EventOrganiser) -> None:
    """They lose the event at once: every page of it looks their part up again."""
    event.organiser_links.remove(link)
    db.session.flush()


def owner_of(event: Event) -> Organiser | None:
    return next(
        (link.organiser for link in event.organiser_links if link.role == OrganiserRole.OWNER),
        None,
    )


def transfer_ownership(event: Event, email: str) -> tuple[Organiser, Organiser | None]:
    """Make another organiser the owner; the one before stays on as a co-organiser (the new
    owner, or an admin, may remove them). Returns the new owner and the one before."""
    new_owner = _active_organiser(email, may_help_only=False)
    before = owner_of(event)
    if before is not None and before.id == new_owner.id:
        raise AlreadyOwner(email)
    if before is not None:
        _link_of(event, before.id).role = OrganiserRole.CO_ORGANISER
    link = _link_of(event, new_owner.id)
    if link is None:
        event.organiser_links.append(EventOrganiser(organiser=new_owner, role=OrganiserRole.OWNER))
    else:
        link.role = OrganiserRole.OWNER
    db.session.flush()
    return new_owner, before
