"""`flask mail work` outlives its database failing it: SQLite locked by another process for
longer than the worker's busy timeout, PostgreSQL out of reach (its connections cut, then
refused) for a while. The worker says so, waits, and sends the mail once the database is
back; SIGTERM still stops it cleanly. Real processes, real databases, aiosmtpd."""

import re
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import pytest

from app.database import writing
from app.extensions import db
from app.signup.services import register_for_event
from tests.servers import Process, app_environment, running_process
from tests.tcp_proxy import TcpProxy

WAIT = 30  # seconds for mail to arrive, or for the worker to meet the failure
INTERRUPTED = re.compile(r"mail worker interrupted: .*; next try in")


@contextmanager
def mail_worker(database_url: str, *, smtp_port: int, config: dict) -> Iterator[Process]:
    """`flask mail work` as operators run it; the test stops it and reads its exit status."""
    settings = {
        "MAIL_PORT": smtp_port,
        "MAIL_SUPPRESS_SEND": False,
        "MAIL_WORKER_DATABASE_RETRY_MAX_SECONDS": 1,
        **config,
    }
    env = app_environment(database_url, settings) | {"FLASK_SKIP_DOTENV": "1"}
    args = [sys.executable, "-m", "flask", "--app", "wsgi", "mail", "work", "--interval", "0.2"]
    with running_process("mail worker", args, env) as process:
        yield process


def wait_for(condition: Callable[[], object], what: str, worker: Process) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        worker.check_running()
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {WAIT} s waiting for {what}")
        time.sleep(0.05)


def sign_up(event, email: str) -> None:
    register_for_event(
        event, name="Sara Virta", email=email, organisation="", answers={}, locale="en"
    )


def interruptions(worker: Process) -> int:
    return len(INTERRUPTED.findall(worker.output(limit=10**6)))


@pytest.mark.slow
def test_the_worker_outlives_sqlite_locked_past_its_busy_timeout(
    app, database_url, make_event, mailbox, smtp_server
):
    event = make_event()
    # Half a second's busy timeout, where 30 s is the default: the lock outlasts it sooner.
    config = {"SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"timeout": 0.5}}}
    with mail_worker(database_url, smtp_port=smtp_server.port, config=config) as worker:
        sign_up(event, "first@example.fi")
        db.session.commit()
        wait_for(lambda: mailbox.to("first@example.fi"), "the first mail", worker)

        # Another process's long write (an upload parsed inside its transaction, say): this
        # test's session holds SQLite's write lock, with a sign-up in it, for a while.
        with writing():
            sign_up(event, "sara@example.fi")
            db.session.flush()
            wait_for(lambda: interruptions(worker) >= 3, "the worker to meet the lock", worker)
            db.session.commit()

        wait_for(lambda: mailbox.to("sara@example.fi"), "the mail queued under the lock", worker)
        assert "database is locked" in worker.output(limit=10**6)
        worker.check_running()
        assert worker.stop() == 0, "SIGTERM stops it cleanly"
    assert len(mailbox.to("sara@example.fi")) == 1


def through(proxy: TcpProxy, database_url: str) -> str:
    parts = urlsplit(database_url)
    return urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{proxy.port}"))


@pytest.mark.slow
@pytest.mark.postgresql
@pytest.mark.parametrize("backend", ["postgresql"])
def test_the_worker_outlives_postgresql_out_of_reach_and_sends_when_it_is_back(
    app, database_url, make_event, mailbox, smtp_server
):
    event = make_event()
    server = urlsplit(database_url)
    proxy = TcpProxy((server.hostname, server.port or 5432))
    proxy.start()
    try:
        url = through(proxy, database_url)
        with mail_worker(url, smtp_port=smtp_server.port, config={}) as worker:
            sign_up(event, "first@example.fi")
            db.session.commit()
            wait_for(lambda: mailbox.to("first@example.fi"), "the first mail", worker)

            proxy.stop()  # the worker's connections are cut; new ones are refused
            sign_up(event, "sara@example.fi")  # the test's own connection is not proxied
            db.session.commit()
            wait_for(lambda: interruptions(worker) >= 3, "the worker to meet the outage", worker)
            assert not mailbox.to("sara@example.fi")

            proxy.start()  # the same port again
            wait_for(lambda: mailbox.to("sara@example.fi"), "the mail queued meanwhile", worker)
            worker.check_running()
            assert worker.stop() == 0, "SIGTERM stops it cleanly"
    finally:
        proxy.stop()
    assert len(mailbox.to("sara@example.fi")) == 1
