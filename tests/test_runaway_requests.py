"""A request that runs past its time is stopped (issue 18): gunicorn's gthread worker does
not enforce `timeout` for a thread stuck in a request, so deploy/gunicorn.conf.py's watchdog
ends such a request with its process, and the arbiter starts a fresh one.

Through gunicorn with deploy/gunicorn.conf.py and a limit of 2 s (KUTSU_REQUEST_TIMEOUT),
serving tests/runaway_app.py: Kutsu with a route that never returns. Before the watchdog,
the runaway request was still running when the test gave up on it, in the same process."""

import http.client
import secrets
import threading
import time

import pytest
import requests

from tests.servers import HOST, children_of, running_gunicorn

LIMIT = 2  # seconds a request may run
WAIT = 30  # seconds, at most, for the process to be replaced


def get(port: int, path: str, timeout: float = WAIT) -> int | str:
    """The status of GET path, or the name of the error that ended it."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        connection.request("GET", path)
        return connection.getresponse().status
    except (OSError, http.client.HTTPException) as error:
        return type(error).__name__
    finally:
        connection.close()


@pytest.mark.slow
@pytest.mark.both_databases
def test_a_runaway_request_ends_with_its_process_and_others_are_answered(app, database_url):
    token = secrets.token_urlsafe(32)
    serving = running_gunicorn(
        database_url,
        workers=1,
        threads=4,
        app="tests.runaway_app:app",
        extra_env={"KUTSU_REQUEST_TIMEOUT": str(LIMIT)},
    )
    with serving as (url, server):
        port = int(url.rsplit(":", 1)[1])
        [first] = children_of(server.pid)
        ended = []
        runaway = threading.Thread(
            target=lambda: ended.append(get(port, f"/manage/{token}/runaway?q=Aino"))
        )
        runaway.start()
        # While it runs, the process's other threads answer.
        assert get(port, "/") == 200
        runaway.join(WAIT)

        assert not runaway.is_alive(), "the runaway request was never stopped"
        assert ended[0] in ("RemoteDisconnected", "ConnectionResetError"), ended
        deadline = time.monotonic() + WAIT
        while children_of(server.pid) in (set(), {first}) and time.monotonic() < deadline:
            time.sleep(0.1)
        [replacement] = children_of(server.pid)
        assert replacement != first
        assert get(port, "/") == 200  # the fresh process answers
        logged = server.output(limit=10**6)

    assert f"Request ran past {LIMIT} s" in logged
    assert f"(pid {first}): GET /manage/[token]/runaway" in logged
    assert token not in logged
    assert "Aino" not in logged  # nor the query, which may name a person


@pytest.mark.slow
@pytest.mark.postgresql
@pytest.mark.parametrize("backend", ["postgresql"])
def test_a_long_statement_is_cancelled_and_its_process_lives_on(app, database_url):
    """On PostgreSQL the app servers' statements stop after KUTSU_STATEMENT_TIMEOUT: the
    request gets the error page, and the same process answers the next one."""
    serving = running_gunicorn(
        database_url,
        workers=1,
        threads=2,
        app="tests.runaway_app:app",
        extra_env={"KUTSU_STATEMENT_TIMEOUT": "1"},
    )
    with serving as (url, server):
        [process] = children_of(server.pid)
        answer = requests.get(
            f"{url}/slow-statement", headers={"Accept-Language": "en"}, timeout=WAIT
        )

        assert answer.status_code == 500
        assert "Something went wrong on our side. Nothing was saved." in answer.text
        assert children_of(server.pid) == {process}
        assert get(int(url.rsplit(":", 1)[1]), "/") == 200
        assert "canceling statement due to statement timeout" in server.output(limit=10**6)
