"""Retention: some days after an event, the personal data of its people is erased.

What is kept: the event, its questions and the organisers' messages, and per person only
what counts need (status, way in, dates). Names, addresses, organisations, answers, notes,
tokens and the emails sent are gone, for registrations, nominations and invitations alike.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    Answer,
    Candidate,
    Event,
    Invitation,
    Nomination,
    OutboundEmail,
    Registration,
    Token,
)


@dataclass
class Erased:
    """What the purge of one event erased (or, in a dry run, would erase)."""

    event: Event
    registrations: int
    candidates: int
    nominations: int
    invitations: int
    emails: int

    @property
    def kept_until(self) -> datetime:
        return erase_after(self.event)


def erase_after(event: Event) -> datetime:
    return event.ends_at + timedelta(days=event.retention_days)


def events_past_retention(now: datetime) -> list[Event]:
    ended = db.session.scalars(
        sa.select(Event)
        .where(Event.purged_at.is_(None), Event.ends_at <= now)
        .order_by(Event.ends_at, Event.id)
    )
    return [event for event in ended if erase_after(event) <= now]


def purge_expired(now: datetime, *, dry_run: bool = False) -> list[Erased]:
    """Erase the personal data of every event past its retention time (in the caller's
    transaction); `dry_run` only counts what would go."""
    report = []
    for event in events_past_retention(now):
        report.append(_count(event))
        if not dry_run:
            _erase(event, now)
    return report


def _count(event: Event) -> Erased:
    def count(model) -> int:
        query = sa.select(sa.func.count()).select_from(model).where(model.event_id == event.id)
        return db.session.scalar(query) or 0

    return Erased(
        event=event,
        registrations=count(Registration),
        candidates=count(Candidate),
        nominations=count(Nomination),
        invitations=count(Invitation),
        emails=count(OutboundEmail),
    )


def _erased_address(model):
    """Unique per row, so unique indexes on addresses still hold; says what happened."""
    return sa.literal("erased-") + sa.cast(model.id, sa.String)


def _erase(event: Event, now: datetime) -> None:
    people = sa.select(Registration.id).where(Registration.event_id == event.id)
    invited = sa.select(Invitation.id).where(Invitation.event_id == event.id)
    db.session.execute(
        sa.delete(Token).where(
            sa.or_(Token.registration_id.in_(people), Token.invitation_id.in_(invited))
        )
    )
    db.session.execute(sa.delete(Answer).where(Answer.registration_id.in_(people)))
    db.session.execute(sa.delete(OutboundEmail).where(OutboundEmail.event_id == event.id))
    for model, blanks in _PERSONAL_FIELDS.items():
        values = {name: "" for name in blanks}
        if hasattr(model, "email_normalised"):
            values["email_normalised"] = _erased_address(model)
        if model is Candidate:
            values["themes"] = []
        db.session.execute(
            sa.update(model).where(model.event_id == event.id).values(**values),
            execution_options={"synchronize_session": False},
        )
    event.purged_at = now
    db.session.flush()
    db.session.expire_all()


_PERSONAL_FIELDS = {
    Registration: ("name", "email", "organisation"),
    Candidate: ("name", "email", "organisation", "role", "region", "notes"),
    Nomination: (
        "nominator_name",
        "nominator_email",
        "nominator_organisation",
        "organisation_key",
        "justification",
    ),
    Invitation: ("name", "email", "organisation", "decline_reason"),
}
