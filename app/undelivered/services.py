"""Mail that was not delivered, of every kind, for admins: an event's organisers see and
retry their event's in its outbox, but mail with no event (a password reset) had nobody.
What a row shows is what is needed to act on it; never the body, nor a link's token."""

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.mail.worker import retry_messages
from app.messages.outbox import RETRYABLE
from app.models import EmailStatus, OutboundEmail

PAGE_SIZE = 50
_UNDELIVERED = OutboundEmail.status.in_(RETRYABLE)


def undelivered_page(page: int):
    """Failed and given-up mail, newest first."""
    query = (
        sa.select(OutboundEmail)
        .where(_UNDELIVERED)
        .options(selectinload(OutboundEmail.event), selectinload(OutboundEmail.batch))
        .order_by(OutboundEmail.created_at.desc(), OutboundEmail.id.desc())
    )
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def waiting_for_the_mail_server() -> int:
    """Mail due but waiting because the mail server could not be reached."""
    return db.session.scalar(
        sa.select(sa.func.count()).where(
            OutboundEmail.status == EmailStatus.PENDING,
            OutboundEmail.last_error.startswith("SMTP unavailable"),
        )
    )


def undelivered_email(email_id: int) -> OutboundEmail | None:
    return db.session.scalar(
        sa.select(OutboundEmail).where(OutboundEmail.id == email_id, _UNDELIVERED)
    )


def retry_all() -> int:
    """Every undelivered email back to the queue; returns how many."""
    return retry_messages(list(db.session.scalars(sa.select(OutboundEmail).where(_UNDELIVERED))))
