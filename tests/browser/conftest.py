"""Browser tests: Debian's Chromium, driven by Playwright, against the app over real HTTP.

Never a downloaded browser: Chromium comes from the system, and every request goes to
127.0.0.1. Without /usr/bin/chromium these tests skip, or fail under KUTSU_REQUIRE_ALL=1.
"""

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Browser, sync_playwright
from werkzeug.serving import make_server

from app.database import writing
from app.extensions import db
from tests.browser.language import BROWSER_LOCALES, LANGUAGES
from tests.conftest import skip_or_fail

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Belt and braces: no host but 127.0.0.1 resolves, so a page cannot reach the network.
    "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
]
# Short enough that a missing element fails fast, long enough for a slow CI machine.
TIMEOUT_MS = 5_000


def pytest_configure(config):
    config.addinivalue_line("markers", "browser: drives Chromium against a live server")


def pytest_report_header(config):
    if os.path.exists(CHROMIUM):
        return f"browser tests: {CHROMIUM}"
    return f"browser tests: NOT RUN, {CHROMIUM} is missing (apt-get install chromium)"


def pytest_terminal_summary(terminalreporter):
    if not os.path.exists(CHROMIUM):
        terminalreporter.write_sep(
            "!", f"BROWSER TESTS WERE NOT RUN: {CHROMIUM} is missing", red=True, bold=True
        )


@contextmanager
def chromium() -> Iterator[Browser]:
    """Debian's Chromium, started by Playwright. One a process: Playwright's sync API
    cannot start a second while one runs, so tests/conftest.py's session fixture `browser`
    holds it for the browser tests and the journeys alike."""
    if not os.path.exists(CHROMIUM):
        skip_or_fail(f"{CHROMIUM} is not installed")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        browser.close()


class LiveServer:
    def __init__(self, app):
        # Port 0: the OS picks a free port, with no window for another process to take it.
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        # A short poll: stop() waits for the serving loop to notice, once per test.
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def start(self):
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=10)

    def __call__(self, path_or_link: str = "/") -> str:
        """The live URL of a path, or of a link from an email (http://kutsu.test/...)."""
        parts = urlsplit(path_or_link)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        return self.url + path


@pytest.fixture
def live_server(app) -> Iterator[LiveServer]:
    """The test app served over HTTP on 127.0.0.1: `live_server(path)` gives a URL."""
    server = LiveServer(app)
    server.start()
    yield server
    server.stop()


@pytest.fixture(params=LANGUAGES)
def language(request) -> str:
    """Each browser test runs once per language the app speaks: fi, sv and en.

    A test that needs only some parametrizes `language` itself, which overrides this.
    """
    return request.param


@pytest.fixture
def page(browser, live_server, language):
    """A browser tab whose Accept-Language asks for `language` (fi-FI, sv-FI or en-GB):
    the app picks the language from it, and tests read the page through
    tests.browser.language.t()."""
    context = browser.new_context(base_url=live_server.url, locale=BROWSER_LOCALES[language])
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    yield page
    context.close()


@contextmanager
def write_beside_server() -> Iterator[None]:
    """Write to the database from the test while the live server writes too.

    Ends the session's open read transaction first: in WAL mode its snapshot may predate
    what the server wrote since, and SQLite refuses to turn a stale read into a write
    ("database is locked") without waiting. Then BEGIN IMMEDIATE, as the app's writers do.
    """
    db.session.commit()
    with writing():
        yield
        db.session.commit()
