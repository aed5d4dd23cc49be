"""Invitations: planned for selected nominees or a pasted list, sent at a set time closer
to the date, answered by accept or decline links."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from email_validator import EmailNotValidError
from flask_babel import lazy_gettext as _l

from app import clock, tokens
from app.bounds import later
from app.extensions import db
from app.mail.outbox import queue_email
from app.models import (
    Candidate,
    EmailStatus,
    Event,
    EventStatus,
    Invitation,
    InvitationStatus,
    NominationStatus,
    OutboundEmail,
    RegistrationSource,
    TokenPurpose,
)
from app.reports.person_region import nominee_region
from app.signup.services import RegistrationClosed, SignupResult, enrol
from app.text import (
    LettersMailCannotCarry,
    check_email,
    clean_text,
    has_control_characters,
    normalise_email,
)
from app.uploads import read_table

MAX_LIST_ROWS = 2000


class InvitationRefused(Exception):
    """The reply cannot be taken; the page says why."""


class ReplyTooLate(InvitationRefused):
    pass


class AlreadyReplied(InvitationRefused):
    pass


class EventOver(InvitationRefused):
    pass


@dataclass
class Invitee:
    name: str
    email: str
    organisation: str = ""
    # Their language when the list gave one (fi, sv, en); else the one chosen for the list.
    locale: str = ""
    # A contact list's member (app.lists), whose mail carries the link to leave the list.
    list_member_id: int | None = None


# What a list's language column may say, in the three languages, for fi, sv and en.
LANGUAGE_WORDS = {
    "fi": "fi",
    "suomi": "fi",
    "finska": "fi",
    "finnish": "fi",
    "sv": "sv",
    "ruotsi": "sv",
    "svenska": "sv",
    "swedish": "sv",
    "en": "en",
    "englanti": "en",
    "engelska": "en",
    "english": "en",
}


@dataclass
class ListProblem:
    line: int
    message: str


# --- planning ------------------------------------------------------------------------


def plan_invitations(
    event: Event,
    invitees: list[tuple[Invitee, Candidate | None]],
    *,
    send_at: datetime | None,
    locale: str | None = None,
    invited: set[str] | None = None,
) -> list[Invitation]:
    """One invitation per person not yet invited, sent at `send_at` (or the event's set
    time, or now), with a reminder before the reply-by date to those who have not replied.
    A nominee's mail is in their nominator's language; others' in their own when the list
    gave one, else in `locale`, else the event's. invited: invited_addresses(event), when
    the caller has read it already."""
    when = send_at or event.invitations_send_at or clock.now()
    when = max(when, clock.now())
    invited = set(invited_addresses(event) if invited is None else invited)
    planned = []
    for person, candidate in invitees:
        address = normalise_email(person.email)
        if address in invited:
            continue
        invited.add(address)
        invitation = Invitation(
            event_id=event.id,
            candidate=candidate,
            name=clean_text(person.name),
            email=clean_text(person.email),
            email_normalised=address,
            organisation=clean_text(person.organisation),
            locale=candidate.locale if candidate else person.locale or locale or event.language,
            send_at=when,
            reply_by=event.reply_by,
            list_member_id=person.list_member_id,
        )
        db.session.add(invitation)
        planned.append(invitation)
    db.session.flush()
    for invitation in planned:
        _queue_invitation_mail(event, invitation)
    return planned


def invited_addresses(event: Event) -> set[str]:
    return set(
        db.session.scalars(
            sa.select(Invitation.email_normalised).where(Invitation.event_id == event.id)
        )
    )


def _queue_invitation_mail(event: Event, invitation: Invitation) -> None:
    queue_email(
        "invitation",
        recipient=invitation.email,
        locale=invitation.locale,
        dedupe_key=f"invitation:{invitation.id}",
        event=event,
        invitation=invitation,
        send_after=invitation.send_at,
    )
    _queue_reminder(event, invitation)


def _queue_reminder(event: Event, invitation: Invitation, version: str = "") -> None:
    if not (invitation.reply_by and event.invitation_reminder_days):
        return
    remind_at = invitation.reply_by - timedelta(days=event.invitation_reminder_days)
    if remind_at > max(invitation.send_at, clock.now()):
        queue_email(
            "invitation_reminder",
            recipient=invitation.email,
            locale=invitation.locale,
            dedupe_key=f"invitation_reminder:{invitation.id}{':' + version if version else ''}",
            event=event,
            invitation=invitation,
            send_after=remind_at,
        )


def reschedule_invitations(event: Event) -> int:
    """After the organiser moves the send time or the reply-by date: invitations not yet
    sent move to the new time, unanswered ones get the new reply-by date and reminder."""
    moved = 0
    for invitation in invitations(event):
        if invitation.status not in (InvitationStatus.PLANNED, InvitationStatus.SENT):
            continue
        invitation.reply_by = event.reply_by
        if invitation.status == InvitationStatus.PLANNED and event.invitations_send_at:
            invitation.send_at = max(event.invitations_send_at, clock.now())
        moved += 1
        _move_pending_mail(event, invitation)
    return moved


def _move_pending_mail(event: Event, invitation: Invitation) -> None:
    pending = db.session.scalars(
        sa.select(OutboundEmail).where(
            OutboundEmail.invitation_id == invitation.id,
            OutboundEmail.status == EmailStatus.PENDING,
        )
    )
    for email in pending:
        if email.kind == "invitation":
            email.send_after = invitation.send_at
        elif email.kind == "invitation_reminder":
            email.status = EmailStatus.SKIPPED
            email.last_error = "replaced: the reply-by date changed"
            email.dedupe_key = f"{email.dedupe_key}:replaced:{email.id}"
    db.session.flush()
    _queue_reminder(
        event,
        invitation,
        version=f"{invitation.reply_by:%Y%m%dT%H%M}" if invitation.reply_by else "",
    )


def invite_selected(event: Event, *, send_at: datetime | None) -> list[Invitation]:
    selected = db.session.scalars(
        sa.select(Candidate).where(
            Candidate.event_id == event.id, Candidate.status == NominationStatus.SELECTED
        )
    )
    people = [
        (Invitee(candidate.name, candidate.email, candidate.organisation), candidate)
        for candidate in selected
    ]
    return plan_invitations(event, people, send_at=send_at)


def invite_list(
    event: Event,
    invitees: list[Invitee],
    *,
    send_at: datetime | None,
    locale: str | None = None,
    invited: set[str] | None = None,
):
    return plan_invitations(
        event,
        [(person, None) for person in invitees],
        send_at=send_at,
        locale=locale,
        invited=invited,
    )


# --- invitation lists ----------------------------------------------------------------


def read_pasted_list(text: str) -> tuple[list[Invitee], list[ListProblem]]:
    """Lines of `name; email; organisation; language`, `name <email>`, or just an email
    address."""
    rows = []
    for line in text.splitlines():
        if not line.strip():
            rows.append([])
            continue
        if "<" in line and ">" in line:
            name, _, rest = line.partition("<")
            email, _, organisation = rest.partition(">")
            rows.append([name.strip(), email.strip(), organisation.strip(" ;,\t")])
        else:
            delimiter = ";" if ";" in line else ("\t" if "\t" in line else ",")
            rows.append([cell.strip() for cell in line.split(delimiter)])
    return _read_rows(rows, header=False)


def read_uploaded_list(filename: str, data: bytes) -> tuple[list[Invitee], list[ListProblem]]:
    """A CSV (comma or semicolon, UTF-8 with or without BOM) or XLSX file whose columns
    are name, email, organisation and (optional) language; a header row is recognised and
    skipped. Raises
    app.uploads.UploadRefused for a file past the bounds of an upload."""
    return _read_rows(read_table(filename, data, max_rows=MAX_LIST_ROWS + 1), header=True)


def _read_rows(rows: list[list[str]], *, header: bool) -> tuple[list[Invitee], list[ListProblem]]:
    invitees, problems, seen = [], [], set()
    for number, row in enumerate(rows, start=1):
        cells = [clean_text(cell) for cell in row] + ["", "", ""]
        if not any(cells):
            continue
        if number > MAX_LIST_ROWS:
            problems.append(
                ListProblem(number, _l("at most %(num)d people at a time", num=MAX_LIST_ROWS))
            )
            break
        if "@" not in "".join(cells) and header and number == 1:
            continue  # a header row: name, email, organisation
        person, problem = _read_row(cells)
        if problem:
            problems.append(ListProblem(number, problem))
        elif normalise_email(person.email) in seen:
            problems.append(ListProblem(number, _l("this email address is already on the list")))
        else:
            seen.add(normalise_email(person.email))
            invitees.append(person)
    return invitees, problems


def _read_row(cells: list[str]) -> tuple[Invitee | None, str]:
    email_at = next((i for i, cell in enumerate(cells) if "@" in cell), None)
    if email_at is None:
        return None, _l("no email address")
    email = cells[email_at]
    others = [cell for i, cell in enumerate(cells) if i != email_at and cell]
    if any("@" in cell for cell in others):  # "a@x, b@x" or Outlook's "A <a@x>; B <b@x>"
        return None, _l("more than one email address: put each person on a line of their own")
    if any(has_control_characters(cell) for cell in cells):
        return None, _l("special characters that cannot be saved")
    try:
        check_email(email)
    except LettersMailCannotCarry:
        return None, _l("%(email)s has letters like ä or ö before the @", email=email)
    except EmailNotValidError:
        return None, _l("%(email)s is not an email address", email=email)
    locale = ""
    if len(others) > 1 and others[-1].lower() in LANGUAGE_WORDS:  # never the name
        locale = LANGUAGE_WORDS[others.pop().lower()]
    elif len(others) > 2:
        return None, _l("%(value)s is not a language: use fi, sv or en", value=others[2][:40])
    name = others[0] if others else email.split("@")[0]
    organisation = others[1] if len(others) > 1 else ""
    if len(name) > 200 or len(email) > 254 or len(organisation) > 200:
        return None, _l("a value is too long")
    return Invitee(name, email, organisation, locale), ""


# --- replies -------------------------------------------------------------------------


def issue_invitation_token(invitation: Invitation) -> str:
    expires = invitation.reply_by or invitation.event.starts_at
    return tokens.issue_token(
        TokenPurpose.INVITATION,
        invitation=invitation,
        expires_at=later(max(expires, invitation.event.starts_at), timedelta(days=1)),
    )


def invitation_for_token(raw: str) -> Invitation | None:
    token = tokens.find_valid_token(raw, TokenPurpose.INVITATION)
    return token.invitation if token else None


def reply_status(invitation: Invitation, at: datetime) -> InvitationStatus:
    """What the invitation stands at now: a sent one past its reply-by date has expired."""
    waiting = invitation.status in (InvitationStatus.PLANNED, InvitationStatus.SENT)
    if waiting and invitation.reply_by and at > invitation.reply_by:
        return InvitationStatus.EXPIRED
    return invitation.status


def check_can_reply(invitation: Invitation) -> None:
    now = clock.now()
    event = invitation.event
    if event.status != EventStatus.PUBLISHED or now >= event.ends_at:
        raise EventOver
    status = reply_status(invitation, now)
    if status == InvitationStatus.EXPIRED:
        raise ReplyTooLate
    if status in (InvitationStatus.ACCEPTED, InvitationStatus.DECLINED):
        raise AlreadyReplied


def accept_invitation(
    invitation: Invitation,
    *,
    name: str,
    organisation: str,
    answers: dict[int, Any],
    locale: str,
    sensitive_consent: bool = False,
) -> SignupResult:
    """Accepting becomes a registration like a sign-up: confirmed, or waiting when full."""
    check_can_reply(invitation)
    source = (
        RegistrationSource.NOMINATION if invitation.candidate_id else RegistrationSource.INVITATION
    )
    try:
        result = enrol(
            invitation.event,
            name=name,
            email=invitation.email,
            organisation=organisation,
            answers=answers,
            locale=locale,
            source=source,
            sensitive_consent=sensitive_consent,
            region=nominee_region(invitation.candidate),  # as the nominator gave it
        )
    except RegistrationClosed:
        raise EventOver from None  # cancelled after the reply was checked
    invitation.status = InvitationStatus.ACCEPTED
    invitation.replied_at = clock.now()
    invitation.registration = result.registration
    return result


def decline_invitation(invitation: Invitation, *, reason: str) -> None:
    check_can_reply(invitation)
    invitation.status = InvitationStatus.DECLINED
    invitation.replied_at = clock.now()
    invitation.decline_reason = clean_text(reason)[:1000]


def mark_sent(invitation: Invitation) -> None:
    """Called by the worker once the invitation email has gone."""
    if invitation.status == InvitationStatus.PLANNED:
        invitation.status = InvitationStatus.SENT
        invitation.sent_at = clock.now()


def invitations(event: Event) -> list[Invitation]:
    return list(
        db.session.scalars(
            sa.select(Invitation)
            .where(Invitation.event_id == event.id)
            .order_by(sa.func.lower(Invitation.name), Invitation.id)
        )
    )
