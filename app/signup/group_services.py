"""Signing up a group: the contact person, then the members they add, each a registration
of their own, with the group's places taken at once (app.places.groups).

Not the fast path of app.signup.services: only an event that takes groups comes here
(app.places.groups.takes_groups), and it is written through the ORM, in one transaction
with its mail."""

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.mail.outbox import queue_registration_email
from app.mail.schedule import plan_reminders
from app.models import (
    Answer,
    Event,
    EventStatus,
    Registration,
    RegistrationSource,
    RegistrationStatus,
)
from app.places.groups import members_of, places_left, take_group_places
from app.places.services import lock_event, waiting_position
from app.reports.person_region import stored_region
from app.signup.services import EventFull, RegistrationClosed, SignupRefused
from app.text import clean_text, normalise_email

# The contact person's one email: the group, each person with their status.
GROUP_MAIL = "group_registered"


@dataclass(frozen=True)
class GroupPerson:
    name: str
    email: str = ""
    organisation: str = ""
    answers: dict[int, Any] = field(default_factory=dict)


class GroupDoesNotFit(SignupRefused):
    """No waiting list, and fewer places left than people in the group: none is taken."""

    def __init__(self, places: int):
        super().__init__(places)
        self.places = places


class AlreadyRegistered(SignupRefused):
    """Someone in the group has a registration for the event already (normalised
    addresses; empty when it happened at the same moment and is not known which)."""

    def __init__(self, addresses: set[str]):
        super().__init__(addresses)
        self.addresses = addresses


def register_group(
    event: Event,
    contact: GroupPerson,
    members: list[GroupPerson],
    *,
    locale: str,
    sensitive_consent: bool = False,
    region: str = "",
) -> Registration:
    """The contact person's registration; the members' point to it. The caller commits,
    or rolls back on SignupRefused. region: the whole group's wellbeing services county
    (app.reports.person_region), as the contact person chose it."""
    if not event.registration_is_open(clock.now()):
        raise RegistrationClosed
    lock_event(event)  # the event first, then people (app.places.services)
    db.session.refresh(event, ["status"])
    if event.status != EventStatus.PUBLISHED:
        raise RegistrationClosed
    people = [contact, *members]
    _refuse_registered(event, people)
    seats = take_group_places(event, len(people))
    if seats < len(people) and not event.waiting_list:
        left = places_left(event) if seats == 0 else seats
        raise EventFull if not left else GroupDoesNotFit(left)
    registrations = _write(event, people, seats, locale, sensitive_consent, region)
    _queue_mail(registrations)
    return registrations[0]


def _refuse_registered(event: Event, people: list[GroupPerson]) -> None:
    addresses = {normalise_email(person.email) for person in people if person.email}
    if not addresses:
        return
    taken = db.session.scalars(
        sa.select(Registration.email_normalised).where(
            Registration.event_id == event.id,
            Registration.email_normalised.in_(addresses),
            Registration.status != RegistrationStatus.CANCELLED,
        )
    ).all()
    if taken:
        raise AlreadyRegistered(set(taken))


def _write(event, people, seats, locale, sensitive_consent, region) -> list[Registration]:
    now = clock.now()
    registrations = []
    for number, person in enumerate(people):
        registration = Registration(
            event=event,
            name=clean_text(person.name),
            email=clean_text(person.email),
            email_normalised=normalise_email(person.email),
            organisation=clean_text(person.organisation),
            region=stored_region(region),
            locale=locale,
            status=RegistrationStatus.CONFIRMED if number < seats else RegistrationStatus.WAITING,
            source=RegistrationSource.SIGNUP,
            consent_at=now,
            sensitive_consent_at=now if sensitive_consent else None,
            group_lead_id=registrations[0].id if registrations else None,
            answers=[Answer(question_id=q, value=v) for q, v in person.answers.items()],
        )
        db.session.add(registration)
        try:
            with db.session.begin_nested():
                db.session.flush()
        except IntegrityError:  # the same address signed up at this very moment
            raise AlreadyRegistered(set()) from None
        registrations.append(registration)
    return registrations


def _queue_mail(registrations: list[Registration]) -> None:
    """One email each: the contact person's lists the group; a member with an address gets
    their own confirmation with their own manage link; reminders for those with a place."""
    contact, *members = registrations
    queue_registration_email(GROUP_MAIL if members else _status_mail(contact), contact)
    for member in members:
        queue_registration_email(_status_mail(member), member)
    for registration in registrations:
        if registration.status == RegistrationStatus.CONFIRMED and registration.email:
            plan_reminders(registration)


def _status_mail(registration: Registration) -> str:
    return f"registration_{registration.status.value}"


def group_mail_context(contact: Registration) -> dict:
    """The contact person's email: each person of the group with their status at send time."""
    people = [contact, *members_of(contact)]
    return {
        "group": [
            {"person": person, "position": waiting_position(person)}
            for person in people
            if person.status != RegistrationStatus.CANCELLED
        ]
    }
