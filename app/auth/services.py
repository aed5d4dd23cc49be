"""Organiser accounts: argon2 password hashes and sign-in."""

from functools import cache

import sqlalchemy as sa
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from app.extensions import db
from app.models import Organiser
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


def load_organiser(organiser_id: str) -> Organiser | None:
    if not organiser_id.isdigit():
        return None
    return db.session.get(Organiser, int(organiser_id))
