"""How much mail a public form may send to one address: anyone may type anyone's address
into a sign-up or a nomination, with a name of their choosing, and each post would mail it.

The limit is kept in the outbox, so every worker and server shares it: when a worker
claims messages, those a public form caused are counted against what such mail went, or
is going, to the same address within the hour. A message over the limit is not sent: it
is marked failed with the reason, where organisers and admins see it and can send it
again, and the worker logs it. It is not held for later, which would deliver a flood
all the same, only slower. The sign-up itself is not affected."""

import logging
from collections import Counter
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import EmailStatus, OutboundEmail
from app.text import normalise_email

log = logging.getLogger(__name__)

# Mail anyone can cause without signing in, to an address they type.
PUBLIC_FORM_KINDS = frozenset(
    {
        "registration_confirmed",
        "registration_waiting",
        "already_registered",
        "nomination_received",
        "nominee_informed",
        "password_reset",
    }
)
WINDOW = timedelta(hours=1)
# The reason kept on a message over the limit: its start tells admins' pages what it was.
OVER_LIMIT = (
    "Not sent: more mail from public forms to this address within an hour than"
    " MAIL_PUBLIC_FORM_LIMIT_PER_HOUR allows"
)
# PostgreSQL: claims that count against the limit take turns, so that two workers do not
# both see room for the same address (a transaction's lock; any fixed number would do).
_COUNTING_LOCK = 0x6B75747375  # "kutsu"


def over_limit(claimed: list[OutboundEmail], now: datetime) -> list[OutboundEmail]:
    """The claimed messages a public form caused beyond the hour's limit for their
    address, in the order claimed; the caller marks them failed."""
    limit = current_app.config["MAIL_PUBLIC_FORM_LIMIT_PER_HOUR"]
    limited = [email for email in claimed if email.kind in PUBLIC_FORM_KINDS]
    if not limit or not limited:
        return []
    session = db.session
    if session.get_bind().dialect.name == "postgresql":
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(_COUNTING_LOCK)))
    addresses = {normalise_email(email.recipient) for email in limited}
    went = _sent_or_leased(now, addresses, exclude=[email.id for email in claimed])
    over = []
    for email in limited:
        address = normalise_email(email.recipient)
        if went[address] >= limit:
            over.append(email)
        else:
            went[address] += 1
    return over


def _sent_or_leased(now: datetime, addresses: set[str], *, exclude: list[int]) -> Counter:
    """Mail from public forms to these addresses sent within the hour, or leased by a
    worker now, by address. Only the claimed batch's addresses are read, on their index:
    counting every address mailed within the hour made each claim read all of them, and
    sending 10,000 messages slowed from 415 to 267 a second (bench/mail.py, SQLite)."""
    leased = sa.and_(
        OutboundEmail.status == EmailStatus.PENDING,
        OutboundEmail.send_after <= now,
        OutboundEmail.locked_until > now,
    )
    recipients = db.session.scalars(
        sa.select(OutboundEmail.recipient_normalised).where(
            OutboundEmail.recipient_normalised.in_(addresses),
            OutboundEmail.kind.in_(PUBLIC_FORM_KINDS),
            sa.or_(OutboundEmail.sent_at >= now - WINDOW, leased),
            OutboundEmail.id.not_in(exclude),
        )
    )
    return Counter(recipients)


def note_over_limit(email: OutboundEmail) -> None:
    # The message's number and kind only: the address is personal data, on the admin page.
    log.warning("mail %s (%s) not sent: over the public forms' hourly limit", email.id, email.kind)
