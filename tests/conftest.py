"""Fixtures: a fresh database per test (SQLite, and PostgreSQL where asked), a real SMTP
server in the test process, factories for organisers and events."""

import os
import re
import shutil
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from email import message_from_bytes, policy
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import g, request_started

from app import clock, create_app
from app.auth import passwords
from app.database import writing
from app.extensions import db
from app.i18n import compile_catalogues
from app.models import EventFormat, QuestionKind, Series
from tests import file_weights, route_builders

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL", "")
# .ci/run sets this: there, a test that cannot run is a failure, not a skip.
REQUIRE_ALL = os.environ.get("KUTSU_REQUIRE_ALL") == "1"
PASSWORD = "correct horse battery staple"


def skip_or_fail(reason: str):
    if REQUIRE_ALL:
        pytest.fail(f"{reason} (KUTSU_REQUIRE_ALL=1: this must run)")
    pytest.skip(reason)


# --- databases ------------------------------------------------------------------------


def pytest_generate_tests(metafunc):
    """Tests marked both_databases run once on SQLite and once on PostgreSQL."""
    if metafunc.definition.get_closest_marker("both_databases"):
        metafunc.parametrize(
            "backend",
            ["sqlite", pytest.param("postgresql", marks=pytest.mark.postgresql)],
        )


def pytest_configure(config):
    config.addinivalue_line("markers", "both_databases: run on SQLite and PostgreSQL")
    # The app reads compiled catalogues; a stale .mo would test yesterday's wording.
    compile_catalogues()
    route_builders.install()
    if not isinstance(passwords._hasher, RememberingHasher):
        passwords._hasher = RememberingHasher(passwords._hasher)
    # pytest-xdist would hand out files by their number of tests, most first; the order
    # collected (heaviest first: tests/file_weights.py) is the one to keep.
    if hasattr(config.option, "loadscopereorder"):
        config.option.loadscopereorder = False
    if config.getoption("record_weights") and not hasattr(config, "workerinput"):
        config.pluginmanager.register(file_weights.WeightRecorder(), "kutsu-weight-recorder")


def pytest_addoption(parser):
    parser.addoption(
        "--record-weights",
        action="store_true",
        help="write each file's seconds into tests/file_weights.json (see tests/file_weights.py)",
    )


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The heaviest files first, so that make test's processes finish together."""
    items[:] = file_weights.heaviest_first(items)


@pytest.fixture
def backend():
    return "sqlite"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


@contextmanager
def own_postgres_database(prefix: str) -> Iterator[str]:
    """An empty database of this test process's own on the PostgreSQL server that
    TEST_DATABASE_URL names (a skip, or a failure under KUTSU_REQUIRE_ALL, without one);
    dropped afterwards."""
    if not TEST_DATABASE_URL:
        skip_or_fail("TEST_DATABASE_URL is not set")
    worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
    name = f"{prefix}_{worker}_{os.getpid()}"
    admin_url = TEST_DATABASE_URL.replace("postgresql+psycopg://", "postgresql://")
    try:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError as exc:
        skip_or_fail(f"PostgreSQL at TEST_DATABASE_URL is not reachable: {exc}")
    yield _with_database(admin_url, name)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_url():
    """A database of our own, its schema made from the models."""
    with own_postgres_database("kutsu_test") as url:
        schema_app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "schema"})
        with schema_app.app_context():
            db.create_all()
            db.engine.dispose()
        yield url


@pytest.fixture
def database_url(request, backend, tmp_path):
    if backend == "postgresql":
        url = request.getfixturevalue("postgres_url")
        engine = sa.create_engine(url.replace("postgresql://", "postgresql+psycopg://"))
        with engine.begin() as conn:
            tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
            conn.execute(sa.text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        engine.dispose()
        return url
    return f"sqlite:///{tmp_path / 'kutsu.sqlite3'}"


@pytest.fixture(scope="session")
def sqlite_schema(tmp_path_factory) -> Path:
    """A SQLite database with the models' schema and no rows, made once per process: each
    test's starts as a copy of it (making the 18 tables took longer than most tests)."""
    path = tmp_path_factory.mktemp("schema") / "kutsu.sqlite3"
    schema_app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "SECRET_KEY": "x"})
    with schema_app.app_context():
        db.create_all()
        db.engine.dispose()  # the last connection checkpoints: the file alone is whole
    return path


# --- mail -----------------------------------------------------------------------------


class Mailbox:
    """What the in-process SMTP server received, parsed."""

    def __init__(self):
        self.messages = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content, policy=policy.default)
        with self.lock:
            self.messages.append(message)
        return "250 OK"

    def clear(self):
        with self.lock:
            self.messages.clear()

    def to(self, address: str):
        return [m for m in self.messages if address in m["To"]]

    @staticmethod
    def text(message) -> str:
        return message.get_body(preferencelist=("plain",)).get_content()

    @staticmethod
    def html(message) -> str:
        return message.get_body(preferencelist=("html",)).get_content()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def smtp_server():
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


@pytest.fixture
def mailbox(smtp_server):
    smtp_server.handler.clear()
    return smtp_server.handler


# --- the app --------------------------------------------------------------------------


# argon2 as deployed takes 64 MiB and about 100 ms a hash or a check, several times that on
# a busy CI machine, and most tests make an organiser and sign them in with one password.
# The test process remembers: each password is hashed once (every account given it gets
# that hash, salt and all) and each hash checked once against each password. The hashes
# are the deployed ones, so a server a test starts checks them as it would any: at full
# cost (tests/test_sign_in_contention.py needs that). Servers do not remember anything.
class RememberingHasher:
    def __init__(self, hasher: PasswordHasher):
        self.hasher = hasher
        self.hashes: dict[str, str] = {}
        self.checked: dict[tuple[str, str], BaseException | bool] = {}

    def hash(self, password: str) -> str:
        if password not in self.hashes:
            self.hashes[password] = self.hasher.hash(password)
        return self.hashes[password]

    def verify(self, password_hash: str, password: str) -> bool:
        key = (password_hash, password)
        if key not in self.checked:
            try:
                self.checked[key] = self.hasher.verify(password_hash, password)
            except (VerificationError, InvalidHashError) as refused:
                self.checked[key] = refused
        answer = self.checked[key]
        if isinstance(answer, BaseException):
            raise type(answer)(*answer.args)
        return answer

    def check_needs_rehash(self, password_hash: str) -> bool:
        return self.hasher.check_needs_rehash(password_hash)


def start_with_empty_g(sender, **extra):
    for name in list(g):
        g.pop(name)


@pytest.fixture
def app(request, database_url, smtp_server, tmp_path):
    sqlite_file = Path(database_url.removeprefix("sqlite:///"))
    if database_url.startswith("sqlite:///") and not sqlite_file.exists():
        shutil.copyfile(request.getfixturevalue("sqlite_schema"), sqlite_file)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": database_url,
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": smtp_server.port,
            "MAIL_DEFAULT_SENDER": "Kutsu <kutsu@test.example>",
            "MAIL_SUPPRESS_SEND": False,  # a real SMTP server receives every message
            "PUBLIC_BASE_URL": "http://kutsu.test",
            "DEV_MAIL_DIR": str(tmp_path / "caught-mail"),
            # Tests post far faster than people; tests/test_rate_limits.py turns them on.
            "RATELIMIT_ENABLED": False,
            # Tests move the clock weeks on with an organiser signed in; a session's own
            # expiry is tested in tests/test_sign_in_sessions.py (through gunicorn).
            "SIGN_IN_IDLE_MINUTES": 10 * 365 * 24 * 60,
            "SIGN_IN_MAX_DAYS": 10 * 365,
        }
    )
    # Test-client requests share the test's app context, and with it `g`, where
    # Flask-Babel keeps the language, Flask-WTF the CSRF token and Flask-Login the user:
    # every request starts with an empty `g`, as its own context gives it in a server.
    request_started.connect(start_with_empty_g, app)
    with app.app_context():
        if database_url.startswith("sqlite"):
            db.create_all()
        yield app
        db.session.remove()
        db.engine.dispose()
    clock.reset()


@pytest.fixture
def client(app):
    """A browser that prefers English: the tests read English text (the default is Finnish;
    tests/test_translations.py checks the other languages)."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


@pytest.fixture(scope="session")
def browser():
    """Chromium for tests/browser and tests/journeys (tests.browser.conftest.chromium)."""
    from tests.browser.conftest import chromium

    with chromium() as browser:
        yield browser


# --- helpers tests share --------------------------------------------------------------

CSRF_FIELD = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|'
    r'type="hidden" name="csrf_token" value="([^"]+)"|'
    r'name="csrf_token" value="([^"]+)"'
)


def csrf_token_in(html: str) -> str:
    match = CSRF_FIELD.search(html)
    assert match, "the page has no CSRF token"
    return next(group for group in match.groups() if group)


def submit(client, url: str, data: dict, *, form_page: str | None = None, **kwargs):
    """Post a form as a browser would: open its page first, send the CSRF token back."""
    page = client.get(form_page or url)
    assert page.status_code == 200, page.status_code
    payload = {"csrf_token": csrf_token_in(page.get_data(as_text=True)), **data}
    return client.post(url, data=payload, **kwargs)


def typed_moment(name: str, day: str, time: str) -> dict:
    """A date-and-time field as an organiser types it: a date (17.12.2027) and a time (17.00)."""
    return {f"{name}-date": day, f"{name}-time": time}


def typed_at(name: str, local) -> dict:
    """A Helsinki wall-clock datetime typed into a date-and-time field, as typed_moment."""
    return typed_moment(
        name, f"{local.day}.{local.month}.{local.year}", f"{local.hour}.{local.minute:02d}"
    )


def sign_up(client, event, **overrides):
    """Fill in and send an event's sign-up form; the defaults are a valid sign-up."""
    data = {
        "name": "Sara Löyttyjärvi",
        "email": "sara@example.fi",
        "organisation": "Hämeen Setlementti ry",
        "consent": "y",
        "sensitive_consent": "y",  # ignored where no question is sensitive
        **overrides,
    }
    return submit(client, f"/events/{event.slug}/register", data, follow_redirects=True)


def text_of(response) -> str:
    """The page as a person reads it: tags dropped, whitespace collapsed."""
    html = response.get_data(as_text=True)
    html = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def deliver_mail(app) -> int:
    """Run the mail worker until the outbox has nothing due."""
    from app.mail.worker import send_due_messages

    # In the test's own app context: the same session then sees what the worker wrote.
    db.session.commit()
    total = 0
    while sent := send_due_messages():
        total += sent
    return total


def pending_mail() -> int:
    """Mail still to send now, as other processes committed it (reminders, due days later,
    aside); the session holds no snapshot afterwards."""
    from app.models import EmailStatus, OutboundEmail

    db.session.rollback()
    try:
        return db.session.scalar(
            sa.select(sa.func.count()).where(
                OutboundEmail.status == EmailStatus.PENDING, OutboundEmail.kind != "reminder"
            )
        )
    finally:
        db.session.rollback()


def link_in(message, path_start: str) -> str:
    """The path of the first link in an email's text that starts with path_start."""
    found = re.search(
        r"http://kutsu\.test(" + re.escape(path_start) + r"[^\s\"<]*)", Mailbox.text(message)
    )
    assert found, f"no {path_start} link in the email"
    return found.group(1)


@pytest.fixture
def make_organiser(app):
    from app.auth.services import create_organiser

    def make(email="organiser@example.fi", name="Olli Organiser", admin=False):
        with writing():
            organiser = create_organiser(email, name, PASSWORD, admin=admin)
            db.session.commit()
        return organiser

    return make


@pytest.fixture
def login(client):
    def sign_in(organiser, password=PASSWORD):
        response = submit(client, "/login", {"email": organiser.email, "password": password})
        assert response.status_code == 303, "sign-in failed"
        return response

    return sign_in


@pytest.fixture
def make_event(app, make_organiser):
    from app.organiser.services import (
        EventDetails,
        QuestionDetails,
        create_event,
        publish_event,
    )

    def make(
        owner=None,
        *,
        title="Hyvinvointi ja sote Kanta-Hämeessä",
        capacity=None,
        waiting_list=True,
        published=True,
        questions=(),
        starts_in=timedelta(days=14),
        **details,
    ):
        owner = owner or make_organiser(email=f"owner{os.urandom(3).hex()}@example.fi")
        # Whole minutes, as the event form gives them.
        starts = (clock.now() + starts_in).replace(second=0, microsecond=0)
        # Begun as a write: on SQLite a read turned into a write fails at once when a
        # journey's server or mail worker wrote meanwhile ("database is locked").
        with writing():
            event = create_event(
                owner,
                EventDetails(
                    title=title,
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=2),
                    format=details.pop("format", EventFormat.IN_PERSON),
                    venue_name=details.pop("venue_name", "Kumppanuustalo, auditorio"),
                    venue_address=details.pop("venue_address", "Hämeenlinna"),
                    capacity=capacity,
                    waiting_list=waiting_list,
                    questions=[
                        q if isinstance(q, QuestionDetails) else QuestionDetails(id=None, **q)
                        for q in questions
                    ],
                    **details,
                ),
            )
            if published:
                publish_event(event)
            db.session.commit()
        return event

    return make


@pytest.fixture
def make_occurrences(make_event, make_organiser):
    """make(count, ...) -> (series, occurrences): meetings a week apart, each an event of
    its own as a copy of one would be (app.series makes them so)."""

    def make(count=3, *, slug="sote-ryhma", capacities=None, waiting_lists=None, **details):
        owner = make_organiser(email=f"owner-{slug}@example.fi")
        series = Series(slug=slug, title="Järjestöjen sote-ryhmä", language="fi")
        db.session.add(series)
        db.session.flush()
        events = []
        for n in range(count):
            event = make_event(
                owner,
                title="Järjestöjen sote-ryhmä",
                starts_in=timedelta(days=14 + 7 * n),
                capacity=(capacities or [None] * count)[n],
                waiting_list=(waiting_lists or [True] * count)[n],
                questions=details.get("questions", ()),
            )
            event.series_id = series.id
            events.append(event)
        db.session.commit()
        return series, events

    return make


DIET_QUESTION = {"label": "Erityisruokavalio", "kind": QuestionKind.SHORT_TEXT, "sensitive": True}
COFFEE_QUESTION = {
    "label": "Osallistun kahvitarjoiluun",
    "kind": QuestionKind.YES_NO,
    "required": True,
}


@pytest.fixture
def live_manage_token(make_event):
    """A live manage token of a confirmed sign-up, as its confirmation email carries it."""
    from app.signup.services import issue_manage_link_token, register_for_event

    event = make_event(capacity=10)
    result = register_for_event(
        event, name="Sara", email="sara@example.fi", organisation="", answers={}, locale="en"
    )
    raw = issue_manage_link_token(result.registration)
    db.session.commit()
    db.session.close()
    return raw
