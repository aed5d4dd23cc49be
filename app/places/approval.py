"""Approval: at an event that requires it, a sign-up asks for a place and an organiser
decides.

A sign-up is written pending (no seat taken, the person told it waits for a decision).
Approving takes a seat as any sign-up does (TAKE_SEAT, the one atomic conditional UPDATE),
else a place on the waiting list, else (no waiting list) it is refused and the person
stays pending: never over the capacity. Declining gives no place. Each decision is one
transaction: the event's row locked first, then the people's, in id order (first come,
first served), and each person's one email written to the outbox with it.

Invitations accepted (app.invitations) and people an organiser adds (app.attendees) are
already the organisers' choice: they take a place directly, without approval."""

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from app.attendees.changes_services import _lock_published, _locked_people
from app.database import insert_rows
from app.extensions import db
from app.mail.outbox import new_email, queue_new_emails, registration_email_key
from app.mail.schedule import new_reminders
from app.models import (
    LIVE_ADDRESS,
    Answer,
    Event,
    EventStatus,
    Registration,
    RegistrationStatus,
)
from app.places.services import take_seat_in
from app.signup.storage import EventNotPublished, for_registration

# The sign-up's own status email (app.signup.services: registration_<status>).
PENDING_MAIL = f"registration_{RegistrationStatus.PENDING.value}"
APPROVED_MAIL = "registration_approved"
DECLINED_MAIL = "registration_declined"
# The organiser's message to the people decided on, in their email.
MESSAGE_MAX = 2000
# As many as one decision takes (and the page lists) at once.
MOST_AT_ONCE = 500

_EVENTS = Event.__table__
_REGISTRATIONS = Registration.__table__


@dataclass
class Decided:
    """Whose registration the decision changed (ids), by outcome."""

    confirmed: list[int] = field(default_factory=list)
    waiting: list[int] = field(default_factory=list)
    declined: list[int] = field(default_factory=list)
    # Not approved: every place taken and no waiting list; they stay pending.
    full: list[int] = field(default_factory=list)
    # Decided already by someone else (or cancelled) meanwhile: nothing changed.
    unchanged: list[int] = field(default_factory=list)


def write_pending(event_id: int, person: dict, answers: list[dict], emails: list[dict]):
    """A sign-up that waits for approval: its row (status pending), answers and planned
    mail, and no seat. person, answers and emails as app.signup.storage takes them. The
    registration's id, or None when the person is already registered (nothing written).

    Raises EventNotPublished: the event's status is read holding what its cancellation
    waits for (SQLite's write lock; on PostgreSQL the row FOR KEY SHARE), as a sign-up's is."""
    postgres = db.session.get_bind().dialect.name == "postgresql"
    if db.session.scalar(_STATUS[postgres], {"event_id": event_id}) != EventStatus.PUBLISHED:
        raise EventNotPublished
    written = person | {"status": RegistrationStatus.PENDING}
    registration_id = db.session.scalar(_INSERT[postgres], written)
    if registration_id is None:
        return None
    rows = [answer | {"registration_id": registration_id} for answer in answers]
    insert_rows(Answer.__table__, rows)
    queue_new_emails(for_registration(emails, registration_id))
    return registration_id


_STATUS = {
    False: sa.select(_EVENTS.c.status).where(_EVENTS.c.id == sa.bindparam("event_id")),
    True: sa.select(_EVENTS.c.status)
    .where(_EVENTS.c.id == sa.bindparam("event_id"))
    .with_for_update(key_share=True),
}
_INSERT = {
    postgres: dialect.insert(_REGISTRATIONS)
    .on_conflict_do_nothing(
        index_elements=["event_id", "email_normalised"], index_where=sa.text(LIVE_ADDRESS)
    )
    .returning(_REGISTRATIONS.c.id)
    for postgres, dialect in ((False, sqlite), (True, postgresql))
}


def approve(event: Event, ids: list[int], *, message: str = "") -> Decided:
    """Give each chosen pending person a place, in id order: a seat while one is free,
    then the waiting list; without one, they stay pending (Decided.full). Each approved
    person is emailed (with the message), those with a seat reminded too.
    Raises app.attendees.changes_services.EventCancelled."""
    _lock_published(event)
    decided = Decided()
    emails = []
    for person in _pending(event, ids, decided):
        if take_seat_in(event, person.mode):  # at a hybrid event, the mode asked for
            person.status = RegistrationStatus.CONFIRMED
            decided.confirmed.append(person.id)
            emails += new_reminders(event, person.id, person.email, person.locale)
        elif event.waiting_list:
            person.status = RegistrationStatus.WAITING
            decided.waiting.append(person.id)
        else:
            decided.full.append(person.id)
            continue
        emails.append(_decision_mail(APPROVED_MAIL, person, message))
    _write(emails)
    return decided


def decline(event: Event, ids: list[int], *, message: str = "") -> Decided:
    """The chosen pending people are not approved: no place, each told kindly (with the
    message). Raises app.attendees.changes_services.EventCancelled."""
    _lock_published(event)
    decided = Decided()
    emails = []
    for person in _pending(event, ids, decided):
        person.status = RegistrationStatus.DECLINED
        decided.declined.append(person.id)
        emails.append(_decision_mail(DECLINED_MAIL, person, message))
    _write(emails)
    return decided


def _pending(event: Event, ids: list[int], decided: Decided) -> list[Registration]:
    """The chosen people, locked and read as committed, in id order; those no longer
    pending are noted as unchanged and left out."""
    people = _locked_people(event, sorted(set(ids))[:MOST_AT_ONCE])
    pending = [person for person in people if person.status == RegistrationStatus.PENDING]
    decided.unchanged += [person.id for person in people if person not in pending]
    for person in pending:
        person.sequence += 1
    return pending


def _decision_mail(kind: str, person: Registration, message: str) -> dict:
    return new_email(
        kind,
        recipient=person.email,
        locale=person.locale,
        dedupe_key=registration_email_key(kind, person.id, person.sequence),
        event_id=person.event_id,
        registration_id=person.id,
        payload={"message": message} if message else {},
    )


def _write(emails: list[dict]) -> None:
    """The people's changes, then all their mail in a few statements (no look-ups: every
    key is new, made with the decision's own sequence number)."""
    db.session.flush()
    for start in range(0, len(emails), 200):
        queue_new_emails(emails[start : start + 200])


def pending_people(event: Event) -> list[Registration]:
    """Those waiting for a decision, first come first, with their answers."""
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus.PENDING,
            )
            .options(sa.orm.selectinload(Registration.answers))
            .order_by(Registration.id)
            .limit(MOST_AT_ONCE)
        )
    )


def pending_count(event: Event) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.PENDING,
        )
    )
