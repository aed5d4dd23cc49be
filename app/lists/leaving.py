"""Leaving a contact list: the link in every mail sent because of the list, what leaving
does, and how long a member who left is remembered."""

from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app

from app import clock, tokens
from app.bounds import later
from app.extensions import db
from app.models import (
    EmailStatus,
    Invitation,
    InvitationStatus,
    ListMember,
    OutboundEmail,
    TokenPurpose,
)


def issue_leave_token(member: ListMember) -> str:
    """A new raw link value, made when a list's mail is sent; it works while the member is
    on the list (removing them deletes it with their row)."""
    days = timedelta(days=current_app.config["LIST_LEAVE_LINK_DAYS"])
    return tokens.issue_token(
        TokenPurpose.LIST_UNSUBSCRIBE, list_member=member, expires_at=later(clock.now(), days)
    )


def member_for_token(raw: str) -> ListMember | None:
    """The member still on the list whose link this is; None once they have left."""
    token = tokens.find_valid_token(raw, TokenPurpose.LIST_UNSUBSCRIBE)
    member = token.list_member if token else None
    return member if member is not None and member.left_at is None else None


def leave_list(member: ListMember) -> int:
    """The member leaves: kept, marked as left (the list shows when) until retention erases
    them; their invitations not yet sent are withdrawn. Returns how many."""
    member.left_at = clock.now()
    return withdraw_list_invitations(member)


def withdraw_list_invitations(member: ListMember) -> int:
    """Invitations planned because of the list and not yet sent are deleted with their mail
    (nobody saw them); sent ones stay answerable, but no reminder of the list's goes."""
    planned = list(
        db.session.scalars(
            sa.select(Invitation).where(
                Invitation.list_member_id == member.id,
                Invitation.status == InvitationStatus.PLANNED,
            )
        )
    )
    for invitation in planned:
        db.session.delete(invitation)
    sent = sa.select(Invitation.id).where(Invitation.list_member_id == member.id)
    db.session.execute(
        sa.update(OutboundEmail)
        .where(
            OutboundEmail.invitation_id.in_(sent),
            OutboundEmail.kind == "invitation_reminder",
            OutboundEmail.status == EmailStatus.PENDING,
        )
        .values(status=EmailStatus.SKIPPED, last_error="the person left the list"),
        execution_options={"synchronize_session": False},
    )
    db.session.flush()
    return len(planned)


def forget_members_who_left(now: datetime, *, dry_run: bool = False) -> int:
    """Members who left a list are deleted LIST_MEMBER_DAYS_AFTER_LEAVING days later, in
    the caller's transaction. Returns how many."""
    days = timedelta(days=current_app.config["LIST_MEMBER_DAYS_AFTER_LEAVING"])
    old = ListMember.left_at < now - days
    if dry_run:
        return db.session.scalar(sa.select(sa.func.count()).select_from(ListMember).where(old))
    return db.session.execute(sa.delete(ListMember).where(old)).rowcount or 0
