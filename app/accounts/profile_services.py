"""An organiser's own account: name, email address, password and sign-in sessions."""

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from app import clock, tokens
from app.auth import passwords
from app.auth.services import find_organiser
from app.auth.sessions import end_other_sessions, is_live, sessions_of
from app.extensions import db
from app.mail.outbox import queue_email
from app.models import Organiser, SignInSession, Token, TokenPurpose
from app.text import clean_text, normalise_email

EMAIL_LINK_LIFETIME = timedelta(hours=24)


def change_name(organiser: Organiser, name: str) -> str:
    """The account's new name; returns the old one (for the audit log)."""
    old = organiser.name
    organiser.name = clean_text(name)
    return old


def password_is_right(organiser: Organiser, password: str) -> bool:
    return passwords.verify_password(organiser.password_hash, password)


# --- email address -------------------------------------------------------------------------


class SameAddress(Exception):
    """The new address is the account's own already."""


def request_email_change(organiser: Organiser, new_email: str, locale: str) -> str:
    """Mail the new address, and a notice to the old one; returns the new address.

    The new address gets a confirmation link, or, when another account has it already, a
    mail that says so: the person asking is told the same either way, so that this form
    does not tell who has an account. The link is minted when the mail is sent
    (app.mail.render), and only the last one sent works."""
    address = normalise_email(new_email)
    if address == organiser.email:
        raise SameAddress(address)
    owner = find_organiser(address)
    kind = "email_change" if owner is None else "email_taken"
    asked = secrets.token_hex(8)  # every request mails: the rate limit bounds them
    payload = {"organiser_id": organiser.id}
    queue_email(
        kind,
        recipient=address,
        locale=locale,
        dedupe_key=f"{kind}:{organiser.id}:{asked}",
        payload=payload,
    )
    queue_email(
        "email_change_notice",
        recipient=organiser.email,
        locale=locale,
        dedupe_key=f"email_change_notice:{organiser.id}:{asked}",
        payload=payload,
    )
    return address


def issue_email_change_token(organiser: Organiser, address: str) -> str:
    """Minted when the mail to the new address is sent; earlier links stop working."""
    tokens.revoke_tokens(TokenPurpose.EMAIL_CHANGE, organiser=organiser)
    return tokens.issue_token(
        TokenPurpose.EMAIL_CHANGE,
        organiser=organiser,
        email=normalise_email(address),
        expires_at=clock.now() + EMAIL_LINK_LIFETIME,
    )


def email_change_for(raw: str, organiser: Organiser) -> Token | None:
    """The live, unused email-change link of this account, or None."""
    token = tokens.find_valid_token(raw, TokenPurpose.EMAIL_CHANGE)
    if token is None or token.used_at is not None or token.organiser_id != organiser.id:
        return None
    return token


class AddressTaken(Exception):
    """Another account took the address after the link was sent."""


def confirm_email_change(raw: str, organiser: Organiser) -> str | None:
    """Follow the link: the account's address becomes the new one. Returns the old address,
    or None when the link is not (or no longer) valid."""
    token = email_change_for(raw, organiser)
    if token is None:
        return None
    if find_organiser(token.email) is not None:
        raise AddressTaken(token.email)
    old = organiser.email
    organiser.email = token.email
    token.used_at = clock.now()
    tokens.revoke_tokens(TokenPurpose.EMAIL_CHANGE, organiser=organiser)
    # A password reset link sent to the old address opens nothing any more.
    tokens.revoke_tokens(TokenPurpose.PASSWORD_RESET, organiser=organiser)
    return old


def forget_old_email_changes(now: datetime, *, dry_run: bool = False) -> int:
    """Retention: email-change links past their time (used, revoked or expired) carry an
    address that is no longer needed; they are deleted. Returns how many."""
    old = sa.and_(Token.purpose == TokenPurpose.EMAIL_CHANGE, Token.expires_at < now)
    if dry_run:
        return db.session.scalar(sa.select(sa.func.count()).select_from(Token).where(old)) or 0
    return db.session.execute(sa.delete(Token).where(old)).rowcount or 0


def forget_email_changes_to(address: str) -> None:
    """Erasure of a person: links that would give an account their address."""
    db.session.execute(
        sa.delete(Token).where(
            Token.purpose == TokenPurpose.EMAIL_CHANGE, Token.email == normalise_email(address)
        )
    )


# --- password and sessions -----------------------------------------------------------------


def change_password(organiser: Organiser, new_hash: str, locale: str) -> None:
    """A new password (hashed by the caller, before its transaction): every other session
    ends, this one stays; reset links end; the account is told by mail."""
    organiser.password_hash = new_hash
    end_other_sessions(organiser, organiser.sign_in_id)
    tokens.revoke_tokens(TokenPurpose.PASSWORD_RESET, organiser=organiser)
    queue_email(
        "password_changed",
        recipient=organiser.email,
        locale=locale,
        dedupe_key=f"password_changed:{organiser.id}:{secrets.token_hex(8)}",
        payload={"organiser_id": organiser.id},
    )


@dataclass(frozen=True)
class OwnSession:
    signed_in_at: datetime
    last_seen_at: datetime
    this_one: bool


def own_sessions(organiser: Organiser) -> list[OwnSession]:
    """The account's live sessions, newest first, this one marked."""
    now = clock.now()
    this = tokens.digest_of(organiser.sign_in_id or "")
    rows: list[SignInSession] = sessions_of(organiser.id)
    return [
        OwnSession(row.created_at, row.last_seen_at, row.hash == this)
        for row in reversed(rows)
        if is_live(row, now)
    ]


def sign_out_elsewhere(organiser: Organiser) -> None:
    end_other_sessions(organiser, organiser.sign_in_id)
