"""No log line carries a token: a live manage link sent in requests that the servers
report (a malformed request line, a request line too long, a bad method or header, a
request that fails in the app), and in ordinary ones, never shows in what gunicorn (as
deployed, here at debug level) or `flask run --debug` (as `make run` serves) wrote."""

import socket
import time

import pytest

from app.redaction import REDACTED, redact
from tests.conftest import free_port
from tests.servers import running_flask_run, running_gunicorn
from tests.test_faults import database_held_by_someone_else

TIMEOUT = 10


def exchange(base_url: str, raw: bytes) -> bytes:
    """Send raw bytes as a request; what the server answered (until it closes or 2 s)."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=TIMEOUT) as sock:
        sock.sendall(raw)
        sock.settimeout(2)
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except (TimeoutError, ConnectionResetError):
            pass
    return answer


def bad_requests(token: str) -> list[bytes]:
    path = f"/manage/{token}"
    return [
        f"GET {path} HTTP/1.1 extra\r\nHost: x\r\n\r\n".encode(),  # malformed request line
        f"GET {path}?{'a' * 5000} HTTP/1.1\r\nHost: x\r\n\r\n".encode(),  # too long
        f"G@T {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode(),  # bad method
        f"GET {path} HTTP/9.9\r\nHost: x\r\n\r\n".encode(),  # bad version
        f"GET / HTTP/1.1\r\nHost: x\r\nReferer: http://x{path}\x01\r\n\r\n".encode(),
        f"GET / HTTP/1.1\r\nHost: x\r\nX-{token}: 1\x00\r\n\r\n".encode(),
        f"GET /language/en?next=%2Fmanage%2F{token} HTTP/1.1\r\nHost: x\r\n\r\n".encode(),
        f"GET {path} HTTP/1.1\r\nHost: x\r\nContent-Length: x\r\n\r\n".encode(),
        f"{path}\r\n\r\n".encode(),
        f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode(),
        f"GET {path}/calendar.ics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode(),
    ]


def failed_cancel(base_url: str, token: str, database_url: str) -> None:
    """A cancel that fails in the app (its database held by someone else): logged with
    its traceback."""
    import requests

    session = requests.Session()
    session.trust_env = False
    page = session.get(f"{base_url}/manage/{token}/cancel", timeout=TIMEOUT)
    from tests.conftest import csrf_token_in

    data = {"csrf_token": csrf_token_in(page.text)}
    with database_held_by_someone_else(database_url):
        response = session.post(f"{base_url}/manage/{token}/cancel", data=data, timeout=60)
    assert response.status_code == 500


IMPATIENT = {"SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"timeout": 0.5}}}


def sent_and_logged(base_url: str, process, token: str, database_url: str):
    """Send every request above and a failing cancel; what came back and what was logged,
    which holds the token nowhere, in any case, nor its start."""
    answers = [exchange(base_url, request) for request in bad_requests(token)]
    failed_cancel(base_url, token, database_url)
    time.sleep(0.5)  # the last lines written
    logged = process.output(limit=10**7)
    assert token.upper() not in logged.upper()
    assert token[:20] not in logged
    return answers, logged


def test_gunicorn_logs_no_token(live_manage_token, database_url):
    extra = {"GUNICORN_CMD_ARGS": "--log-level debug"}
    served = running_gunicorn(database_url, workers=1, threads=2, extra_env=extra, config=IMPATIENT)
    with served as (base_url, process):
        answers, logged = sent_and_logged(base_url, process, live_manage_token, database_url)

    assert all(answer.startswith(b"HTTP/1.1 ") for answer in answers), answers
    assert b"400 Bad Request" in answers[0] and b"414" in answers[1]
    assert "Invalid request" in logged  # gunicorn reported the bad ones
    assert "Exception on /manage/<token>/cancel [POST]" in logged


def test_flask_run_logs_no_token(live_manage_token, database_url):
    served = running_flask_run(database_url, port=free_port(), config=IMPATIENT)
    with served as (base_url, process):
        answers, logged = sent_and_logged(base_url, process, live_manage_token, database_url)

    assert any(b"200 OK" in answer for answer in answers)
    assert f"GET /manage/{REDACTED}" in logged  # Werkzeug logged the requests, redacted
    assert "database is locked" in logged  # and the failed cancel, with its traceback


@pytest.mark.parametrize(
    "line, expected",
    [
        ("GET /manage/abc/cancel HTTP/1.1", f"GET /manage/{REDACTED}/cancel HTTP/1.1"),
        ("/invitations/abc/accept", f"/invitations/{REDACTED}/accept"),
        ("/login/reset/abc", f"/login/reset/{REDACTED}"),
        ("/join/abc", f"/join/{REDACTED}"),
        ("/account/email/confirm/abc", f"/account/email/confirm/{REDACTED}"),
        ("/lists/leave/abc", f"/lists/leave/{REDACTED}"),
        ("/feedback/abc", f"/feedback/{REDACTED}"),
        ("/materials/abc/1/notes.pdf", f"/materials/{REDACTED}/1/notes.pdf"),
        (
            "next=%2Faccount%2Femail%2Fconfirm%2Fabc",
            f"next=%2Faccount%2Femail%2Fconfirm%2F{REDACTED}",
        ),
        ("Exception on /manage/<token>/cancel", "Exception on /manage/<token>/cancel"),
        ("next=%2Fmanage%2Fabc%2Fcancel", f"next=%2Fmanage%2F{REDACTED}%2Fcancel"),
        ("?t=" + "A" * 43 + "&x", f"?t={REDACTED}&x"),
        ("X-" + "A1" * 22, REDACTED),  # a header name, in capitals
        ("/events/kevatpaiva-1a2b3c/register", "/events/kevatpaiva-1a2b3c/register"),
        (
            "/events/" + "hyvinvointi-ja-sote-" * 3 + "1a2b3c",
            "/events/" + "hyvinvointi-ja-sote-" * 3 + "1a2b3c",
        ),
    ],
)
def test_token_segments_are_redacted(line, expected):
    assert redact(line) == expected
