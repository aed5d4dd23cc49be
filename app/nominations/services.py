"""Nominating people for a workshop, and the organisers' review of the nominees."""

from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import clock
from app.extensions import db
from app.mail.outbox import queue_email
from app.models import (
    Candidate,
    Event,
    Nomination,
    NominationStatus,
)
from app.text import clean_text, normalise_email


class NominationRefused(Exception):
    """The nominations cannot be taken; `field` says where the person should look."""

    field: str = ""


class NominationsClosed(NominationRefused):
    pass


class DuplicateNominee(NominationRefused):
    def __init__(self, index: int):
        super().__init__(index)
        self.index = index


class SelfNomination(NominationRefused):
    def __init__(self, index: int):
        super().__init__(index)
        self.index = index


class TooManyFromOrganisation(NominationRefused):
    def __init__(self, limit: int, already: int):
        super().__init__(limit, already)
        self.limit = limit
        self.already = already


@dataclass
class NomineeDetails:
    name: str
    email: str
    organisation: str = ""
    role: str = ""
    region: str = ""
    themes: list[str] = field(default_factory=list)
    justification: str = ""


def organisation_key(organisation: str) -> str:
    return " ".join(clean_text(organisation).casefold().split())


def submit_nominations(
    event: Event,
    *,
    nominator_name: str,
    nominator_email: str,
    nominator_organisation: str,
    nominees: list[NomineeDetails],
    locale: str,
) -> list[Nomination]:
    """Record one nominator's proposals; the same person nominated again is one candidate."""
    if not event.nominations_are_open(clock.now()):
        raise NominationsClosed
    # One submission at a time per workshop, so two people of one organisation cannot both
    # pass the per-organisation limit at the same moment (NO KEY UPDATE, as for seats).
    db.session.execute(
        sa.select(Event.id).where(Event.id == event.id).with_for_update(key_share=True)
    )
    _check_submission(event, nominator_email, nominator_organisation, nominees)
    made = []
    for details in nominees:
        candidate = _candidate_for(event, details, locale)
        nomination = Nomination(
            event_id=event.id,
            candidate=candidate,
            nominator_name=clean_text(nominator_name),
            nominator_email=clean_text(nominator_email),
            nominator_organisation=clean_text(nominator_organisation),
            organisation_key=organisation_key(nominator_organisation),
            justification=clean_text(details.justification),
            locale=locale,
        )
        db.session.add(nomination)
        made.append(nomination)
    db.session.flush()
    _tell_about_nominations(event, made)
    return made


def _check_submission(event, nominator_email, nominator_organisation, nominees) -> None:
    seen = set()
    for index, details in enumerate(nominees):
        address = normalise_email(details.email)
        if address in seen:
            raise DuplicateNominee(index)
        seen.add(address)
        if address == normalise_email(nominator_email) and not event.self_nomination:
            raise SelfNomination(index)
    limit = event.nominees_per_organisation
    if limit:
        already = _nominated_by_organisation(event, nominator_organisation)
        new = seen - already
        if len(already) + len(new) > limit:
            raise TooManyFromOrganisation(limit, len(already))


def _nominated_by_organisation(event: Event, organisation: str) -> set[str]:
    return set(
        db.session.scalars(
            sa.select(Candidate.email_normalised)
            .join(Nomination)
            .where(
                Nomination.event_id == event.id,
                Nomination.organisation_key == organisation_key(organisation),
            )
        )
    )


def _candidate_for(event: Event, details: NomineeDetails, locale: str) -> Candidate:
    address = normalise_email(details.email)
    query = sa.select(Candidate).where(
        Candidate.event_id == event.id, Candidate.email_normalised == address
    )
    candidate = db.session.scalar(query)
    if candidate is None:
        candidate = Candidate(
            event_id=event.id,
            name=clean_text(details.name),
            email=clean_text(details.email),
            email_normalised=address,
            organisation=clean_text(details.organisation),
            role=clean_text(details.role),
            region=details.region,
            themes=list(details.themes),
            locale=locale,
        )
        try:
            with db.session.begin_nested():
                db.session.add(candidate)
        except IntegrityError:  # nominated by someone else at this very moment
            candidate = db.session.scalar(query)
    else:
        # Another nominator may know of more themes; keep every one, in the list's order.
        candidate.themes = list(dict.fromkeys([*candidate.themes, *details.themes]))
    return candidate


def nominee_informed_key(nomination_id: int) -> str:
    """The nominee's mail about one nomination, which names its nominator."""
    return f"nominee_informed:{nomination_id}"


def _tell_about_nominations(event: Event, nominations: list[Nomination]) -> None:
    """The nominator gets a list of whom they proposed; each nominee is told (GDPR art. 14)."""
    first = nominations[0]
    queue_email(
        "nomination_received",
        recipient=first.nominator_email,
        locale=first.locale,
        dedupe_key=f"nomination_received:{first.id}",
        event=event,
        payload={
            "nominator": first.nominator_name,
            "nominees": [n.candidate.name for n in nominations],
        },
    )
    for nomination in nominations:
        candidate = nomination.candidate
        queue_email(
            "nominee_informed",
            recipient=candidate.email,
            locale=candidate.locale,
            dedupe_key=nominee_informed_key(nomination.id),
            event=event,
            candidate=candidate,
            payload={
                "nominator": nomination.nominator_name,
                "organisation": nomination.nominator_organisation,
            },
        )


# --- the organisers' review ----------------------------------------------------------


def candidates(
    event: Event, *, region: str = "", organisation: str = "", theme: str = "", status: str = ""
) -> list[Candidate]:
    query = (
        sa.select(Candidate)
        .where(Candidate.event_id == event.id)
        .options(selectinload(Candidate.nominations))
        .order_by(sa.func.lower(Candidate.name), Candidate.id)
    )
    if region:
        query = query.where(Candidate.region == region)
    if status in {member.value for member in NominationStatus}:
        query = query.where(Candidate.status == NominationStatus(status))
    if organisation:
        query = query.where(
            Candidate.nominations.any(Nomination.organisation_key == organisation_key(organisation))
        )
    found = list(db.session.scalars(query))
    if theme:  # themes are a JSON list: filtered here, the same on both databases
        found = [candidate for candidate in found if theme in candidate.themes]
    return found


def set_status(event: Event, candidate_ids: list[int], status: NominationStatus) -> int:
    changed = db.session.execute(
        sa.update(Candidate)
        .where(Candidate.event_id == event.id, Candidate.id.in_(candidate_ids))
        .values(status=status, updated_at=clock.now())
        .execution_options(synchronize_session="fetch")
    )
    return changed.rowcount


def save_notes(candidate: Candidate, notes: str) -> None:
    candidate.notes = notes.strip()


def nomination_counts(event: Event) -> dict[str, Counter]:
    """Candidates per nominating organisation and per region, with how many are selected.

    Organisations are matched as the limit matches them (case-insensitively) and named as
    first written."""
    everyone = candidates(event)
    names: dict[str, str] = {}
    for nomination in sorted((n for c in everyone for n in c.nominations), key=lambda n: n.id):
        names.setdefault(nomination.organisation_key, nomination.nominator_organisation)
    by_organisation: Counter = Counter()
    selected_by_organisation: Counter = Counter()
    for candidate in everyone:
        organisations = {names[n.organisation_key] for n in candidate.nominations}
        for name in organisations:
            by_organisation[name] += 1
            if candidate.status == NominationStatus.SELECTED:
                selected_by_organisation[name] += 1
    by_region = Counter(candidate.region or "" for candidate in everyone)
    selected_by_region = Counter(
        candidate.region or ""
        for candidate in everyone
        if candidate.status == NominationStatus.SELECTED
    )
    return {
        "organisation": by_organisation,
        "organisation_selected": selected_by_organisation,
        "region": by_region,
        "region_selected": selected_by_region,
        "status": Counter(candidate.status.value for candidate in everyone),
    }


def send_not_selected(event: Event) -> int:
    """A polite "not selected this time" to each nominee not chosen; once per person."""
    told = 0
    for candidate in candidates(event, status=NominationStatus.NOT_SELECTED.value):
        email = queue_email(
            "not_selected",
            recipient=candidate.email,
            locale=candidate.locale,
            dedupe_key=f"not_selected:{candidate.id}",
            event=event,
            candidate=candidate,
        )
        told += email is not None
    return told
