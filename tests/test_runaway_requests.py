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
    assert f"(pid {first}): GET /manage/…/runaway" in logged
    assert token not in logged
    assert "Aino" not in logged  # nor the query, which may name a person
