"""The event's outbox as organisers see it: every email, its status, and retrying the
ones that failed."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import selectinload

from app.database import counts_by
from app.extensions import db
from app.mail.worker import retry_messages
from app.models import EmailStatus, Event, OutboundEmail

OUTBOX_PAGE_SIZE = 50
RETRYABLE = (EmailStatus.FAILED, EmailStatus.DEAD)

# What each kind of email is, in the organiser's words. Kinds not listed are shown with
# their underscores turned into spaces.
KIND_NAMES = {
    "registration_confirmed": _l("Registration confirmed"),
    "registration_waiting": _l("Place on the waiting list"),
    "registration_promoted": _l("Place from the waiting list"),
    "registration_cancelled": _l("Registration cancelled"),
    "registration_resent": _l("Confirmation sent again"),
    "already_registered": _l("Already registered"),
    "event_cancelled": _l("Event cancelled"),
    "event_updated": _l("Event changed"),
    "reminder": _l("Reminder"),
    "organiser_message": _l("Message from the organisers"),
    "follow_up": _l("Follow-up message"),
    "invitation": _l("Invitation"),
    "invitation_reminder": _l("Reminder to reply to the invitation"),
    "nomination_received": _l("Nomination received"),
    "nominee_informed": _l("Nominee told of the nomination"),
    "not_selected": _l("Not selected"),
    "password_reset": _l("Password reset"),
    "email_change": _l("Link to confirm a new email address"),
    "email_taken": _l("New email address has an account already"),
    "email_change_notice": _l("Email address change asked"),
    "password_changed": _l("Password changed"),
    "account_invitation": _l("Invitation to make an account"),
    "feedback": _l("Feedback form"),  # app.feedback
}


def kind_name(kind: str) -> str:
    name = KIND_NAMES.get(kind)
    return str(name) if name is not None else kind.replace("_", " ").capitalize()


def outbox_counts(event: Event) -> dict[EmailStatus, int]:
    return counts_by(OutboundEmail.status, OutboundEmail.event_id == event.id, EmailStatus)


def outbox_page(event: Event, *, status: str = "", page: int = 1):
    """Every email of the event, newest first; `status` one of EmailStatus's values."""
    query = (
        sa.select(OutboundEmail)
        .where(OutboundEmail.event_id == event.id)
        .options(selectinload(OutboundEmail.batch))
        .order_by(OutboundEmail.created_at.desc(), OutboundEmail.id.desc())
    )
    # Values, not `in EmailStatus`: on Python 3.11 a str there raises TypeError.
    if status in {member.value for member in EmailStatus}:
        query = query.where(OutboundEmail.status == EmailStatus(status))
    return db.paginate(query, page=page, per_page=OUTBOX_PAGE_SIZE, error_out=False)


def outbox_email(event: Event, email_id: int) -> OutboundEmail | None:
    """One email of this event; None for an email of another event."""
    return db.session.scalar(
        sa.select(OutboundEmail).where(
            OutboundEmail.id == email_id, OutboundEmail.event_id == event.id
        )
    )


def retry_failed(event: Event) -> int:
    """Every failed and dead email of the event back to the queue; returns how many."""
    emails = db.session.scalars(
        sa.select(OutboundEmail).where(
            OutboundEmail.event_id == event.id, OutboundEmail.status.in_(RETRYABLE)
        )
    ).all()
    return retry_messages(list(emails))


def retry(email: OutboundEmail) -> bool:
    """A failed or dead email back to the queue; False when it was neither."""
    return retry_messages([email]) == 1
