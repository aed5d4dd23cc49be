"""Organiser accounts: passwords (app.auth.passwords), sign-in and password resets."""

import hashlib
from datetime import timedelta

import sqlalchemy as sa

from app import clock, tokens
from app.auth import passwords
from app.auth.sessions import end_all_sessions, start_session
from app.database import reading
from app.extensions import db
from app.mail.outbox import queue_email
from app.models import Organiser, TokenPurpose
from app.text import clean_text, normalise_email


class AccountExists(Exception):
    pass


def create_organiser(email: str, name: str, password: str, *, admin: bool = False) -> Organiser:
    address = normalise_email(email)
    if find_organiser(address) is not None:
        raise AccountExists(address)
    organiser = Organiser(
        email=address,
        name=clean_text(name),
        password_hash=passwords.hash_password(password),
        is_admin=admin,
    )
    db.session.add(organiser)
    db.session.flush()
    return organiser


def find_organiser(email: str) -> Organiser | None:
    return db.session.scalar(sa.select(Organiser).where(Organiser.email == normalise_email(email)))


def sign_in(email: str, password: str) -> Organiser | None:
    """The organiser, now with a new sign-in session, if the password is theirs."""
    organiser = check_sign_in(email, password)
    if organiser is not None:
        start_session(organiser)
    return organiser


def check_sign_in(email: str, password: str) -> Organiser | None:
    """The active organiser whose password this is, or None; no session yet (two-step
    sign-in, app.accounts.two_step, asks a code first).

    The password is checked with no write transaction open: argon2 takes about 100 ms, and
    on SQLite a write transaction held that long holds back every sign-up meanwhile. Only a
    right password writes, and briefly: the session, and a new hash if argon2's parameters
    changed (made before the write begins)."""
    with reading():
        organiser = find_organiser(email)
    stored = organiser.password_hash if organiser is not None else None
    if not passwords.verify_password(stored, password) or not organiser.active:
        return None
    if passwords.needs_rehash(organiser.password_hash):
        organiser.password_hash = passwords.hash_password(password)
    return organiser


# --- password reset -----------------------------------------------------------------------

RESET_LINK_LIFETIME = timedelta(hours=1)
# At most one reset email per address in this time, however often it is asked for.
RESET_EMAIL_INTERVAL = timedelta(minutes=15)


def request_password_reset(email: str, locale: str) -> None:
    """Plan a reset email to the address, known or not: the same lookup and the same
    write either way, so that how long the answer takes does not tell whether there is an
    account. The worker sends it only to an active account's address, minting the link
    then (app.mail.render), and skips the rest."""
    address = normalise_email(email)
    organiser = find_organiser(address)
    window = int(clock.now().timestamp() // RESET_EMAIL_INTERVAL.total_seconds())
    asked = hashlib.sha256(address.encode()).hexdigest()[:32]
    queue_email(
        "password_reset",
        recipient=address,
        locale=locale,
        dedupe_key=f"password_reset:{asked}:{window}",
        payload={"organiser_id": organiser.id if organiser is not None else 0},
    )


def issue_password_reset_token(organiser: Organiser) -> str:
    """Minted when the email is sent: the raw value exists only inside it."""
    return tokens.issue_token(
        TokenPurpose.PASSWORD_RESET,
        organiser=organiser,
        expires_at=clock.now() + RESET_LINK_LIFETIME,
    )


def organiser_for_reset(raw: str) -> Organiser | None:
    token = tokens.find_valid_token(raw, TokenPurpose.PASSWORD_RESET)
    if token is None or token.used_at is not None:
        return None
    organiser = db.session.get(Organiser, token.organiser_id)
    return organiser if organiser is not None and organiser.active else None


def reset_password(raw: str, password: str) -> Organiser | None:
    """Set a new password with a reset link, once; every session and other link ends.
    The hash is made before anything is read, so not inside a form post's write."""
    new_hash = passwords.hash_password(password)
    organiser = organiser_for_reset(raw)
    if organiser is None:
        return None
    organiser.password_hash = new_hash
    end_all_sessions(organiser)
    tokens.revoke_tokens(TokenPurpose.PASSWORD_RESET, organiser=organiser)
    db.session.flush()
    return organiser
