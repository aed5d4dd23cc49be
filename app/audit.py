"""The audit log: one line per look at, or export of, personal data, and per role change."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, request
from flask_login import current_user

from app.database import SAFE_METHODS, writing
from app.extensions import db
from app.models import AuditAction, AuditEntry, Event

PAGE_SIZE = 100
# What a download's line says until it is known how the download ended; it stays if the
# server stopped before it could say.
NOT_FINISHED = "not finished"


@dataclass(frozen=True)
class Note:
    """What a line said, in plain values, to finish it later: how a download ended is
    known only after the request's session, and the organiser loaded in it, are gone."""

    organiser_id: int
    actor: str
    action: AuditAction
    event_id: int | None
    detail: str
    entry_id: int | None = None

    def conclude(self, outcome: str) -> None:
        """Say on the act's own line how it ended (one line per act, not one per step)."""
        detail = f"{self.detail}: {outcome}"[:500]
        if self.entry_id is None:  # not yet written: a form post's, in its transaction
            _write(lambda session: session.add(_entry(self, detail)))
            return
        update = sa.update(AuditEntry).where(AuditEntry.id == self.entry_id)
        _write(lambda session: session.execute(update.values(detail=detail)))


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
    entry = _entry(note, detail)
    _write(lambda session: session.add(entry))
    written = sa.inspect(entry).identity  # known without reading the line back
    return replace(note, entry_id=written[0] if written else None)


def record_download(action: AuditAction, *, event: Event, detail: str) -> Note:
    """A download's line, written before its first byte as not finished; the download
    concludes it (complete, stopped or failed) when it ends."""
    return replace(record(action, event=event, detail=f"{detail}: {NOT_FINISHED}"), detail=detail)


def _entry(note: Note, detail: str) -> AuditEntry:
    return AuditEntry(
        organiser_id=note.organiser_id,
        actor=note.actor,
        action=note.action,
        event_id=note.event_id,
        detail=detail[:500],
    )


def _write(change: Callable) -> None:
    """change(session): in a form post, with the change it records, in the same
    transaction; in a read, committed at once in a transaction of its own."""
    if request.method not in SAFE_METHODS:
        change(db.session)
        return
    db.session.commit()  # ends the read so far: SQLite cannot turn an old read into a write
    with writing():
        change(db.session)
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
