"""What the organisers' workshop pages show: counts of nominees, who is still to be invited,
where each invitation stands, and how each attendee came in."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.invitations.services import invitations, reply_status
from app.models import (
    Candidate,
    Event,
    EventStatus,
    Invitation,
    InvitationStatus,
    Nomination,
    NominationStatus,
    OutboundEmail,
    Participation,
    Registration,
    RegistrationSource,
)
from app.nominations.regions import REGIONS
from app.nominations.services import nomination_counts, organisation_key
from app.text import normalise_email

STATUS_LABELS = {
    NominationStatus.RECEIVED: _l("Received"),
    NominationStatus.SHORTLISTED: _l("Shortlisted"),
    NominationStatus.SELECTED: _l("Selected"),
    NominationStatus.NOT_SELECTED: _l("Not selected"),
}
WAY_IN_LABELS = {
    RegistrationSource.SIGNUP: _l("Sign-up"),
    RegistrationSource.INVITATION: _l("Invitation"),
    RegistrationSource.NOMINATION: _l("Nomination"),
    RegistrationSource.ORGANISER: _l("Added by an organiser"),
}


# --- nominations ---------------------------------------------------------------------


@dataclass
class Tally:
    name: str
    nominated: int
    selected: int


def nominee_counts(event: Event) -> dict:
    """Counts for the top of the nominations page."""
    counts = nomination_counts(event)
    by_status = {status: counts["status"][status.value] for status in NominationStatus}
    return {
        "status": by_status,
        "organisations": _tallies(counts["organisation"], counts["organisation_selected"]),
        "regions": _tallies(counts["region"], counts["region_selected"]),
        "selected": by_status[NominationStatus.SELECTED],
    }


def _tallies(nominated: Counter, selected: Counter) -> list[Tally]:
    return [
        Tally(name, count, selected[name])
        for name, count in sorted(nominated.items(), key=lambda item: item[0].casefold())
    ]


def filter_choices(event: Event) -> dict[str, list[str]]:
    """What the nominations page can be filtered by: values in use come first."""
    everyone = db.session.scalars(sa.select(Candidate).where(Candidate.event_id == event.id))
    regions, themes = set(), set()
    for candidate in everyone:
        regions.add(candidate.region)
        themes.update(candidate.themes)
    organisations: dict[str, str] = {}
    for name in db.session.scalars(
        sa.select(Nomination.nominator_organisation)
        .where(Nomination.event_id == event.id)
        .order_by(Nomination.id)
    ):
        organisations.setdefault(organisation_key(name), name)
    return {
        "regions": [*REGIONS, *sorted(region for region in regions - set(REGIONS) if region)],
        "organisations": sorted(organisations.values(), key=str.casefold),
        "themes": [*event.themes, *sorted(themes - set(event.themes), key=str.casefold)],
    }


def candidate_of(event: Event, candidate_id: int) -> Candidate | None:
    candidate = db.session.get(Candidate, candidate_id)
    return candidate if candidate is not None and candidate.event_id == event.id else None


def invitation_of(candidate: Candidate) -> Invitation | None:
    return db.session.scalar(
        sa.select(Invitation).where(
            Invitation.event_id == candidate.event_id,
            Invitation.email_normalised == candidate.email_normalised,
        )
    )


# --- invitations ---------------------------------------------------------------------


def invitation_refusal(event: Event, now: datetime) -> str:
    """Why no one can be invited now, for the page; empty when they can."""
    if event.status == EventStatus.DRAFT:
        return str(_l("Publish the event first: invitations to a draft are not sent."))
    if event.status == EventStatus.CANCELLED:
        return str(_l("The event is cancelled."))
    if now >= event.starts_at:
        return str(_l("The event has already started."))
    if event.reply_by and now >= event.reply_by:
        return str(
            _l(
                "The reply-by date has passed. Set a new reply-by date in the event's "
                "settings before inviting more people."
            )
        )
    return ""


def send_time(event: Event, now: datetime, *, send_now: bool = False) -> datetime:
    """When invitations planned now go out: the workshop's set time, or now if it has passed
    (as app.invitations.services.plan_invitations decides)."""
    if send_now or event.invitations_send_at is None:
        return now
    return max(event.invitations_send_at, now)


def not_yet_invited(event: Event) -> list[Candidate]:
    """Selected nominees without an invitation: those "Invite the selected" would invite."""
    invited = sa.select(Invitation.email_normalised).where(Invitation.event_id == event.id)
    return list(
        db.session.scalars(
            sa.select(Candidate)
            .where(
                Candidate.event_id == event.id,
                Candidate.status == NominationStatus.SELECTED,
                Candidate.email_normalised.not_in(invited),
            )
            .order_by(sa.func.lower(Candidate.name), Candidate.id)
        )
    )


def already_invited(event: Event, emails: list[str]) -> int:
    """How many of these addresses have an invitation already (they are not invited twice)."""
    wanted = {normalise_email(email) for email in emails}
    invited = db.session.scalars(
        sa.select(Invitation.email_normalised).where(Invitation.event_id == event.id)
    )
    return len(wanted & set(invited))


@dataclass
class InvitationRow:
    invitation: Invitation
    status: InvitationStatus


def invitation_rows(event: Event, now: datetime) -> list[InvitationRow]:
    return [InvitationRow(item, reply_status(item, now)) for item in invitations(event)]


def invitation_counts(rows: list[InvitationRow]) -> dict[InvitationStatus, int]:
    counts = Counter(row.status for row in rows)
    return {status: counts[status] for status in InvitationStatus}


def not_selected_to_tell(event: Event) -> tuple[int, int]:
    """(nominees marked "not selected" not yet told, those told already)."""
    marked = list(
        db.session.scalars(
            sa.select(Candidate.id).where(
                Candidate.event_id == event.id,
                Candidate.status == NominationStatus.NOT_SELECTED,
            )
        )
    )
    if not marked:
        return 0, 0
    told = db.session.scalar(
        sa.select(sa.func.count(OutboundEmail.id)).where(
            OutboundEmail.kind == "not_selected", OutboundEmail.candidate_id.in_(marked)
        )
    )
    return len(marked) - told, told


# --- the attendee list: how each person came in --------------------------------------


def shows_way_in(event: Event) -> bool:
    """Attendee lists show the way in for a workshop, or once anyone came by invitation."""
    if event.participation == Participation.INVITATION:
        return True
    return (
        db.session.scalar(
            sa.select(Registration.id)
            .where(
                Registration.event_id == event.id,
                Registration.source != RegistrationSource.SIGNUP,
            )
            .limit(1)
        )
        is not None
    )


def nominating_organisations_query(event: Event, registration_ids=None) -> sa.Select:
    """(registration id, nominating organisation) in registration order: a registration made
    by accepting a nominee's invitation, with every organisation that nominated them."""
    query = (
        sa.select(Invitation.registration_id, Nomination.nominator_organisation)
        .join(Nomination, Nomination.candidate_id == Invitation.candidate_id)
        .where(Invitation.event_id == event.id, Invitation.registration_id.is_not(None))
        .order_by(Invitation.registration_id, Nomination.id)
    )
    if registration_ids is not None:
        query = query.where(Invitation.registration_id.in_(registration_ids))
    return query


@dataclass
class WayIn:
    label: str
    organisations: list[str]


def ways_in(event: Event, registrations) -> dict[int, WayIn] | None:
    """For an attendee page: each registration's way in; None when the list shows none."""
    if not shows_way_in(event):
        return None
    people = list(registrations)
    organisations: dict[int, dict[str, str]] = {}
    query = nominating_organisations_query(event, [person.id for person in people])
    for registration_id, name in db.session.execute(query):
        organisations.setdefault(registration_id, {}).setdefault(organisation_key(name), name)
    return {
        person.id: WayIn(
            str(WAY_IN_LABELS[person.source]),
            list(organisations.get(person.id, {}).values()),
        )
        for person in people
    }
