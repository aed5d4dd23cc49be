"""Exports as an organiser downloads them: through the real server, over HTTP.

The attendee CSV once reached every organiser as an empty file (its rows were read after
the request had ended, from a session that was gone) while every in-process test passed.
These tests download from gunicorn, as deployed, and from `flask run --debug`, as `make
run` serves it, and read every row of what arrives; and they break an export on purpose,
to see that a failure is an error page before the first byte and a failed download after
it, never a file that looks complete.
"""

import csv
import io
import re
import socket
import time
from contextlib import ExitStack, contextmanager

import openpyxl
import pytest
import requests
import sqlalchemy as sa

from app.extensions import db
from app.models import Answer, AuditEntry
from tests.conftest import COFFEE_QUESTION, DIET_QUESTION, PASSWORD, csrf_token_in, free_port
from tests.servers import running_dev_server, running_server
from tests.test_exports import INTEREST_QUESTION, INTERESTS, bulk_registrations

PEOPLE = 2500  # past the first chunk the server reads before it answers
TIMEOUT = 60


@pytest.fixture
def event_with_people(make_organiser, make_event):
    owner = make_organiser()
    event = make_event(owner, questions=[DIET_QUESTION, COFFEE_QUESTION, INTEREST_QUESTION])
    bulk_registrations(event, PEOPLE)
    return owner, event


def expected_row(number: int, *, sensitive: bool) -> list[str]:
    """What bulk_registrations stored for person `number`, as the export words it."""
    answered = number % 2 == 0
    diet = f"dieetti {number}" if answered else ""
    coffee = ("Yes" if number % 4 == 0 else "No") if answered else ""
    interests = ", ".join(INTERESTS[:2]) if number % 10 == 0 else ""
    return [
        f"Osallistuja {number:04d} Ähtäri",
        f"osallistuja{number}@example.fi",
        "Yhdistys ry",
        "Waiting list" if number % 2 else "Confirmed",
        *([diet] if sensitive else []),
        coffee,
        interests,
    ]


class Organiser:
    """An organiser's browser: signed in over HTTP, with its own session cookie."""

    def __init__(self, base_url: str, email: str):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.trust_env = False
        self.session.headers["Accept-Language"] = "en"
        token = csrf_token_in(self.get("/login").text)
        signed_in = self.session.post(
            base_url + "/login",
            data={"csrf_token": token, "email": email, "password": PASSWORD},
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        assert signed_in.status_code == 303, signed_in.text

    def get(self, path: str, **kwargs) -> requests.Response:
        return self.session.get(self.base_url + path, timeout=TIMEOUT, **kwargs)


@contextmanager
def served(kind: str, database_url: str):
    if kind == "gunicorn":
        with running_server(database_url, workers=2, threads=2) as base_url:
            yield base_url
    else:
        with running_dev_server(database_url, port=free_port()) as base_url:
            yield base_url


def parsed_csv(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode()), "Excel needs the BOM to read UTF-8"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def without_times(row: list[str]) -> list[str]:
    # Registered, Checked in and Attended are checked by tests/test_exports.py
    return row[:4] + row[7:]


@pytest.mark.both_databases
def test_attendee_downloads_through_gunicorn_have_every_row(event_with_people, database_url):
    owner, event = event_with_people
    path = f"/organiser/events/{event.id}/attendees"

    with served("gunicorn", database_url) as base_url:
        organiser = Organiser(base_url, owner.email)
        plain = organiser.get(path + ".csv")
        sensitive = organiser.get(path + ".csv?sensitive=1")
        workbook = organiser.get(path + ".xlsx?sensitive=1")

    for response in (plain, sensitive, workbook):
        assert response.status_code == 200
        assert "attachment" in response.headers["Content-Disposition"]
    rows = parsed_csv(plain.content)
    assert rows[0] == [
        "Name",
        "Email",
        "Organisation",
        "Status",
        "Registered",
        "Checked in",
        "Attended",
    ] + [
        "Osallistun kahvitarjoiluun",
        "Minua kiinnostaa",
    ]
    assert [without_times(row) for row in rows[1:]] == [
        expected_row(number, sensitive=False) for number in range(1, PEOPLE + 1)
    ]
    rows = parsed_csv(sensitive.content)
    assert rows[0][7] == "Erityisruokavalio"
    assert [without_times(row) for row in rows[1:]] == [
        expected_row(number, sensitive=True) for number in range(1, PEOPLE + 1)
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(workbook.content)).active
    cells = [["" if v is None else v for v in row] for row in sheet.iter_rows(values_only=True)]
    assert cells == rows  # the same rows as the CSV, cell for cell
    db.session.rollback()  # the server wrote them: read afresh
    assert db.session.scalars(sa.select(AuditEntry.detail).order_by(AuditEntry.id)).all() == [
        f"csv: complete, {PEOPLE} rows",
        f"csv sensitive: complete, {PEOPLE} rows",
        f"xlsx sensitive: complete, {PEOPLE} rows",
    ]


def test_attendee_csv_downloads_from_the_server_make_run_uses_too(event_with_people, database_url):
    """gunicorn is the test above's; `make run` serves with `flask run --debug`."""
    owner, event = event_with_people

    with served("flask run --debug", database_url) as base_url:
        organiser = Organiser(base_url, owner.email)
        attendees = organiser.get(f"/organiser/events/{event.id}/attendees.csv")

    assert attendees.status_code == 200
    assert len(parsed_csv(attendees.content)) == PEOPLE + 1


def break_answer(event, number: int) -> None:
    """Person `number`'s diet answer made unreadable, as a damaged database row would be."""
    diet = event.questions[0]
    db.session.execute(
        sa.update(Answer)
        .where(Answer.registration_id == number, Answer.question_id == diet.id)
        .values(value=sa.text("'{not json'"))
    )
    db.session.commit()


def export_audit_lines() -> list[str]:
    db.session.rollback()  # the server wrote them: read afresh
    return db.session.scalars(
        sa.select(AuditEntry.detail).where(AuditEntry.detail.like("csv%")).order_by(AuditEntry.id)
    ).all()


@pytest.mark.parametrize("server", ["gunicorn", "flask run --debug"])
def test_an_export_that_fails_before_its_first_byte_is_an_error_page(
    server, event_with_people, database_url
):
    owner, event = event_with_people
    break_answer(event, 2)  # in the first chunk, read before the server answers

    with served(server, database_url) as base_url:
        organiser = Organiser(base_url, owner.email)
        response = organiser.get(f"/organiser/events/{event.id}/attendees.csv?sensitive=1")

    assert response.status_code == 500
    assert "Content-Disposition" not in response.headers
    assert response.headers["Content-Type"].startswith("text/html")
    assert export_audit_lines() == ["csv sensitive: failed before the first byte: JSONDecodeError"]


@pytest.mark.parametrize("server", ["gunicorn", "flask run --debug"])
def test_an_export_that_fails_midway_is_a_failed_download_not_a_short_file(
    server, event_with_people, database_url
):
    owner, event = event_with_people
    break_answer(event, 2000)  # well after the first chunk has been sent

    with served(server, database_url) as base_url, ExitStack() as stack:
        organiser = Organiser(base_url, owner.email)
        response = stack.enter_context(
            organiser.get(f"/organiser/events/{event.id}/attendees.csv?sensitive=1", stream=True)
        )
        assert response.status_code == 200
        received = bytearray()
        with pytest.raises(requests.exceptions.ChunkedEncodingError):
            for chunk in response.iter_content(chunk_size=None):
                received += chunk

    # Whatever arrived is the start of the file and nothing else: no error text after it.
    text = bytes(received).decode("utf-8-sig", errors="replace")
    assert text.startswith("Name;Email;")
    assert "Error" not in text and "Traceback" not in text
    # One line for the one download, saying how it ended.
    assert export_audit_lines() == ["csv sensitive: failed after 1999 rows: JSONDecodeError"]


MANY = 20_000  # far more than the socket buffers hold: the download is still going


def first_bytes_then_gone(organiser: Organiser, path: str) -> bytes:
    """Download as a browser that is closed after the first chunk has arrived: a small
    receive buffer, then the connection closed with the rest unread (a reset)."""
    host, port = organiser.base_url.removeprefix("http://").split(":")
    cookies = "; ".join(f"{k}={v}" for k, v in organiser.session.cookies.get_dict().items())
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.settimeout(TIMEOUT)
        sock.connect((host, int(port)))
        request = f"GET {path} HTTP/1.1\r\nHost: {host}\r\nCookie: {cookies}\r\n\r\n"
        sock.sendall(request.encode())
        received = b""
        while len(received) < 16384:
            received += sock.recv(4096)
    return received


def wait_for_line(unfinished: str) -> list[str]:
    """The export lines, once none says `unfinished` (the server concludes a download
    after its connection is gone)."""
    deadline = time.monotonic() + TIMEOUT
    while unfinished in (lines := export_audit_lines()) and time.monotonic() < deadline:
        time.sleep(0.1)
    return lines


@pytest.mark.both_databases
def test_a_download_the_browser_abandons_is_audited_as_stopped_and_a_whole_one_as_complete(
    make_organiser, make_event, database_url
):
    admin = make_organiser(email="admin@example.fi", admin=True)
    event = make_event(admin, questions=[DIET_QUESTION, COFFEE_QUESTION, INTEREST_QUESTION])
    bulk_registrations(event, MANY)
    path = f"/organiser/events/{event.id}/attendees.csv"

    with served("gunicorn", database_url) as base_url:
        organiser = Organiser(base_url, admin.email)
        started = first_bytes_then_gone(organiser, path)
        abandoned = wait_for_line("csv: not finished")
        whole = organiser.get(path)
        both = wait_for_line("csv: not finished")
        audit_page = organiser.get("/admin/audit")

    assert started.startswith(b"HTTP/1.1 200 OK")
    [line] = abandoned
    stopped = re.fullmatch(r"csv: stopped after (\d+) rows: the download was not finished", line)
    assert stopped, line
    assert 0 < int(stopped.group(1)) < MANY
    assert len(parsed_csv(whole.content)) == MANY + 1
    assert both == [line, f"csv: complete, {MANY} rows"]
    shown = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", audit_page.text))
    assert f"Downloaded the attendees {event.title} csv: complete, {MANY} rows" in shown
    assert f"Downloaded the attendees {event.title} {line}" in shown
