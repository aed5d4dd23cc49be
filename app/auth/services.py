"""Organiser accounts: argon2 password hashes and sign-in."""

from datetime import timedelta
from functools import cache

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app import clock, tokens
from app.extensions import db
from app.mail.outbox import queue_email
from app.models import Organiser, TokenPurpose
from app.text import clean_text, normalise_email

_hasher = PasswordHasher()


@cache
def _dummy_hash() -> str:
    """Verified against when the email is unknown, so both paths take the same time.

    Made on first use: an argon2 hash takes 64 MiB, which start-up should not pay."""
    return _hasher.hash("kutsu-timing-equaliser")


class AccountExists(Exception):
    pass


def create_organiser(email: str, name: str, password: str, *, admin: bool = False) -> Organiser:
    address = normalise_email(email)
    if find_organiser(address) is not None:
        raise AccountExists(address)
    organiser = Organiser(
        email=address,
        name=clean_text(name),
        password_hash=_hasher.hash(password),
        is_admin=admin,
    )
    db.session.add(organiser)
    db.session.flush()
    return organiser


def find_organiser(email: str) -> Organiser | None:
    return db.session.scalar(sa.select(Organiser).where(Organiser.email == normalise_email(email)))


def authenticate(email: str, password: str) -> Organiser | None:
    organiser = find_organiser(email)
    try:
        _hasher.verify(organiser.password_hash if organiser else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if organiser is None or not organiser.active:
        return None
    if _hasher.check_needs_rehash(organiser.password_hash):
        organiser.password_hash = _hasher.hash(password)
    return organiser


def load_organiser(session_id: str) -> Organiser | None:
    """The signed-in organiser, unless their password changed since they signed in."""
    organiser_id, _, version = session_id.partition(":")
    if not (organiser_id.isdigit() and version.isdigit()):
        return None
    organiser = db.session.get(Organiser, int(organiser_id))
    if organiser is None or organiser.session_version != int(version):
        return None
    return organiser


# --- password reset -----------------------------------------------------------------------

RESET_LINK_LIFETIME = timedelta(hours=1)
# At most one reset email per account in this time, however often it is asked for.
RESET_EMAIL_INTERVAL = timedelta(minutes=15)


def request_password_reset(email: str, locale: str) -> None:
    """Email a reset link to the account's address; for an unknown address, nothing
    (and the caller says the same either way, so accounts cannot be discovered)."""
    organiser = find_organiser(email)
    if organiser is None or not organiser.active:
        return
    window = int(clock.now().timestamp() // RESET_EMAIL_INTERVAL.total_seconds())
    queue_email(
        "password_reset",
        recipient=organiser.email,
        locale=locale,
        dedupe_key=f"password_reset:{organiser.id}:{window}",
        payload={"organiser_id": organiser.id},
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
    """Set a new password with a reset link, once; every session and other link ends."""
    organiser = organiser_for_reset(raw)
    if organiser is None:
        return None
    organiser.password_hash = _hasher.hash(password)
    organiser.session_version += 1
    tokens.revoke_tokens(TokenPurpose.PASSWORD_RESET, organiser=organiser)
    db.session.flush()
    return organiser
