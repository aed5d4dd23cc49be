"""Contact lists and their members: who may use a list, adding people, editing them."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app import clock
from app.accounts.services import _active_organiser
from app.database import contains, counts_by
from app.extensions import db
from app.invitations.services import Invitee
from app.models import ContactList, ListCoOrganiser, ListMember, Organiser
from app.text import clean_text, normalise_email

MEMBERS_PER_PAGE = 50


class AlreadyOnList(Exception):
    """Another member of the list has this address."""


class AlreadySharing(Exception):
    """The account is the list's owner or already uses it."""


# --- who may use a list ----------------------------------------------------------------


def lists_of(organiser: Organiser) -> list[ContactList]:
    """The lists an organiser owns or was given, by name; an admin's: all of them."""
    query = sa.select(ContactList).order_by(sa.func.lower(ContactList.name), ContactList.id)
    if not organiser.is_admin:
        shared = sa.select(ListCoOrganiser.list_id).where(
            ListCoOrganiser.organiser_id == organiser.id
        )
        query = query.where(
            sa.or_(ContactList.owner_id == organiser.id, ContactList.id.in_(shared))
        )
    return list(db.session.scalars(query))


def list_for(organiser: Organiser, list_id: int, *, owner_only: bool = False) -> ContactList | None:
    """The list if the organiser may use it (owner_only: may delete it or change who may)."""
    contact_list = db.session.get(ContactList, list_id)
    if contact_list is None or organiser.check_in_only:
        return None
    if organiser.is_admin or contact_list.owner_id == organiser.id:
        return contact_list
    if owner_only:
        return None
    shared = {link.organiser_id for link in contact_list.co_organisers}
    return contact_list if organiser.id in shared else None


def is_owner(organiser: Organiser, contact_list: ContactList) -> bool:
    return organiser.is_admin or contact_list.owner_id == organiser.id


def share_list(contact_list: ContactList, email: str) -> Organiser:
    """Name an organiser (an existing account) who may use and edit the list. Raises
    app.accounts.services.OrganiserNotFound or AlreadySharing."""
    organiser = _active_organiser(email, may_help_only=False)
    if organiser.id == contact_list.owner_id or any(
        link.organiser_id == organiser.id for link in contact_list.co_organisers
    ):
        raise AlreadySharing(email)
    contact_list.co_organisers.append(ListCoOrganiser(organiser=organiser))
    _touch(contact_list)
    return organiser


def unshare_list(contact_list: ContactList, organiser_id: int) -> None:
    for link in list(contact_list.co_organisers):
        if link.organiser_id == organiser_id:
            contact_list.co_organisers.remove(link)
    db.session.flush()


# --- lists -----------------------------------------------------------------------------


def create_list(owner: Organiser, *, name: str, purpose: str) -> ContactList:
    contact_list = ContactList(owner=owner, name=clean_text(name), purpose=clean_text(purpose))
    db.session.add(contact_list)
    db.session.flush()
    return contact_list


def rename_list(contact_list: ContactList, *, name: str, purpose: str) -> None:
    contact_list.name = clean_text(name)
    contact_list.purpose = clean_text(purpose)
    _touch(contact_list)


def delete_list(contact_list: ContactList) -> None:
    """The list and its members go. Its invitations not yet sent are withdrawn (they would
    go out naming no list, with no link to leave it); those sent stay, without their list."""
    from app.lists.leaving import withdraw_list_invitations

    for member in db.session.scalars(
        sa.select(ListMember).where(ListMember.list_id == contact_list.id)
    ):
        withdraw_list_invitations(member)
    db.session.delete(contact_list)
    db.session.flush()


def _touch(contact_list: ContactList) -> None:
    contact_list.updated_at = clock.now()


def member_counts(lists: list[ContactList]) -> dict[int, int]:
    """Members still on each list (not those who left)."""
    ids = [item.id for item in lists]
    staying = sa.and_(ListMember.list_id.in_(ids), ListMember.left_at.is_(None))
    return counts_by(ListMember.list_id, staying, ids)


def unused_since(now: datetime) -> datetime:
    """A list not invited to anything (nor made) since this moment is flagged as unused."""
    return now - timedelta(days=30 * current_app.config["LIST_UNUSED_MONTHS"])


def is_unused(contact_list: ContactList, now: datetime) -> bool:
    return (contact_list.last_used_at or contact_list.created_at) < unused_since(now)


# --- members ---------------------------------------------------------------------------


def members_page(contact_list: ContactList, *, search: str, page: int):
    """Members still on the list, by name, matching the search in name, address or
    organisation."""
    query = sa.select(ListMember).where(
        ListMember.list_id == contact_list.id, ListMember.left_at.is_(None)
    )
    if search:
        query = query.where(
            sa.or_(
                contains(ListMember.name, search),
                contains(ListMember.email_normalised, search),
                contains(ListMember.organisation, search),
            )
        )
    query = query.order_by(sa.func.lower(ListMember.name), ListMember.id)
    return db.paginate(query, page=page, per_page=MEMBERS_PER_PAGE, error_out=False)


def members_who_left(contact_list: ContactList) -> list[ListMember]:
    return list(
        db.session.scalars(
            sa.select(ListMember)
            .where(ListMember.list_id == contact_list.id, ListMember.left_at.is_not(None))
            .order_by(ListMember.left_at.desc(), ListMember.id)
        )
    )


def member_of(contact_list: ContactList, member_id: int) -> ListMember | None:
    member = db.session.get(ListMember, member_id)
    return member if member is not None and member.list_id == contact_list.id else None


@dataclass
class Added:
    added: int
    already_on_list: int  # the same address on the list already: left as it was
    left_before: int  # those who left the list earlier are not put back by a paste


def add_members(contact_list: ContactList, people: list[Invitee], *, locale: str) -> Added:
    """Add the people not yet on the list, each in their own language or `locale`."""
    known = {
        row.email_normalised: row
        for row in db.session.scalars(
            sa.select(ListMember).where(ListMember.list_id == contact_list.id)
        )
    }
    added = already = left = 0
    for person in people:
        address = normalise_email(person.email)
        if address in known:
            left += known[address].left_at is not None
            already += known[address].left_at is None
            continue
        member = ListMember(
            list_id=contact_list.id,
            name=clean_text(person.name),
            email=clean_text(person.email),
            email_normalised=address,
            organisation=clean_text(person.organisation),
            locale=person.locale or locale,
        )
        db.session.add(member)
        known[address] = member
        added += 1
    _touch(contact_list)
    db.session.flush()
    return Added(added, already, left)


def edit_member(
    member: ListMember, *, name: str, email: str, organisation: str, locale: str
) -> None:
    """Raises AlreadyOnList when another member of the list has the new address."""
    address = normalise_email(email)
    taken = db.session.scalar(
        sa.select(ListMember.id).where(
            ListMember.list_id == member.list_id,
            ListMember.email_normalised == address,
            ListMember.id != member.id,
        )
    )
    if taken is not None:
        raise AlreadyOnList(email)
    member.name = clean_text(name)
    member.email = clean_text(email)
    member.email_normalised = address
    member.organisation = clean_text(organisation)
    member.locale = locale
    _touch(member.contact_list)


def remove_member(member: ListMember) -> None:
    """The row goes, and with it the member's link to leave (its token): their
    invitations not yet sent are withdrawn as when they leave themselves."""
    from app.lists.leaving import withdraw_list_invitations

    withdraw_list_invitations(member)
    _touch(member.contact_list)
    db.session.delete(member)
    db.session.flush()
