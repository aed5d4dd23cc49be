"""Journeys through the real server: Kutsu as it is deployed, met as people meet it.

Each journey gets a Kutsu of its own: the app under gunicorn with deploy/gunicorn.conf.py,
a `flask mail work` process and the test's aiosmtpd server, on a database whose schema
`flask db upgrade` made, as an operator's is. Every journey runs on SQLite and on
PostgreSQL. The clock of all three processes moves together (CLOCK_OFFSET_FILE).
"""

import os
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import EmailMessage
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
import sqlalchemy as sa
from playwright.sync_api import Download, Page, expect

from app import clock
from app.config import ROOT
from tests.conftest import (
    PASSWORD,
    Mailbox,
    csrf_token_in,
    own_postgres_database,
)
from tests.servers import (
    Process,
    app_environment,
    running_gunicorn,
    running_mail_worker,
)

MAIL_WAIT = 20.0  # seconds for a message to arrive once the app has planned it
PUBLIC_BASE_URL = "http://kutsu.test"  # tests/servers.py: the links mail carries
REQUEST_TIMEOUT = 30
# Playwright's wait for a page or an element: a real server on a shared CI machine may take
# longer than the 5 s of tests/browser, where the app runs in the test's own process.
BROWSER_TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(items):
    """Every test under tests/journeys is a journey, and starts servers."""
    here = Path(__file__).parent
    for item in items:
        if here in Path(item.fspath).parents:
            item.add_marker(pytest.mark.journey)
            item.add_marker(pytest.mark.slow)


# --- the database, made as an operator makes it --------------------------------------


def flask_command(database_url: str, *args: str, stdin: str | None = None) -> str:
    """`flask --app wsgi ARGS` as an operator types it, against database_url."""
    env = app_environment(database_url) | {"FLASK_SKIP_DOTENV": "1"}
    done = subprocess.run(  # noqa: S603 - our own interpreter and arguments
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        input=stdin,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, f"flask {' '.join(args)}:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory) -> Path:
    """A SQLite database `flask db upgrade` made; each journey starts from a copy."""
    path = tmp_path_factory.mktemp("journeys") / "migrated.sqlite3"
    flask_command(f"sqlite:///{path}", "db", "upgrade")
    return path


@pytest.fixture(scope="session")
def migrated_postgres_url() -> Iterator[str]:
    """A PostgreSQL database of the journeys' own, made by `flask db upgrade`."""
    with own_postgres_database("kutsu_journeys") as url:
        flask_command(url, "db", "upgrade")
        yield url


@pytest.fixture
def database_url(request, backend, tmp_path) -> str:
    """The journey's database, migrated and empty (overrides tests/conftest.py's, so the
    `app` fixture and its factories work on it too)."""
    if backend == "postgresql":
        url = request.getfixturevalue("migrated_postgres_url")
        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        with engine.begin() as conn:
            tables = conn.scalars(
                sa.text(
                    "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
                    " AND tablename <> 'alembic_version'"
                )
            ).all()
            listed = ", ".join(f'"{table}"' for table in tables)
            conn.execute(sa.text(f"TRUNCATE {listed} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return url
    path = tmp_path / "kutsu.sqlite3"
    shutil.copyfile(request.getfixturevalue("migrated_sqlite"), path)
    return f"sqlite:///{path}"


# --- a clock all the processes share -------------------------------------------------


class SharedClock:
    """Moves the clock of the server, the mail worker and the test together."""

    def __init__(self, path: Path):
        self.path = path

    def travel(self, to: datetime) -> None:
        offset = (to - datetime.now(UTC)).total_seconds()
        partial = self.path.with_name(self.path.name + ".new")
        partial.write_text(f"{offset}\n")
        os.replace(partial, self.path)  # a reader sees the old offset or the new, whole


@pytest.fixture
def shared_clock(app, tmp_path) -> SharedClock:
    path = tmp_path / "clock-offset"
    clock.follow_offset_file(path)  # the test's own process; the app fixture resets it
    return SharedClock(path)


# --- Kutsu, running ------------------------------------------------------------------


@dataclass
class Kutsu:
    """A running Kutsu: `kutsu("/path")` is a URL on it; its mail arrives in `mailbox`."""

    url: str
    mailbox: Mailbox
    server: Process
    worker: Process
    clock: SharedClock
    database_url: str
    opened: list = field(default_factory=list)

    def __call__(self, path_or_link: str = "/") -> str:
        """The URL of a path on the server, or of a link from an email: the link's path on
        this server (mail links start with PUBLIC_BASE_URL, which names no real host)."""
        parts = urlsplit(path_or_link)
        return self.url + parts.path + (f"?{parts.query}" if parts.query else "")

    def wait_for_mail(
        self, to: str, *, count: int = 1, subject: str = "", timeout: float = MAIL_WAIT
    ) -> list[EmailMessage]:
        """The messages to `to` (whose subject contains `subject`), once `count` are there."""
        deadline = time.monotonic() + timeout
        while True:
            found = self.mail_to(to, subject=subject)
            if len(found) >= count:
                return found
            self.worker.check_running()
            if time.monotonic() > deadline:
                everything = [(m["To"], m["Subject"]) for m in self.mailbox.messages]
                raise AssertionError(
                    f"gave up after {timeout:.0f} s waiting for {count} message(s) to {to} "
                    f"about {subject!r}; received: {everything}\n"
                    f"--- the mail worker said ---\n{self.worker.output(3000)}"
                )
            time.sleep(0.05)

    def mail_to(self, to: str, *, subject: str = "") -> list[EmailMessage]:
        with self.mailbox.lock:
            messages = list(self.mailbox.messages)
        return [m for m in messages if recipient(m) == to and subject in m["Subject"]]

    def link_in(self, message: EmailMessage, path_start: str, ending: str = "") -> str:
        """The URL on this server of the email's first link that starts with path_start
        (and ends with `ending`), as its text part and its HTML part both give it."""
        pattern = re.escape(PUBLIC_BASE_URL + path_start) + r"[^\s\"<>]*" + re.escape(ending)
        in_text = re.findall(pattern + r"(?=[\s\"<>]|$)", Mailbox.text(message))
        assert in_text, f"no {path_start}…{ending} link in the email {message['Subject']!r}"
        assert in_text[0] in Mailbox.html(message).replace("&amp;", "&"), "the HTML differs"
        return self(in_text[0])

    def visitor(self, language: str = "en") -> "Visitor":
        visitor = Visitor(self.url, language)
        self.opened.append(visitor)
        return visitor

    def flask(self, *args: str, stdin: str | None = None) -> str:
        return flask_command(self.database_url, *args, stdin=stdin)


def recipient(message: EmailMessage) -> str:
    [address] = message["To"].addresses
    return address.addr_spec


@pytest.fixture
def kutsu(request, app, database_url, smtp_server, mailbox, shared_clock) -> Iterator[Kutsu]:
    """Kutsu under gunicorn (its threaded worker, as deployed: one process of 4 threads) and
    its mail worker. Neither may log an error: one after a response has gone out (a
    download cut short) shows only there. One process, not two: each imports the app
    (1.6 s of CPU), the journeys are many and the machine running them has two cores;
    what several processes share (rate limits, caches, the seat counts) is
    tests/test_scale_out.py's, and a journey file that needs more sets GUNICORN_WORKERS."""
    config = {"CLOCK_OFFSET_FILE": str(shared_clock.path)}
    workers = getattr(request.module, "GUNICORN_WORKERS", 1)
    serving = running_gunicorn(database_url, workers=workers, threads=4 // workers, config=config)
    sending = running_mail_worker(database_url, smtp_port=smtp_server.port, config=config)
    with serving as (url, server), sending as worker:
        running = Kutsu(url, mailbox, server, worker, shared_clock, database_url)
        yield running
        for visitor in running.opened:
            visitor.close()
        for process in (server, worker):
            logged = process.output(limit=10**6)
            assert "Traceback" not in logged, f"{process.name} logged an error:\n{logged[-6000:]}"
        for process in (server, worker):
            process.ask_to_stop()  # both at once; the with statement waits for them


# --- people over plain HTTP -----------------------------------------------------------


class Visitor:
    """One person's browser without the browser: a session, forms sent with their token."""

    def __init__(self, base_url: str, language: str):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.trust_env = False  # no proxy from the environment for 127.0.0.1
        self.session.headers["Accept-Language"] = language

    def url(self, path: str) -> str:
        return path if path.startswith("http") else self.base_url + path

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.session.get(self.url(path), timeout=REQUEST_TIMEOUT, **kwargs)

    def submit(self, path: str, data: dict, *, form_page: str | None = None):
        """Open the form's page, send the form with its CSRF token; follow the redirect."""
        page = self.get(form_page or path)
        assert page.status_code == 200, (path, page.status_code)
        payload = {"csrf_token": csrf_token_in(page.text), **data}
        return self.session.post(self.url(path), data=payload, timeout=REQUEST_TIMEOUT)

    def sign_in(self, email: str, password: str = PASSWORD) -> None:
        answer = self.submit("/login", {"email": email, "password": password})
        assert answer.status_code == 200 and "/login" not in answer.url, answer.url

    def close(self) -> None:
        self.session.close()


def page_text(html: str) -> str:
    """A page as a person reads it: tags dropped, whitespace collapsed."""
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


# --- Chromium ------------------------------------------------------------------------


@pytest.fixture
def new_page(browser, kutsu) -> Iterator[Callable]:
    """new_page() opens a tab of a new browser profile on the running Kutsu, in English."""
    contexts = []

    def open_page(language: str = "en-GB"):
        context = browser.new_context(base_url=kutsu.url, locale=language, accept_downloads=True)
        context.set_default_timeout(BROWSER_TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    expect.set_options(timeout=BROWSER_TIMEOUT_MS)
    yield open_page
    expect.set_options(timeout=5_000)  # Playwright's default, as tests/browser expect it
    for context in contexts:
        context.close()


def download(page: Page, link_name: str, *, exact: bool = True) -> bytes:
    """Press a download link; the file the browser saved (it must have saved it whole)."""
    with page.expect_download() as started:
        page.get_by_role("link", name=link_name, exact=exact).click()
    return _saved(started.value)


def download_by_button(page: Page, button_name: str) -> bytes:
    """Press a button whose form sends a file; the file the browser saved."""
    with page.expect_download() as started:
        page.get_by_role("button", name=button_name).click()
    return _saved(started.value)


def _saved(download: Download) -> bytes:
    assert download.failure() is None, f"the download failed: {download.failure()}"
    with open(download.path(), "rb") as file:
        return file.read()


def sign_in(page: Page, email: str) -> None:
    """Sign in on the /login page in Chromium."""
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page).not_to_have_url(re.compile("/login"))


# --- organiser accounts, as an operator makes them -----------------------------------


def create_account(kutsu: Kutsu, email: str, name: str, *, admin: bool = False) -> None:
    """`flask organiser create`, the password on standard input."""
    args = ["organiser", "create", email, "--name", name, "--password-stdin"]
    output = kutsu.flask(*args, *(["--admin"] if admin else []), stdin=PASSWORD + "\n")
    assert f"Created {'admin' if admin else 'organiser'} {email}" in output
