"""A person's own link to an event's materials (TokenPurpose.MATERIALS): minted when their
follow-up mail is rendered, valid until the event's personal data is erased."""

from collections.abc import Iterator
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.bounds import later
from app.extensions import db
from app.models import Event, Material, Registration, TokenPurpose
from app.tokens import find_valid_token, issue_token


def link_valid_until(event: Event) -> datetime:
    """When the event's personal data is erased (app.privacy), and its links with it."""
    return later(event.ends_at, timedelta(days=event.retention_days))


def issue_materials_token(registration: Registration) -> str:
    until = link_valid_until(registration.event)
    return issue_token(TokenPurpose.MATERIALS, expires_at=until, registration=registration)


def person_of(raw: str) -> Registration | None:
    """Whose link this is; None for an unknown, expired or revoked link, and for one whose
    event has been purged."""
    token = find_valid_token(raw, TokenPurpose.MATERIALS)
    if token is None or token.registration is None:
        return None
    if token.registration.event.purged_at is not None:
        return None
    return token.registration


def material_file(registration: Registration, material_id: int) -> Material | None:
    """One file of the person's event; its bytes are not loaded (file_chunks streams them)."""
    return db.session.scalar(
        sa.select(Material).where(
            Material.id == material_id,
            Material.event_id == registration.event_id,
            Material.data.is_not(None),
        )
    )


CHUNK_BYTES = 256 * 1024


def file_chunks(material: Material) -> Iterator[bytes]:
    """The file's bytes a piece at a time, each read from its row alone (substr works on
    SQLite's BLOB and PostgreSQL's bytea alike): a download holds a piece in memory, not
    the file, however many people download at once."""
    for start in range(0, material.size, CHUNK_BYTES):
        piece = sa.func.substr(Material.data, start + 1, CHUNK_BYTES, type_=sa.LargeBinary)
        yield bytes(db.session.scalar(sa.select(piece).where(Material.id == material.id)))
