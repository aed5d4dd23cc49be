"""An admin's work on accounts: the list, roles, deactivation, and events left with no
active organiser. The last active admin stays: the check and the change happen in one
transaction with the admins' rows locked (on SQLite every form post holds the write lock
from its first statement: app.database, BEGIN IMMEDIATE)."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app import clock
from app.accounts.invitations import pending_condition
from app.auth.sessions import end_all_sessions
from app.database import contains
from app.extensions import db
from app.models import (
    AccountInvitation,
    AccountRole,
    Event,
    EventOrganiser,
    Organiser,
    OrganiserRole,
    SignInSession,
)

PAGE_SIZE = 50


class LastAdmin(Exception):
    """The change would leave no active admin."""


@dataclass
class AccountRow:
    organiser: Organiser
    last_sign_in: datetime | None


def _matching(model, search: str):
    if not search.strip():
        return sa.true()
    columns = [model.email] + ([model.name] if model is Organiser else [])
    return sa.or_(*(contains(column, search) for column in columns))


def account_page(search: str, page: int):
    """A page of accounts, by name, each with when it last signed in."""
    last = (
        sa.select(sa.func.max(SignInSession.created_at))
        .where(SignInSession.organiser_id == Organiser.id)
        .scalar_subquery()
    )
    query = (
        sa.select(Organiser, last.label("last_sign_in"))
        .where(_matching(Organiser, search))
        .order_by(Organiser.name, Organiser.id)
    )
    total = db.session.scalar(
        sa.select(sa.func.count()).select_from(Organiser).where(_matching(Organiser, search))
    )
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(page, pages)
    rows = db.session.execute(query.limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return [AccountRow(row[0], row[1]) for row in rows], page, pages, total


def pending_invitations(search: str) -> list[AccountInvitation]:
    query = sa.select(AccountInvitation).where(
        pending_condition(clock.now()), _matching(AccountInvitation, search)
    )
    return list(db.session.scalars(query.order_by(AccountInvitation.created_at).limit(PAGE_SIZE)))


def events_without_organiser() -> list[Event]:
    """Events that no active owner or co-organiser can open (admins aside): someone left."""
    organised = (
        sa.select(EventOrganiser.event_id)
        .join(Organiser, Organiser.id == EventOrganiser.organiser_id)
        .where(
            Organiser.active,
            ~Organiser.check_in_only,
            EventOrganiser.role.in_([OrganiserRole.OWNER, OrganiserRole.CO_ORGANISER]),
        )
    )
    query = sa.select(Event).where(Event.purged_at.is_(None), Event.id.not_in(organised))
    return list(db.session.scalars(query.order_by(Event.starts_at.desc()).limit(PAGE_SIZE)))


def _lock_active_admins() -> set[int]:
    """The active admins' ids, their rows locked until the transaction ends: a second
    admin's change waits here, then sees the first one's."""
    query = sa.select(Organiser.id).where(Organiser.is_admin, Organiser.active).with_for_update()
    return set(db.session.scalars(query))


def _keep_an_admin(organiser: Organiser) -> None:
    admins = _lock_active_admins()
    db.session.refresh(organiser)
    if organiser.id in admins and len(admins) <= 1:
        raise LastAdmin(organiser.email)


def change_role(organiser: Organiser, role: AccountRole) -> AccountRole:
    """Give the account another role; returns the one before."""
    before = organiser.account_role
    if before == AccountRole.ADMIN and role != AccountRole.ADMIN:
        _keep_an_admin(organiser)
    organiser.is_admin = role == AccountRole.ADMIN
    organiser.check_in_only = role == AccountRole.HELPER
    db.session.flush()
    return before


def deactivate(organiser: Organiser) -> None:
    """They cannot sign in, and every session of theirs ends now; their events keep their
    other organisers (and the Accounts page shows those left with none)."""
    _keep_an_admin(organiser)
    organiser.active = False
    end_all_sessions(organiser)
    db.session.flush()


def reactivate(organiser: Organiser) -> None:
    organiser.active = True
    db.session.flush()


def account(organiser_id: int) -> Organiser | None:
    return db.session.get(Organiser, organiser_id)
