"""Signing up for an open event, managing the registration and the waiting list."""

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import sqlalchemy as sa

from app import clock, tokens
from app.bounds import later
from app.events.services import EventRow
from app.extensions import db
from app.mail.calendar import registration_calendar
from app.mail.outbox import (
    new_email,
    queue_new_emails,
    queue_registration_email,
    registration_email_key,
)
from app.mail.schedule import new_reminders
from app.models import (
    Answer,
    Event,
    EventFormat,
    EventStatus,
    OutboundEmail,
    ParticipationMode,
    Registration,
    RegistrationSource,
    RegistrationStatus,
    TokenPurpose,
)
from app.places.approval import write_pending
from app.places.services import (
    forget_seat_count,
    has_a_place,
)
from app.reports.person_region import stored_region
from app.signup.modes import writer_for
from app.signup.storage import (
    NEW_REGISTRATION,
    EventNotPublished,
    for_registration,
    write_new_registration,
)
from app.text import clean_text, normalise_email


class SignupRefused(Exception):
    """The sign-up cannot be taken; the message is for the person."""


class RegistrationClosed(SignupRefused):
    pass


class EventFull(SignupRefused):
    pass


@dataclass(frozen=True)
class SignupResult:
    registration_id: int
    # True when the person was already registered: nothing new was created.
    already_registered: bool

    @property
    def registration(self) -> Registration:
        """The registration, loaded (a new one was written without the ORM)."""
        return db.session.get(Registration, self.registration_id)


def register_for_event(
    event: Event | EventRow,
    *,
    name: str,
    email: str,
    organisation: str,
    answers: dict[int, Any],
    locale: str,
    sensitive_consent: bool = False,
    mode: ParticipationMode | None = None,
    region: str = "",
) -> SignupResult:
    """Sign up for an open event: a seat if one is free, else the waiting list; at an
    event that requires approval, a sign-up awaiting the organisers' decision."""
    if not event.registration_is_open(clock.now()):
        raise RegistrationClosed
    person = {
        "name": name,
        "email": email,
        "organisation": organisation,
        "answers": answers,
        "locale": locale,
        "sensitive_consent": sensitive_consent,
        "region": region,
    }
    if event.requires_approval:  # a column of the row: a plain event pays nothing for it
        return _ask_for_approval(event, **person, mode=mode)
    return enrol(event, **person, mode=mode, source=RegistrationSource.SIGNUP)


def enrol(
    event: Event | EventRow,
    *,
    name: str,
    email: str,
    organisation: str,
    answers: dict[int, Any],
    locale: str,
    source: RegistrationSource,
    sensitive_consent: bool = False,
    send_mail: bool = True,
    note: str = "",
    booked_together: bool = False,
    mode: ParticipationMode | None = None,
    region: str = "",
) -> SignupResult:
    """Take a seat if one is free, else a place on the waiting list; queue the email.

    sensitive_consent: sensitive questions were answered under explicit consent, whose
    moment is kept with the registration.
    send_mail: False when an organiser adding the person chose not to tell them: then no
    mail is planned at all (nor is any to a person without an address).
    note: the organisers' private note.
    booked_together: one of several registrations made at once (app.series): their one
    email is the caller's, so no status email and no "already registered" one is planned
    here; the reminders of a seat are.
    mode: at a hybrid event, the place the person chose (app.signup.modes; in person if
    None); the seat and the waiting list are that mode's.
    region: the person's wellbeing services county (app.reports.person_region), or "".

    Shared by sign-ups and accepted invitations; the caller has checked it may happen, and
    rolls back on SignupRefused. The new rows are written without the ORM's unit of work,
    which cost a third of a sign-up (app.signup.storage)."""
    person = _new_person(
        event, name, email, organisation, locale, source, sensitive_consent, region
    )
    person["note"] = clean_text(note)
    mail = _new_registration_mail if send_mail else _no_mail
    if booked_together:
        mail = _reminders_only
    # The rows are written as the event just read suggests, and the seat is taken last:
    # from its UPDATE to the commit, every other sign-up for the event waits (PostgreSQL's
    # row lock). When the seat was not as the read suggested, the status follows it.
    write, seats_left = write_new_registration, event.seats_left
    if event.format == EventFormat.HYBRID:
        write, seats_left = writer_for(event, person, mode)
    status = RegistrationStatus.WAITING if seats_left == 0 else RegistrationStatus.CONFIRMED
    answer_rows = [{"question_id": question, "value": value} for question, value in answers.items()]
    # Someone already registered is found by the unique index, where the insert does
    # nothing, rather than by a look-up that every new sign-up would pay for.
    try:
        while (
            written := write(
                event.id,
                person | {"status": status},
                answer_rows,
                mail(event, NEW_REGISTRATION, person, status),
            )
        ) is None:
            existing = find_live_registration(event, email)
            if existing is not None and booked_together:
                return SignupResult(existing.id, already_registered=True)
            if existing is not None:
                return _already_registered(existing)
            # else it was cancelled in the moment between the two: the insert goes through
    except EventNotPublished:
        raise RegistrationClosed from None  # cancelled since the event was read
    forget_seat_count(event)
    if not written.seated and not event.waiting_list:
        raise EventFull  # the caller rolls back what was written above
    if written.seated != (status == RegistrationStatus.CONFIRMED):
        status = RegistrationStatus.CONFIRMED if written.seated else RegistrationStatus.WAITING
        _change_new_registration_status(event, written.registration_id, person, status, mail)
    return SignupResult(written.registration_id, already_registered=False)


def _ask_for_approval(event, *, answers, mode=None, **given) -> SignupResult:
    """An event that requires approval: the sign-up waits for the organisers' decision
    (app.places.approval), taking no place; the person is told so. mode: at a hybrid
    event, the place asked for, taken in that mode when approved."""
    person = _new_person(event, source=RegistrationSource.SIGNUP, **given)
    if mode is not None:
        person["mode"] = mode
    pending = (event, NEW_REGISTRATION, person, RegistrationStatus.PENDING)
    answer_rows = [{"question_id": question, "value": value} for question, value in answers.items()]
    try:
        while (
            registration_id := write_pending(
                event.id, person, answer_rows, _new_registration_mail(*pending)
            )
        ) is None:
            existing = find_live_registration(event, person["email"])
            if existing is not None:
                return _already_registered(existing)
    except EventNotPublished:
        raise RegistrationClosed from None
    return SignupResult(registration_id, already_registered=False)


def _new_person(
    event, name, email, organisation, locale, source, sensitive_consent, region=""
) -> dict:
    """A new registration's values, all of them: they are written without the ORM."""
    now = clock.now()
    return {
        "event_id": event.id,
        "name": clean_text(name),
        "email": clean_text(email),
        "email_normalised": normalise_email(email),
        "organisation": clean_text(organisation),
        "region": stored_region(region),
        "locale": locale,
        "source": source,
        "consent_at": now,
        "sensitive_consent_at": now if sensitive_consent else None,
        "created_at": now,
        "updated_at": now,
        "sequence": 0,
    }


def _change_new_registration_status(event, registration_id, person, status, mail) -> None:
    """The seat was not as the event read before suggested: the status and the planned
    mail of the registration just written change with it."""
    db.session.execute(_SET_STATUS, {"registration_id": registration_id, "status": status})
    db.session.execute(_FORGET_MAIL, {"registration_id": registration_id})
    emails = mail(event, NEW_REGISTRATION, person, status)
    queue_new_emails(for_registration(emails, registration_id))


def _no_mail(event, registration_id, person, status) -> list[dict]:
    return []


def _reminders_only(event, registration_id, person, status) -> list[dict]:
    """The reminders when the person has a seat: what each registration plans for itself."""
    if not person["email"] or status != RegistrationStatus.CONFIRMED:
        return []
    return new_reminders(event, registration_id, person["email"], person["locale"])


def _new_registration_mail(event, registration_id, person, status) -> list[dict]:
    """The status email, and the reminders when the person has a seat."""
    emails = _reminders_only(event, registration_id, person, status)
    if not person["email"]:
        return emails
    kind = f"registration_{status.value}"
    emails.append(
        new_email(
            kind,
            recipient=person["email"],
            locale=person["locale"],
            dedupe_key=registration_email_key(kind, registration_id),
            event_id=event.id,
            registration_id=registration_id,
        )
    )
    return emails


def _already_registered(registration: Registration) -> SignupResult:
    tell_already_registered(registration)
    return SignupResult(registration.id, already_registered=True)


def tell_already_registered(registration: Registration) -> None:
    """Mail the address that it is registered already (the form's page does not say so to
    whoever typed it). One an hour at most, so a form cannot flood someone's inbox."""
    hour = clock.now().strftime("%Y%m%d%H")
    queue_registration_email("already_registered", registration, key=hour)


# Built once, on the tables rather than the models: on a sign-up, building a statement
# cost as much as running it, and the ORM's handling of one twice as much again.
_LIVE_REGISTRATION = sa.select(Registration).where(
    Registration.event_id == sa.bindparam("event_id"),
    Registration.email_normalised == sa.bindparam("email"),
    Registration.status != RegistrationStatus.CANCELLED,
)
_REGISTRATIONS = Registration.__table__
_SET_STATUS = (
    sa.update(_REGISTRATIONS)
    .where(_REGISTRATIONS.c.id == sa.bindparam("registration_id"))
    .values(status=sa.bindparam("status"))
)
_FORGET_MAIL = sa.delete(OutboundEmail.__table__).where(
    OutboundEmail.__table__.c.registration_id == sa.bindparam("registration_id")
)


def find_live_registration(event: Event | EventRow, email: str) -> Registration | None:
    return db.session.scalar(
        _LIVE_REGISTRATION, {"event_id": event.id, "email": normalise_email(email)}
    )


def can_change(registration: Registration, at) -> bool:
    """Answers can be changed and a place cancelled until the event ends; a sign-up the
    organisers declined is over."""
    event = registration.event
    return (
        registration.status not in (RegistrationStatus.CANCELLED, RegistrationStatus.DECLINED)
        and event.status == EventStatus.PUBLISHED
        and at < event.ends_at
    )


def can_edit_details(registration: Registration, at) -> bool:
    """A sign-up waiting for approval can only be cancelled until it is decided."""
    return can_change(registration, at) and registration.status != RegistrationStatus.PENDING


def update_registration(
    registration: Registration,
    *,
    name: str,
    organisation: str,
    answers: dict[int, Any],
    sensitive_consent: bool = False,
    region: str | None = None,
) -> None:
    """The person's corrections through the manage link (the email address stays).

    sensitive_consent: sensitive answers remain, under explicit consent. The moment it
    was first given is kept while they do; without them there is none to keep.
    region: their county (app.reports.person_region); None when the form did not ask it."""
    registration.name = clean_text(name)
    registration.organisation = clean_text(organisation)
    if region is not None:
        registration.region = stored_region(region)
    _store_answers(registration, answers)
    registration.updated_at = clock.now()
    if not sensitive_consent:
        registration.sensitive_consent_at = None
    elif registration.sensitive_consent_at is None:
        registration.sensitive_consent_at = clock.now()


def _store_answers(registration: Registration, answers: dict[int, Any]) -> None:
    current = {answer.question_id: answer for answer in registration.answers}
    for question_id, value in answers.items():
        if question_id in current:
            current[question_id].value = value
        else:
            registration.answers.append(Answer(question_id=question_id, value=value))


def manage_token_expiry(event: Event):
    days = event.retention_days or 90
    return later(event.ends_at, timedelta(days=days))


def calendar_for(
    registration: Registration, *, event_url: str, with_join_link: bool
) -> bytes | None:
    """The .ics of the person's place, as their confirmation email carries it (the same
    UID, so a calendar keeps one entry); None without a place."""
    if not has_a_place(registration):
        return None
    return registration_calendar(
        registration, cancel=False, event_url=event_url, with_join_link=with_join_link
    )


def issue_manage_link_token(registration: Registration) -> str:
    return tokens.issue_token(
        TokenPurpose.MANAGE,
        registration=registration,
        expires_at=manage_token_expiry(registration.event),
    )


def registration_for_manage_token(raw: str) -> Registration | None:
    token = tokens.find_valid_token(raw, TokenPurpose.MANAGE)
    return token.registration if token else None
