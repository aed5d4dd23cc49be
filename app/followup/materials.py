"""An event's materials: links and files its organisers add, in the order they choose."""

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.followup.files import FileKind, safe_filename
from app.models import Event, Material


@dataclass(frozen=True)
class CheckedFile:
    """An upload read and identified before the write transaction (app.followup.files)."""

    filename: str
    kind: FileKind
    data: bytes


class OverQuota(Exception):
    """The event's files together would pass MATERIAL_MAX_EVENT_BYTES."""


def event_materials(event_id: int) -> list[Material]:
    """In their order; the files' bytes are not read."""
    return list(
        db.session.scalars(
            sa.select(Material)
            .where(Material.event_id == event_id)
            .order_by(Material.position, Material.id)
        )
    )


def event_material(event: Event, material_id: int) -> Material | None:
    return db.session.scalar(
        sa.select(Material).where(Material.id == material_id, Material.event_id == event.id)
    )


def stored_bytes(event: Event) -> int:
    return db.session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(Material.size), 0)).where(
            Material.event_id == event.id
        )
    )


def add_link(event: Event, title: str, url: str) -> Material:
    return _add(event, Material(event_id=event.id, title=title, url=url))


def add_file(event: Event, title: str, upload: CheckedFile) -> Material:
    """Raises OverQuota. Two uploads at once cannot both slip under the quota: the event's
    row is locked first (PostgreSQL; SQLite's writers queue anyway)."""
    db.session.execute(sa.select(Event.id).where(Event.id == event.id).with_for_update())
    if stored_bytes(event) + len(upload.data) > current_app.config["MATERIAL_MAX_EVENT_BYTES"]:
        raise OverQuota
    material = Material(
        event_id=event.id,
        title=title,
        filename=safe_filename(upload.filename, upload.kind),
        content_type=upload.kind.content_type,
        size=len(upload.data),
        data=upload.data,
    )
    return _add(event, material)


def _add(event: Event, material: Material) -> Material:
    last = db.session.scalar(
        sa.select(sa.func.max(Material.position)).where(Material.event_id == event.id)
    )
    material.position = (last or 0) + 1
    db.session.add(material)
    db.session.flush()
    return material


def delete_material(material: Material) -> None:
    db.session.execute(sa.delete(Material).where(Material.id == material.id))


def move_material(material: Material, step: int) -> bool:
    """One place up (step -1) or down (+1); False at the end of the list."""
    order = event_materials(material.event_id)
    index = next(i for i, row in enumerate(order) if row.id == material.id)
    other = index + step
    if not 0 <= other < len(order):
        return False
    order[index], order[other] = order[other], order[index]
    for position, row in enumerate(order, start=1):
        row.position = position
    return True
