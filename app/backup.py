"""Backups of the embedded SQLite database, safe while the server and worker run."""

import os
import sqlite3
from pathlib import Path

from sqlalchemy.engine import Engine


class NotSQLite(Exception):
    """PostgreSQL has its own tool for this: pg_dump."""


def backup_sqlite(engine: Engine, target: Path, *, pages_per_step: int = 1024) -> int:
    """Copy the live database to `target` with SQLite's online backup API; returns its size.

    Copies in steps, so writers wait only moments at a time; a write between steps makes
    SQLite start over, and the copy is always one consistent moment. Written beside the
    target first, then moved into place, so a half-written file never has its name.
    """
    if engine.dialect.name != "sqlite":
        raise NotSQLite(engine.dialect.name)
    partial = target.with_name(f".{target.name}.partial")
    partial.unlink(missing_ok=True)
    source = engine.raw_connection()
    try:
        with sqlite3.connect(partial) as copy:
            source.driver_connection.backup(copy, pages=pages_per_step)
            (verdict,) = copy.execute("PRAGMA integrity_check").fetchone()
        copy.close()
        if verdict != "ok":
            raise sqlite3.DatabaseError(f"the copy failed its integrity check: {verdict}")
        os.replace(partial, target)
    finally:
        source.close()
        partial.unlink(missing_ok=True)
    return target.stat().st_size
