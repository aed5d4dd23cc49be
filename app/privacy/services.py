"""Retention: some days after an event, the personal data of its people is erased.

What is kept: the event, its questions and the organisers' messages, and per person only
what counts need (status, way in, a hybrid event's mode, dates, attendance), and for the
period report (app.reports.period_people) a registration's organisation, region and a
keyed hash of its address. Names, addresses, answers, notes, tokens and the emails sent
are gone, for registrations, nominations and invitations alike (the organisations of
nominations and invitations too). A person's own erasure blanks those three as well.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app import audit, clock
from app.accounts.profile_services import forget_email_changes_to, forget_old_email_changes
from app.auth.sessions import forget_old_sessions
from app.bounds import later
from app.extensions import db
from app.feedback.services import forget_feedback_of
from app.followup.retention import forget_follow_up_of
from app.lists.leaving import forget_members_who_left
from app.models import (
    AccountInvitation,
    Answer,
    BookedRegistration,
    Candidate,
    Event,
    Invitation,
    ListMember,
    Nomination,
    Organiser,
    OutboundEmail,
    Registration,
    SeriesBooking,
    SignInSession,
    Token,
)
from app.nominations.services import nominee_informed_key
from app.places.services import cancel_registration
from app.reports.period_people import forget_report_traces, keep_person_keys
from app.text import normalise_email


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
    return later(event.ends_at, timedelta(days=event.retention_days))


def events_past_retention(now: datetime) -> list[Event]:
    ended = db.session.scalars(
        sa.select(Event)
        .where(Event.purged_at.is_(None), Event.ends_at <= now)
        .order_by(Event.ends_at, Event.id)
    )
    return [event for event in ended if erase_after(event) <= now]


@dataclass
class RetentionRun:
    erased: list[Erased]
    audit_entries: int  # lines of the audit log past their own retention time
    sign_in_sessions: int = 0  # organisers' sessions ended or expired long since
    account_mail: int = 0  # mail with no event (password resets, alerts) queued long since
    email_changes: int = 0  # email-change links past their time, with the address asked
    account_invitations: int = 0  # invitations accepted, withdrawn or expired long since
    list_members_who_left: int = 0  # contact lists' members who left them long since


# PostgreSQL's advisory lock for retention runs: any number, the same in every process.
RETENTION_LOCK = 0x4B757473


def run_retention(now: datetime, *, dry_run: bool = False) -> RetentionRun:
    """Everything past its time (in the caller's transaction): events' personal data, then
    old lines of the audit log.

    One run at a time: every mail worker runs it daily, and an operator may run it too. On
    PostgreSQL a second run waits for the first to commit, then finds nothing left (two at
    once erased the same event twice and said so twice); on SQLite the write lock does it."""
    if not dry_run and db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.select(sa.func.pg_advisory_xact_lock(RETENTION_LOCK)))
    erased = purge_expired(now, dry_run=dry_run)
    return RetentionRun(
        erased,
        audit.forget_old_entries(now, dry_run=dry_run),
        forget_old_sessions(now, dry_run=dry_run),
        forget_old_account_mail(now, dry_run=dry_run),
        forget_old_email_changes(now, dry_run=dry_run),
        forget_old_account_invitations(now, dry_run=dry_run),
        forget_members_who_left(now, dry_run=dry_run),
    )


def forget_old_account_mail(now: datetime, *, dry_run: bool = False) -> int:
    """Mail with no event has no event's retention to end it: it is deleted
    ACCOUNT_MAIL_RETENTION_DAYS after it was queued. Returns how many."""
    days = timedelta(days=current_app.config["ACCOUNT_MAIL_RETENTION_DAYS"])
    old = sa.and_(OutboundEmail.event_id.is_(None), OutboundEmail.created_at < now - days)
    if dry_run:
        return db.session.scalar(sa.select(sa.func.count()).select_from(OutboundEmail).where(old))
    return db.session.execute(sa.delete(OutboundEmail).where(old)).rowcount or 0


def forget_old_account_invitations(now: datetime, *, dry_run: bool = False) -> int:
    """An invitation names an address: once accepted, withdrawn or expired, it is deleted
    ACCOUNT_MAIL_RETENTION_DAYS later (as its mail is). Returns how many."""
    since = now - timedelta(days=current_app.config["ACCOUNT_MAIL_RETENTION_DAYS"])
    old = sa.or_(
        AccountInvitation.accepted_at < since,
        AccountInvitation.withdrawn_at < since,
        AccountInvitation.expires_at < since,
    )
    if dry_run:
        count = sa.select(sa.func.count()).select_from(AccountInvitation).where(old)
        return db.session.scalar(count) or 0
    return db.session.execute(sa.delete(AccountInvitation).where(old)).rowcount or 0


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


def _anonymise(model, condition) -> None:
    values = {name: "" for name in _PERSONAL_FIELDS[model]}
    if hasattr(model, "email_normalised"):
        values["email_normalised"] = _erased_address(model)
    if model is Candidate:
        values["themes"] = []
    if model is Registration:
        values["sensitive_consent_at"] = None  # its answers go (below): no consent to keep
    db.session.execute(
        sa.update(model).where(condition).values(**values),
        execution_options={"synchronize_session": False},
    )


def _forget_links_and_mail(registrations, invitations, mail_condition) -> None:
    """Tokens, answers and sent emails of these people: gone, not blanked."""
    db.session.execute(
        sa.delete(Token).where(
            sa.or_(Token.registration_id.in_(registrations), Token.invitation_id.in_(invitations))
        )
    )
    db.session.execute(sa.delete(Answer).where(Answer.registration_id.in_(registrations)))
    db.session.execute(sa.delete(OutboundEmail).where(mail_condition))
    _forget_bookings_of(registrations)
    forget_feedback_of(registrations)  # unlinked, without texts (app.feedback)


def _forget_bookings_of(registrations) -> None:
    """A multi-date sign-up's link between these registrations and others of the person's
    goes with them (it would tie the blanked rows together); a booking with none left goes."""
    db.session.execute(
        sa.delete(BookedRegistration).where(BookedRegistration.registration_id.in_(registrations))
    )
    db.session.execute(
        sa.delete(SeriesBooking).where(
            ~sa.exists().where(BookedRegistration.booking_id == SeriesBooking.id)
        )
    )


def _erase(event: Event, now: datetime) -> None:
    _forget_links_and_mail(
        sa.select(Registration.id).where(Registration.event_id == event.id),
        sa.select(Invitation.id).where(Invitation.event_id == event.id),
        OutboundEmail.event_id == event.id,
    )
    keep_person_keys(event.id)
    for model in _PERSONAL_FIELDS:
        _anonymise(model, model.event_id == event.id)
    forget_follow_up_of(event.id)  # its materials and follow-up messages (app.followup)
    event.purged_at = now
    db.session.flush()
    db.session.expire_all()


_PERSONAL_FIELDS = {
    Registration: ("name", "email", "note"),  # the organisation stays (app.reports)
    Candidate: ("name", "email", "organisation", "role", "region", "notes"),
    Nomination: (
        "nominator_name",
        "nominator_email",
        "nominator_email_normalised",
        "nominator_organisation",
        "organisation_key",
        "justification",
    ),
    Invitation: ("name", "email", "organisation", "decline_reason"),
}


# --- one person's request: everything held about an address, or its erasure ---------------


@dataclass
class HeldAbout:
    email: str
    registrations: list[Registration]
    candidates: list[Candidate]
    nominations_made: list[Nomination]
    invitations: list[Invitation]
    emails: list[OutboundEmail]
    # An organiser's account with this address: when they signed in (no address or browser).
    sign_ins: list[SignInSession]
    # Invitations to make an account sent to the address.
    account_invitations: list[AccountInvitation] = field(default_factory=list)
    # Their places on organisers' contact lists (app.lists).
    list_members: list[ListMember] = field(default_factory=list)

    @property
    def anything(self) -> bool:
        return any(
            (
                self.registrations,
                self.candidates,
                self.nominations_made,
                self.invitations,
                self.sign_ins,
                self.account_invitations,
                self.list_members,
            )
        )


def held_about(email: str) -> HeldAbout:
    address = normalise_email(email)

    def rows(model, condition):
        return list(db.session.scalars(sa.select(model).where(condition).order_by(model.id)))

    return HeldAbout(
        email=address,
        # Not everyone an organiser added without an address when none is given.
        registrations=rows(
            Registration,
            sa.and_(Registration.email_normalised == address, sa.true() if address else sa.false()),
        ),
        candidates=rows(Candidate, Candidate.email_normalised == address),
        nominations_made=rows(Nomination, Nomination.nominator_email_normalised == address),
        invitations=rows(Invitation, Invitation.email_normalised == address),
        emails=rows(OutboundEmail, OutboundEmail.recipient_normalised == address),
        sign_ins=rows(
            SignInSession,
            SignInSession.organiser_id.in_(
                sa.select(Organiser.id).where(Organiser.email == address)
            ),
        ),
        account_invitations=rows(AccountInvitation, AccountInvitation.email == address),
        list_members=rows(ListMember, ListMember.email_normalised == address),
    )


def _forget_nominator_in_mail(nominations: list[Nomination]) -> None:
    """The nominees' mail names who proposed them: no longer (sent or still to go, when it
    says only that they were proposed)."""
    keys = [nominee_informed_key(nomination.id) for nomination in nominations]
    db.session.execute(
        sa.update(OutboundEmail)
        .where(OutboundEmail.dedupe_key.in_(keys))
        .values(payload={"nominator": "", "organisation": ""}),
        execution_options={"synchronize_session": False},
    )


def erase_person(email: str) -> HeldAbout:
    """Erase everything held about the address (GDPR art. 17), in the caller's transaction.

    A place they hold at an event still to come is given up first, so the next person
    waiting gets it; the counts of each event stay right. Returns what was found."""
    held = held_about(email)
    for registration in held.registrations:
        if registration.event.ends_at > clock.now():
            cancel_registration(registration, tell=False)  # nothing goes to the erased
    db.session.flush()
    registration_ids = [row.id for row in held.registrations]
    invitation_ids = [row.id for row in held.invitations]
    candidate_ids = [row.id for row in held.candidates]
    _forget_links_and_mail(
        registration_ids,
        invitation_ids,
        # Their mail, sent or still to go: to the address, or about what they were.
        sa.or_(
            OutboundEmail.recipient_normalised == held.email,
            OutboundEmail.registration_id.in_(registration_ids),
            OutboundEmail.invitation_id.in_(invitation_ids),
            OutboundEmail.candidate_id.in_(candidate_ids),
        ),
    )
    _forget_nominator_in_mail(held.nominations_made)
    _anonymise(Registration, Registration.id.in_(registration_ids))
    forget_report_traces(held.email, registration_ids)
    _anonymise(Candidate, Candidate.id.in_(candidate_ids))
    _anonymise(Nomination, Nomination.id.in_([row.id for row in held.nominations_made]))
    _anonymise(Invitation, Invitation.id.in_(invitation_ids))
    # What others wrote about them when nominating them is about them too.
    db.session.execute(
        sa.update(Nomination)
        .where(Nomination.candidate_id.in_(candidate_ids))
        .values(justification=""),
        execution_options={"synchronize_session": False},
    )
    forget_email_changes_to(held.email)  # links that would give an account the address
    # Invitations to make an account name them (a pending one's link then leads nowhere).
    db.session.execute(
        sa.delete(AccountInvitation).where(
            AccountInvitation.id.in_([row.id for row in held.account_invitations])
        )
    )
    # Their places on contact lists go, with their links to leave them.
    db.session.execute(
        sa.delete(ListMember).where(ListMember.id.in_([row.id for row in held.list_members]))
    )
    # An organiser's sessions are about them: they go, and any still open ends with them.
    db.session.execute(
        sa.delete(SignInSession).where(SignInSession.id.in_([row.id for row in held.sign_ins]))
    )
    db.session.flush()
    db.session.expire_all()
    return held
