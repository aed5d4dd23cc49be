"""An organiser adding a person (someone who phoned), editing their details, and the
organisers' private note. A person added goes through the sign-up's own path (enrol), so
places, the waiting list and mail follow the same rules; only the registration window does
not apply."""

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.mail.outbox import queue_registration_email
from app.mail.schedule import plan_reminders
from app.models import (
    EmailStatus,
    Event,
    EventStatus,
    OutboundEmail,
    ParticipationMode,
    Registration,
    RegistrationSource,
    RegistrationStatus,
)
from app.places.services import waiting_position
from app.signup.services import (
    EventFull,
    RegistrationClosed,
    enrol,
    find_live_registration,
    update_registration,
)
from app.text import clean_text, normalise_email


class PersonRefused(Exception):
    """Nothing was written; the view says why."""


class EventNotOpen(PersonRefused):
    """Cancelled, or not yet published: no one can be added."""


class NoPlaces(PersonRefused):
    """Every place is taken and the event has no waiting list."""


class AlreadyRegistered(PersonRefused):
    """Someone with this address is registered for the event already."""

    def __init__(self, registration_id: int):
        super().__init__(registration_id)
        self.registration_id = registration_id


@dataclass(frozen=True)
class PersonDetails:
    name: str
    email: str
    organisation: str
    locale: str
    answers: dict[int, Any]
    sensitive_consent: bool = False
    # A hybrid event's mode, when adding (app.places.modes); an edit leaves it as it is.
    mode: ParticipationMode | None = None
    # Their wellbeing services county, when the event asks it (app.reports.person_region).
    region: str = ""


@dataclass(frozen=True)
class Added:
    registration_id: int
    status: RegistrationStatus
    # On the waiting list: the person's place in the queue.
    position: int | None


def add_person(event: Event, person: PersonDetails, *, note: str, send_mail: bool) -> Added:
    """A person added by an organiser: a place if one is free, else the waiting list.
    send_mail: plan their confirmation (and reminders); nothing when they have no address.
    The caller rolls back on PersonRefused."""
    if event.status != EventStatus.PUBLISHED:
        raise EventNotOpen
    _refuse_a_taken_address(event, person.email)
    try:
        result = enrol(
            event,
            name=person.name,
            email=person.email,
            organisation=person.organisation,
            answers=person.answers,
            locale=person.locale,
            source=RegistrationSource.ORGANISER,
            sensitive_consent=person.sensitive_consent,
            send_mail=send_mail and bool(person.email),
            note=note,
            mode=person.mode,
            region=person.region,
        )
    except EventFull:
        raise NoPlaces from None
    except RegistrationClosed:  # cancelled since it was read
        raise EventNotOpen from None
    if result.already_registered:  # signed up themselves a moment ago
        raise AlreadyRegistered(result.registration_id)
    registration = result.registration
    return Added(registration.id, registration.status, waiting_position(registration))


def edit_person(registration: Registration, person: PersonDetails, *, tell: bool) -> None:
    """An organiser's corrections. A new address takes over the mail still to be sent (a
    first address gets the reminders of a place); the manage link stays the same.
    tell: email the person their updated details. Raises AlreadyRegistered."""
    new_address = normalise_email(person.email) != registration.email_normalised
    had_address = bool(registration.email)
    if new_address:
        _refuse_a_taken_address(registration.event, person.email, registration)
        registration.email = clean_text(person.email)
        registration.email_normalised = normalise_email(person.email)
    registration.locale = person.locale
    update_registration(
        registration,
        name=person.name,
        organisation=person.organisation,
        answers=person.answers,
        sensitive_consent=person.sensitive_consent,
        # Without the question the form had no select: the county stays as it was.
        region=person.region if registration.event.asks_region else None,
    )
    _flush_unless_taken(registration)
    _readdress_pending_mail(registration)
    if new_address and not had_address and registration.status == RegistrationStatus.CONFIRMED:
        plan_reminders(registration)
    if tell and registration.status != RegistrationStatus.CANCELLED:
        # A key of its own per change: each update may be told.
        key = clock.now().strftime("%Y%m%d%H%M%S%f")
        queue_registration_email("registration_updated", registration, key=key)


def change_note(registration: Registration, note: str) -> None:
    registration.note = clean_text(note)


def find_person(event: Event, registration_id: int) -> Registration | None:
    return db.session.scalar(
        sa.select(Registration).where(
            Registration.id == registration_id, Registration.event_id == event.id
        )
    )


def _refuse_a_taken_address(
    event: Event, email: str, registration: Registration | None = None
) -> None:
    if not email.strip():
        return
    existing = find_live_registration(event, email)
    if existing is not None and existing is not registration:
        raise AlreadyRegistered(existing.id)


def _flush_unless_taken(registration: Registration) -> None:
    """The unique index decides when two organisers give the same address at once."""
    try:
        with db.session.begin_nested():
            db.session.flush()
    except IntegrityError:
        other = find_live_registration(registration.event, registration.email)
        raise AlreadyRegistered(other.id if other else registration.id) from None


def _readdress_pending_mail(registration: Registration) -> None:
    """Mail still to be sent goes to the address and in the language now given; none is
    sent when the address was removed."""
    pending = sa.update(OutboundEmail).where(
        OutboundEmail.registration_id == registration.id,
        OutboundEmail.status == EmailStatus.PENDING,
    )
    if registration.email:
        db.session.execute(
            pending.values(
                recipient=registration.email,
                recipient_normalised=registration.email_normalised,
                locale=registration.locale,
            )
        )
    else:
        db.session.execute(
            pending.values(status=EmailStatus.SKIPPED, last_error="no address: removed")
        )
