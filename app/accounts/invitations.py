"""Invitations to make an account, sent by email: an admin's (any account role), or an
organiser's to a part in one of their events. The person follows the link, sets their name
and password, and is signed in; the link works once, for INVITATION_LIFETIME."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from app import clock, tokens
from app.accounts import services as team
from app.auth import passwords
from app.auth.services import find_organiser
from app.auth.sessions import start_session
from app.extensions import db
from app.mail.outbox import queue_email
from app.models import (
    AccountInvitation,
    AccountRole,
    Event,
    EventOrganiser,
    Organiser,
    OrganiserRole,
    TokenPurpose,
)
from app.text import clean_text, normalise_email

INVITATION_LIFETIME = timedelta(days=7)
MAIL_KIND = "account_invitation"


class AccountExists(Exception):
    """The address has an account already (active or deactivated: see .organiser)."""

    def __init__(self, organiser: Organiser):
        super().__init__(organiser.email)
        self.organiser = organiser


class AlreadyInvited(Exception):
    """A pending invitation to the same address (and event) is waiting: resend it instead."""


def pending_condition(now: datetime):
    return sa.and_(
        AccountInvitation.accepted_at.is_(None),
        AccountInvitation.withdrawn_at.is_(None),
        AccountInvitation.expires_at > now,
    )


def invite(
    email: str,
    role: AccountRole,
    *,
    invited_by: Organiser,
    locale: str,
    event: Event | None = None,
    event_role: OrganiserRole | None = None,
) -> AccountInvitation:
    """Plan the invitation and its mail (in the caller's transaction)."""
    address = normalise_email(email)
    existing = find_organiser(address)
    if existing is not None:
        raise AccountExists(existing)
    now = clock.now()
    same = pending_condition(now) & (AccountInvitation.email == address)
    same &= (
        AccountInvitation.event_id == event.id if event else AccountInvitation.event_id.is_(None)
    )
    if db.session.scalar(sa.select(AccountInvitation.id).where(same)) is not None:
        raise AlreadyInvited(address)
    invitation = AccountInvitation(
        email=address,
        role=role,
        locale=locale,
        invited_by=invited_by,
        event=event,
        event_role=event_role,
        expires_at=now + INVITATION_LIFETIME,
        sends=1,
    )
    db.session.add(invitation)
    db.session.flush()
    _queue_mail(invitation)
    return invitation


def _queue_mail(invitation: AccountInvitation) -> None:
    # A random key: each send is a message of its own (a resend is not a duplicate).
    queue_email(
        MAIL_KIND,
        recipient=invitation.email,
        locale=invitation.locale,
        dedupe_key=f"{MAIL_KIND}:{invitation.id}:{secrets.token_hex(8)}",
        payload={"account_invitation_id": invitation.id, "send": invitation.sends},
    )


def resend(invitation: AccountInvitation) -> None:
    """A fresh mail and link, for another INVITATION_LIFETIME; the old link stops working
    (its token is revoked, and a mail still unsent is skipped: see mail_is_current)."""
    tokens.revoke_tokens(TokenPurpose.ACCOUNT_INVITATION, account_invitation=invitation)
    invitation.sends += 1
    invitation.expires_at = clock.now() + INVITATION_LIFETIME
    _queue_mail(invitation)


def withdraw(invitation: AccountInvitation) -> None:
    tokens.revoke_tokens(TokenPurpose.ACCOUNT_INVITATION, account_invitation=invitation)
    invitation.withdrawn_at = clock.now()


def pending_invitation(
    invitation_id: int, *, event: Event | None = None
) -> AccountInvitation | None:
    """A pending invitation by id: of this event, or (no event given) any."""
    invitation = db.session.get(AccountInvitation, invitation_id)
    if invitation is None or not invitation.is_pending(clock.now()):
        return None
    if event is not None and invitation.event_id != event.id:
        return None
    return invitation


def pending_for_event(event: Event) -> list[AccountInvitation]:
    query = sa.select(AccountInvitation).where(
        AccountInvitation.event_id == event.id, pending_condition(clock.now())
    )
    return list(db.session.scalars(query.order_by(AccountInvitation.created_at)))


# --- the mail -------------------------------------------------------------------------


def mail_is_current(payload: dict) -> AccountInvitation | None:
    """The invitation a mail is about, if it is still pending and this is its latest send."""
    invitation = db.session.get(AccountInvitation, payload.get("account_invitation_id", 0))
    if invitation is None or not invitation.is_pending(clock.now()):
        return None
    return invitation if payload.get("send") == invitation.sends else None


def issue_invitation_link_token(invitation: AccountInvitation) -> str:
    """Minted when the mail is sent: the raw value exists only inside it."""
    return tokens.issue_token(
        TokenPurpose.ACCOUNT_INVITATION,
        account_invitation=invitation,
        expires_at=invitation.expires_at,
    )


# --- accepting --------------------------------------------------------------------------


def invitation_for_link(raw: str) -> AccountInvitation | None:
    """The pending invitation of a live, unused link; None for an unknown, expired, used
    or withdrawn one alike, and when the address has meanwhile got an account."""
    token = tokens.find_valid_token(raw, TokenPurpose.ACCOUNT_INVITATION)
    if token is None or token.used_at is not None or token.account_invitation_id is None:
        return None
    invitation = db.session.get(AccountInvitation, token.account_invitation_id)
    if invitation is None or not invitation.is_pending(clock.now()):
        return None
    return None if find_organiser(invitation.email) is not None else invitation


def accept(raw: str, name: str, password: str) -> tuple[Organiser, AccountInvitation] | None:
    """Make the account the invitation names, give it the event's part if any, and start
    its sign-in session. The hash is made before anything is read (argon2 takes ~100 ms,
    and a form post's write transaction begins with its first read)."""
    password_hash = passwords.hash_password(password)
    db.session.expire_all()  # what the page's read loaded may have changed since
    invitation = invitation_for_link(raw)
    if invitation is None:
        return None
    # Two posts of the same link at once: the second waits here, then finds it accepted.
    invitation = db.session.get(
        AccountInvitation, invitation.id, with_for_update=True, populate_existing=True
    )
    if not invitation.is_pending(clock.now()):
        return None
    organiser = Organiser(
        email=invitation.email,
        name=clean_text(name),
        password_hash=password_hash,
        is_admin=invitation.role == AccountRole.ADMIN,
        check_in_only=invitation.role == AccountRole.HELPER,
    )
    db.session.add(organiser)
    db.session.flush()
    now = clock.now()
    for pending in _pending_for_address(invitation.email, now):
        # Every pending invitation to the address is answered at once: each event's part.
        if pending.event is not None and pending.event_role is not None:
            give_part(pending.event, organiser, pending.event_role)
        pending.accepted_at = now
        tokens.revoke_tokens(TokenPurpose.ACCOUNT_INVITATION, account_invitation=pending)
    start_session(organiser)
    db.session.flush()
    return organiser, invitation


def _pending_for_address(address: str, now: datetime) -> list[AccountInvitation]:
    query = sa.select(AccountInvitation).where(
        AccountInvitation.email == address, pending_condition(now)
    )
    return list(db.session.scalars(query.order_by(AccountInvitation.id)))


def give_part(event: Event, organiser: Organiser, role: OrganiserRole) -> None:
    """A part in the event; a check-in helper account is given at most the helper's part
    (app.accounts.services.role_in caps it so too)."""
    if organiser.check_in_only:
        role = OrganiserRole.HELPER
    link = next((x for x in event.organiser_links if x.organiser_id == organiser.id), None)
    if link is None:
        event.organiser_links.append(EventOrganiser(organiser=organiser, role=role))
    elif link.role != OrganiserRole.OWNER:
        link.role = role


@dataclass
class TeamChange:
    """What adding someone to an event's team did: gave an account its part, or, for an
    address with no account, sent that person an invitation to the part."""

    role: OrganiserRole
    organiser: Organiser | None = None
    invitation: AccountInvitation | None = None


def add_or_invite(
    event: Event,
    email: str,
    role: OrganiserRole,
    *,
    invited_by: Organiser,
    locale: str,
    may_change: bool = True,
) -> TeamChange:
    """An account gets the part at once (app.accounts.services.add_co_organiser); an address
    with none is invited to make an organiser account (a helper account, for the helper's
    part) that gets exactly this part in this event. A deactivated account raises
    AccountDeactivated: an admin decides about it, not the organiser. Another part the account
    has in the event changes only if may_change (else AlreadyOnTeam)."""
    try:
        organiser, given = team.add_co_organiser(event, email, role, may_change=may_change)
    except team.AccountDeactivated:
        raise
    except team.OrganiserNotFound:
        account_role = AccountRole.HELPER if role == OrganiserRole.HELPER else AccountRole.ORGANISER
        invitation = invite(
            email, account_role, invited_by=invited_by, locale=locale, event=event, event_role=role
        )
        return TeamChange(role, invitation=invitation)
    return TeamChange(given, organiser=organiser)
