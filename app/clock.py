"""One clock for the whole app, so tests can move time."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

HELSINKI = ZoneInfo("Europe/Helsinki")

_offset = timedelta(0)


def now() -> datetime:
    return datetime.now(UTC) + _offset


def travel(to: datetime) -> None:
    """Move the clock so now() returns `to` (tests and demos only)."""
    global _offset
    _offset = to - datetime.now(UTC)


def reset() -> None:
    global _offset
    _offset = timedelta(0)


def to_local(moment: datetime) -> datetime:
    return moment.astimezone(HELSINKI)


def from_local(naive_local: datetime) -> datetime:
    """Read a wall-clock time typed in Helsinki as an aware UTC moment."""
    return naive_local.replace(tzinfo=HELSINKI).astimezone(UTC)
