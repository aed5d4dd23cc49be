"""Inviting a contact list to an event, or to every coming meeting of a series, through the
invitations' own path: accept and decline links, reminders, each member's language."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.invitations.services import Invitee, invite_list, invited_addresses
from app.models import (
    ContactList,
    Event,
    EventOrganiser,
    EventStatus,
    ListMember,
    Organiser,
    OrganiserRole,
    Registration,
    RegistrationStatus,
    Series,
)

# At most this many days before each meeting: a year, as a series reaches.
MAX_DAYS_BEFORE = 365


@dataclass
class ListInvited:
    """What inviting a list did; the skipped counts are per person and meeting."""

    invited: int = 0
    meetings: int = 0
    left: int = 0  # members who left the list: never invited
    already_invited: int = 0
    already_registered: int = 0
    first_send_at: datetime | None = None
    events: list[Event] = field(default_factory=list)


def can_take_invitations(event: Event, now: datetime) -> bool:
    """Published, not started, its reply-by date (if any) still ahead. An open event takes
    them too: an invitation to it is a personal one, accepted into a place as a sign-up."""
    return (
        event.status == EventStatus.PUBLISHED
        and now < event.starts_at
        and (event.reply_by is None or now < event.reply_by)
    )


def _organised_by(organiser: Organiser):
    if organiser.is_admin:
        return sa.true()
    return Event.id.in_(
        sa.select(EventOrganiser.event_id).where(
            EventOrganiser.organiser_id == organiser.id,
            EventOrganiser.role.in_([OrganiserRole.OWNER, OrganiserRole.CO_ORGANISER]),
        )
    )


def invitable_events(organiser: Organiser, now: datetime) -> list[Event]:
    """Single events the organiser may invite people to now, soonest first."""
    rows = db.session.scalars(
        sa.select(Event)
        .where(
            _organised_by(organiser),
            Event.series_id.is_(None),
            Event.status == EventStatus.PUBLISHED,
            Event.starts_at > now,
        )
        .order_by(Event.starts_at, Event.id)
    )
    return [event for event in rows if can_take_invitations(event, now)]


def invitable_series(organiser: Organiser, now: datetime) -> list[Series]:
    """Series with at least one coming meeting the organiser organises."""
    ids = sa.select(Event.series_id).where(
        _organised_by(organiser),
        Event.series_id.is_not(None),
        Event.status == EventStatus.PUBLISHED,
        Event.starts_at > now,
    )
    return list(
        db.session.scalars(sa.select(Series).where(Series.id.in_(ids)).order_by(Series.title))
    )


def coming_meetings(organiser: Organiser, series: Series, now: datetime) -> list[Event]:
    """The series' meetings still to come that take invitations (not cancelled, not
    drafts) and that the organiser organises."""
    rows = db.session.scalars(
        sa.select(Event)
        .where(Event.series_id == series.id, _organised_by(organiser))
        .order_by(Event.starts_at, Event.id)
    )
    return [event for event in rows if can_take_invitations(event, now)]


def invite_contact_list(
    contact_list: ContactList,
    events: list[Event],
    *,
    now: datetime,
    days_before: int | None,
) -> ListInvited:
    """One invitation per member still on the list per event, sent now or `days_before`
    days before each event (never in the past). Skipped: who left the list, who has been
    invited to that event already, and who is registered for it."""
    members = list(
        db.session.scalars(
            sa.select(ListMember)
            .where(ListMember.list_id == contact_list.id)
            .order_by(sa.func.lower(ListMember.name), ListMember.id)
        )
    )
    staying = [member for member in members if member.left_at is None]
    result = ListInvited(left=len(members) - len(staying), events=events)
    for event in events:
        send_at = now if days_before is None else max(now, event.starts_at - timedelta(days_before))
        invited = invited_addresses(event)
        people = _to_invite(event, staying, invited, result)
        planned = invite_list(event, people, send_at=send_at, invited=invited)
        result.invited += len(planned)
        result.meetings += 1
        if planned and (result.first_send_at is None or send_at < result.first_send_at):
            result.first_send_at = send_at
    contact_list.last_used_at = now
    return result


def _to_invite(
    event: Event, members: list[ListMember], invited: set[str], result: ListInvited
) -> list[Invitee]:
    registered = set(
        db.session.scalars(
            sa.select(Registration.email_normalised).where(
                Registration.event_id == event.id,
                Registration.status != RegistrationStatus.CANCELLED,
            )
        )
    )
    people = []
    for member in members:
        if member.email_normalised in invited:
            result.already_invited += 1
        elif member.email_normalised in registered:
            result.already_registered += 1
        else:
            people.append(
                Invitee(
                    member.name,
                    member.email,
                    member.organisation,
                    locale=member.locale,
                    list_member_id=member.id,
                )
            )
    return people
