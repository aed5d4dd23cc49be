"""The one place that makes and checks tokens: 256 random bits, stored only as SHA-256."""

import hashlib
import re
import secrets
from datetime import datetime

import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import (
    AccountInvitation,
    Invitation,
    ListMember,
    Organiser,
    Registration,
    Token,
    TokenPurpose,
)

# token_urlsafe(32) gives 43 characters of [A-Za-z0-9_-]; anything else is not ours.
_RAW_SHAPE = re.compile(r"[A-Za-z0-9_-]{43}")


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode("ascii")).hexdigest()


def new_secret() -> tuple[str, str]:
    """A raw 256-bit value and the SHA-256 to store, for secrets that are not Tokens (a
    sign-in session's id, kept in its cookie)."""
    raw = secrets.token_urlsafe(32)
    return raw, _digest(raw)


def digest_of(raw: str) -> str | None:
    """The stored form of a raw value, or None when it cannot be one of ours."""
    return _digest(raw) if _RAW_SHAPE.fullmatch(raw or "") else None


def issue_token(
    purpose: TokenPurpose,
    *,
    expires_at: datetime,
    registration: Registration | None = None,
    organiser: Organiser | None = None,
    invitation: Invitation | None = None,
    email: str | None = None,
    account_invitation: AccountInvitation | None = None,
    list_member: ListMember | None = None,
) -> str:
    """Store a new token's hash and return the raw value, which goes only into an email.
    `email`: the new address an email-change link confirms."""
    raw = secrets.token_urlsafe(32)
    db.session.add(
        Token(
            purpose=purpose,
            hash=_digest(raw),
            registration=registration,
            organiser_id=organiser.id if organiser else None,
            invitation=invitation,
            account_invitation_id=account_invitation.id if account_invitation else None,
            list_member_id=list_member.id if list_member else None,
            expires_at=expires_at,
            email=email,
        )
    )
    return raw


def find_valid_token(raw: str, purpose: TokenPurpose) -> Token | None:
    """The live token for this raw value, or None when unknown, expired or revoked."""
    if not _RAW_SHAPE.fullmatch(raw or ""):
        return None
    token = db.session.scalar(
        sa.select(Token).where(Token.hash == _digest(raw), Token.purpose == purpose)
    )
    if token is None or token.revoked_at is not None or token.expires_at <= clock.now():
        return None
    return token


def revoke_tokens(
    purpose: TokenPurpose,
    *,
    registration: Registration | None = None,
    organiser: Organiser | None = None,
    account_invitation: AccountInvitation | None = None,
) -> None:
    """End every live token of this purpose for the registration, the account or the
    account invitation (a used one included): a link in an old email then leads nowhere."""
    if registration is not None:
        belongs = Token.registration_id == registration.id
    elif organiser is not None:
        belongs = Token.organiser_id == organiser.id
    elif account_invitation is not None:
        belongs = Token.account_invitation_id == account_invitation.id
    else:
        raise TypeError("revoke_tokens needs a registration, an organiser or an invitation")
    db.session.execute(
        sa.update(Token)
        .where(belongs, Token.purpose == purpose, Token.revoked_at.is_(None))
        .values(revoked_at=clock.now())
    )
