"""One clock for the whole app, so tests can move time.

In a test's own process, travel() moves it. Journeys through the real server move it in
the server's and the mail worker's processes as well: there CLOCK_OFFSET_FILE names a
file holding an offset in seconds, which now() adds, read again whenever the file is
replaced. Without that setting now() never looks at a file.
"""

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")

_offset = timedelta(0)
_offset_file: Path | None = None
# (the file's identity: inode, mtime and size; the offset read from it then)
_file_offset: tuple[tuple[int, int, int], timedelta] | None = None


def now() -> datetime:
    if _offset_file is None:
        return datetime.now(UTC) + _offset
    return datetime.now(UTC) + _offset + _offset_in_file(_offset_file)


def travel(to: datetime) -> None:
    """Move the clock so now() returns `to` (tests and demos only)."""
    global _offset
    _offset = to - datetime.now(UTC)


def reset() -> None:
    global _offset, _offset_file, _file_offset
    _offset = timedelta(0)
    _offset_file = _file_offset = None


def follow_offset_file(path: str | os.PathLike) -> None:
    """Add the offset in `path` to now() from here on (the CLOCK_OFFSET_FILE setting)."""
    global _offset_file, _file_offset
    _offset_file, _file_offset = Path(path), None


def _offset_in_file(path: Path) -> timedelta:
    """The file's offset, read only when the file changed; no file is no offset."""
    global _file_offset
    try:
        stat = path.stat()
    except FileNotFoundError:
        return timedelta(0)
    identity = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
    known = _file_offset
    if known is not None and known[0] == identity:
        return known[1]
    offset = timedelta(seconds=float(path.read_text().strip() or 0))
    _file_offset = (identity, offset)
    return offset


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(HELSINKI)


def from_local(naive_local: datetime) -> datetime:
    """Read a wall-clock time typed in Helsinki as an aware UTC moment."""
    return naive_local.replace(tzinfo=HELSINKI).astimezone(UTC)
