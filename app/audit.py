"""The audit log: one line per look at, or export of, personal data, and per role change."""

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, request
from flask_login import current_user

from app.database import SAFE_METHODS, writing
from app.extensions import db
from app.models import AuditAction, AuditEntry, Event

PAGE_SIZE = 100


@dataclass(frozen=True)
class Note:
    """What a line said, in plain values, to add to it later: how a download ended is
    known only after the request's session, and the organiser loaded in it, are gone."""

    organiser_id: int
    actor: str
    action: AuditAction
    event_id: int | None
    detail: str

    def add_line(self, outcome: str) -> None:
        """Another line for the same act, saying how it ended."""
        _write(_entry(self, f"{self.detail}: {outcome}"))


def record(action: AuditAction, *, event: Event | None = None, detail: str = "") -> Note:
    """Note what the signed-in organiser did, written at once in a transaction of its own.

    Pages that only show data are reads: the entry is committed before the data is read,
    so a page is never shown without its line in the log."""
    note = Note(
        organiser_id=current_user.id,
        actor=f"{current_user.name} <{current_user.email}>",
        action=action,
        event_id=event.id if event else None,
        detail=detail,
    )
    _write(_entry(note, detail))
    return note


def _entry(note: Note, detail: str) -> AuditEntry:
    return AuditEntry(
        organiser_id=note.organiser_id,
        actor=note.actor,
        action=note.action,
        event_id=note.event_id,
        detail=detail[:500],
    )


def _write(entry: AuditEntry) -> None:
    if request.method not in SAFE_METHODS:
        db.session.add(entry)  # with the change it records, in the same transaction
        return
    db.session.commit()  # ends the read so far: SQLite cannot turn an old read into a write
    with writing():
        db.session.add(entry)
        db.session.commit()


def audit_page(page: int, *, event_id: int | None = None):
    query = sa.select(AuditEntry).order_by(AuditEntry.created_at.desc(), AuditEntry.id.desc())
    if event_id is not None:
        query = query.where(AuditEntry.event_id == event_id)
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def forget_old_entries(now: datetime, *, dry_run: bool = False) -> int:
    """Lines older than AUDIT_LOG_RETENTION_DAYS go, in the caller's transaction: they name
    organisers, and whose data an admin exported or erased. `dry_run` only counts them."""
    days = current_app.config["AUDIT_LOG_RETENTION_DAYS"]
    old = AuditEntry.created_at < now - timedelta(days=days)
    if dry_run:
        return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry).where(old))
    return db.session.execute(sa.delete(AuditEntry).where(old)).rowcount
