"""Places for a group: a contact person signs up themselves and others at once.

The whole group's places are taken in one atomic step, on SQLite and PostgreSQL alike:
- GroupRule.TOGETHER: one conditional UPDATE, `confirmed_count + n <= capacity`; a changed
  row is a place for everyone, none a waiting list (or a refusal) for everyone.
- GroupRule.SPLIT: the event's row locked (lock_event), its count read and raised by as
  many as fit, in one transaction; the rest of the group waits, in the order given.

Promotion from the waiting list is the one of app.places.services, person by person in the
order they signed up, members of a group that waits together included: a freed place
never stays empty while a group waits for enough places at once, and a group's members
listed first get their places first. The public form says so.

A member is a Registration of their own whose group_lead_id is the contact person's; the
contact person manages them all (cancel_member, cancel_group)."""

import sqlalchemy as sa

from app.events.services import EventRow
from app.extensions import db
from app.models import Event, GroupRule, Registration, RegistrationStatus
from app.places.counts import count_step, forget_seat_count
from app.places.services import cancel_registration, lock_event

MAX_GROUP_SIZE = 50

_EVENTS = Event.__table__
_TAKE_SEATS = count_step(
    "confirmed_count",
    sa.bindparam("seats", type_=sa.Integer),
    when="capacity IS NULL OR confirmed_count + :seats <= capacity",
)
_SEATS = sa.select(_EVENTS.c.capacity, _EVENTS.c.confirmed_count).where(
    _EVENTS.c.id == sa.bindparam("event_id")
)


def takes_groups(event: Event | EventRow) -> bool:
    """Whether the event's form signs up groups: decided from the event's own row."""
    return event.group_size_max > 1


def take_group_places(event: Event, size: int) -> int:
    """The number of the group's people (the first ones) who have a place now. Call with
    the event locked (lock_event), in the transaction that writes the registrations."""
    if event.group_rule == GroupRule.SPLIT:
        seats = _as_many_as_fit(event, size)
    else:
        seats = size if _all_or_none(event, size) else 0
    forget_seat_count(event)
    return seats


def _all_or_none(event: Event, size: int) -> bool:
    result = db.session.execute(_TAKE_SEATS, {"event_id": event.id, "seats": size})
    return result.rowcount == 1


def _as_many_as_fit(event: Event, size: int) -> int:
    # The row is locked by the caller: no other change to the count comes between the
    # read and the update (a plain sign-up's UPDATE waits for the lock).
    capacity, confirmed = db.session.execute(_SEATS, {"event_id": event.id}).one()
    seats = size if capacity is None else max(0, min(size, capacity - confirmed))
    if seats:
        db.session.execute(_TAKE_SEATS, {"event_id": event.id, "seats": seats})
    return seats


def places_left(event: Event) -> int | None:
    """Read again from the database (the loaded count may be old)."""
    capacity, confirmed = db.session.execute(_SEATS, {"event_id": event.id}).one()
    return None if capacity is None else max(capacity - confirmed, 0)


def members_of(lead: Registration) -> list[Registration]:
    """The people the contact person signed up, in the order they were given."""
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.group_lead_id == lead.id)
            .order_by(Registration.id)
        )
    )


def member_of(lead: Registration, member_id: int) -> Registration | None:
    member = db.session.get(Registration, member_id)
    if member is None or member.group_lead_id != lead.id:
        return None
    return member


def cancel_member(lead: Registration, member: Registration) -> None:
    """The contact person cancels one member: the place is freed and the next person
    waiting is promoted, as when the member cancels themselves."""
    lock_event(lead.event)
    cancel_registration(member)


def cancel_group(lead: Registration) -> None:
    """The whole group, the contact person last. Those waiting first: a place freed by a
    member with one must not go to another member who is being cancelled too."""
    lock_event(lead.event)
    members = members_of(lead)
    waiting_first = sorted(members, key=lambda member: member.status != RegistrationStatus.WAITING)
    for member in [*waiting_first, lead]:
        cancel_registration(member)


def shows_groups(event: Event) -> bool:
    """Lists and exports show the group: the event takes groups, or took them once."""
    if takes_groups(event):
        return True
    return db.session.scalar(
        sa.select(
            sa.exists().where(
                Registration.event_id == event.id, Registration.group_lead_id.is_not(None)
            )
        )
    )


def group_contact_name():
    """A column: the name of the group's contact person, for the contact person and each
    member alike; "" for someone who signed up alone."""
    lead = sa.orm.aliased(Registration, name="group_lead")
    member = sa.orm.aliased(Registration, name="group_member")
    lead_name = sa.select(lead.name).where(lead.id == Registration.group_lead_id)
    return sa.case(
        (Registration.group_lead_id.is_not(None), lead_name.scalar_subquery()),
        (sa.exists().where(member.group_lead_id == Registration.id), Registration.name),
        else_="",
    )


def group_contacts(event: Event, registrations) -> dict[int, str] | None:
    """{registration id: its group's contact person's name} for those in a group among
    registrations (a page of a list); None when the event shows no groups."""
    if not shows_groups(event):
        return None
    ids = [registration.id for registration in registrations]
    rows = db.session.execute(
        sa.select(Registration.id, group_contact_name()).where(Registration.id.in_(ids))
    )
    return {id_: name for id_, name in rows if name}
