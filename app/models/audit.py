"""Who looked at or took away personal data, and who changed who may."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.events import Event
from app.models.types import UTCDateTime, _enum


class AuditAction(enum.StrEnum):
    VIEWED_ATTENDEES = "viewed_attendees"
    VIEWED_DOOR_LIST = "viewed_door_list"
    VIEWED_CHECK_IN = "viewed_check_in"
    EXPORTED_ATTENDEES = "exported_attendees"
    VIEWED_NOMINATIONS = "viewed_nominations"
    VIEWED_NOMINEE = "viewed_nominee"
    EXPORTED_NOMINATIONS = "exported_nominations"
    ADDED_ORGANISER = "added_organiser"  # or a check-in helper
    REMOVED_ORGANISER = "removed_organiser"  # or a check-in helper
    TRANSFERRED_OWNER = "transferred_owner"
    EXPORTED_PERSON = "exported_person"
    ERASED_PERSON = "erased_person"
    RETRIED_MAIL = "retried_mail"  # an admin sent undelivered email again
    # An account's own changes (app.accounts.profile, app.accounts.two_step).
    CHANGED_NAME = "changed_name"
    CHANGED_EMAIL = "changed_email"
    CHANGED_PASSWORD = "changed_password"  # noqa: S105 - an action, not a password
    TWO_STEP_ON = "two_step_on"
    TWO_STEP_OFF = "two_step_off"
    TWO_STEP_RESET = "two_step_reset"  # by an admin, for a lost phone
    TWO_STEP_REQUIRED = "two_step_required"  # an admin changed who must use it
    USED_RECOVERY_CODE = "used_recovery_code"
    # An organiser's changes to who has a place (app/attendees/changes.py).
    CANCELLED_REGISTRATION = "cancelled_signup"  # at most 20 letters: the column
    MOVED_FROM_WAITING_LIST = "moved_from_waiting"
    MOVED_OVER_CAPACITY = "moved_over_capacity"
    RESENT_CONFIRMATION = "resent_confirmation"
    INVITED_ACCOUNT = "invited_account"
    WITHDREW_INVITATION = "withdrew_invitation"
    ACCEPTED_INVITATION = "accepted_invitation"
    CHANGED_ROLE = "changed_role"
    DEACTIVATED_ACCOUNT = "deactivated_account"
    REACTIVATED_ACCOUNT = "reactivated_account"
    # An organiser's changes to a registration; the detail names its id, not the person.
    ADDED_PERSON = "added_person"
    EDITED_PERSON = "edited_person"
    CHANGED_NOTE = "changed_note"
    # An organiser opened a contact list's members (app/lists); the detail names the list.
    VIEWED_LIST_MEMBERS = "viewed_list_members"
    # Ways to take part (app.places): an organiser's decisions on who has a place.
    APPROVED_REGISTRATION = "approved_signup"
    DECLINED_REGISTRATION = "declined_signup"
    REORDERED_WAITING_LIST = "reordered_waiting"
    CHANGED_MODE = "changed_mode"
    # After the event (app.attendance, app.feedback): who came, and what people answered.
    VIEWED_ATTENDANCE = "viewed_attendance"
    MARKED_ATTENDANCE = "marked_attendance"
    IMPORTED_ATTENDANCE = "imported_attendance"  # from a Teams attendance report
    VIEWED_FEEDBACK = "viewed_feedback"
    EXPORTED_FEEDBACK = "exported_feedback"


class AuditEntry(db.Model):
    __table_args__ = (sa.Index("ix_audit_entry_created_at", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    organiser_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organiser.id", ondelete="SET NULL")
    )
    # Who it was, kept as written then: the account may later be renamed or removed.
    actor: Mapped[str] = mapped_column(sa.String(460))
    action: Mapped[AuditAction] = mapped_column(_enum(AuditAction, "audit_action"))
    event_id: Mapped[int | None] = mapped_column(sa.ForeignKey("event.id", ondelete="SET NULL"))
    # What exactly: the file type, the search, whose data, whom they added.
    detail: Mapped[str] = mapped_column(sa.String(500), default="")

    event: Mapped[Event | None] = relationship()
