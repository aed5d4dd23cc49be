"""The mail worker's loop (`flask mail work`): a batch, a pause, the next, until stopped.

A database that is locked (SQLite, while another process holds its write lock longer
than the busy timeout) or out of reach (PostgreSQL restarting, the network) is waited
for, however long: the worker says so, waits a little longer each time up to
MAIL_WORKER_DATABASE_RETRY_MAX_SECONDS, and carries on when it answers. A worker that
exited instead left the mail unsent until someone restarted it. What it held when the
database failed is sent again once its lease runs out (at least once; nothing is lost)."""

import logging
import smtplib
import time
from collections.abc import Callable

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.mail.worker import Outage, send_due_messages

log = logging.getLogger(__name__)

# What a worker outlives. Anything else is a fault in Kutsu, and ends it, with its
# traceback, for the operator to see.
TRANSIENT = (
    sa.exc.OperationalError,  # locked; refused, reset or restarted; out of connections
    sa.exc.InterfaceError,  # a connection the server closed
    sa.exc.DisconnectionError,
    sa.exc.TimeoutError,  # no connection free in the pool
    OSError,
    smtplib.SMTPException,
)
FIRST_RETRY_SECONDS = 1.0


def run_worker(
    stopped: Callable[[], bool],
    *,
    interval: float,
    once: bool = False,
    each_round: Callable[[], None] = lambda: None,
    said: Callable[[str], None] = print,
) -> None:
    """Send due mail until `stopped()`; with `once`, until nothing is due. `each_round`
    runs before each batch (the daily retention purge)."""
    outage = Outage()
    failures = 0
    while not stopped():
        try:
            each_round()
            sent = send_due_messages(should_stop=stopped, outage=outage)
        except TRANSIENT as exc:
            db.session.remove()
            if once:
                raise
            failures += 1
            pause = _pause_after(failures)
            log.warning("mail worker interrupted: %s; next try in %g s", _why(exc), pause)
            _sleep_unless(stopped, pause)
            continue
        finally:
            db.session.remove()
        if failures:
            log.warning("mail worker: going again")
            failures = 0
        if sent:
            said(f"sent {sent} message(s)")
        if once and not sent:
            break
        if not sent:
            _sleep_unless(stopped, interval)


def side_task(work: Callable[[], int], failure: str) -> int:
    """One of the worker's side tasks before a batch (timed offers, feedback forms): a
    fault is logged and tried again next round, while the mail goes on (as the retention
    purge does); returns what work() returned, 0 after a fault. A database locked or out
    of reach is the loop's to wait for (TRANSIENT), as the mail's own is."""
    try:
        return work()
    except TRANSIENT:
        raise
    except Exception:
        db.session.rollback()
        current_app.logger.exception(failure)
        return 0


def _pause_after(failures: int) -> float:
    most = current_app.config["MAIL_WORKER_DATABASE_RETRY_MAX_SECONDS"]
    return min(FIRST_RETRY_SECONDS * 2 ** min(failures - 1, 30), most)


def _why(exc: Exception) -> str:
    """The error's first line, without the statement (nor, on PostgreSQL, the values)."""
    cause = getattr(exc, "orig", None) or exc
    first_line = (str(cause).strip().splitlines() or [""])[0]
    return f"{type(cause).__name__}: {first_line}"


def _sleep_unless(stopped: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not stopped() and time.monotonic() < deadline:
        time.sleep(0.1)
