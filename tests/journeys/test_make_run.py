"""The README's first command: `make run` in a fresh clone of the repository serves a
sign-up whose confirmation shows up at /dev/mail, and Ctrl+C stops everything it started.

It uses the fixed ports the README names (5000 for Kutsu, 1025 for the mail catcher), so
it skips, saying so, when something else has them. It runs with the test's own .venv
(`make run VENV=...`, never installing into it): the clone gets no .venv of its own.
"""

import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests

from app.config import ROOT
from tests.conftest import csrf_token_in

PORTS = {"Kutsu": 5000, "the mail catcher": 1025}
URL = "http://127.0.0.1:5000"
START_WAIT = 120.0  # seconds from `make run` to the first page (migrations, demo data)
MAIL_WAIT = 30.0  # seconds from the sign-up to the confirmation at /dev/mail
STOP_WAIT = 45.0  # seconds from Ctrl+C until every process is gone, on a busy machine too
REQUEST_TIMEOUT = 30  # seconds for one page: the development server on a busy machine


def port_is_free(port: int) -> bool:
    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
        return True


def group_is_gone(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except ProcessLookupError:
        return True
    return False


def as_a_terminal_starts_it() -> None:
    """Signals as a new terminal gives them: none blocked, none ignored. A test process
    may have inherited or set otherwise (an xdist worker late in a run left `make run`'s
    processes deaf to Ctrl+C and to the trap's kill)."""
    signal.pthread_sigmask(signal.SIG_SETMASK, [])
    for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(number, signal.SIG_DFL)


def left_in(group: int) -> str:
    """The processes of the group still there, as ps shows them: which one did not stop."""
    shown = subprocess.run(
        ["ps", "-ww", "-o", "pid,ppid,stat,etime,ignored,blocked,caught,args", "-g", str(group)],  # noqa: S607
        capture_output=True,
        text=True,
        check=False,
    )
    return shown.stdout


def wait_until(condition, what: str, timeout: float, make: subprocess.Popen, output) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if make.poll() is not None:
            raise AssertionError(f"make run exited ({make.returncode}):\n{read(output)}")
        if time.monotonic() > deadline:
            raise AssertionError(f"no {what} after {timeout:.0f} s:\n{read(output)}")
        time.sleep(0.25)


def read(output) -> str:
    output.flush()
    output.seek(0)
    return output.read().decode("utf-8", errors="replace")[-6000:]


def answers(path: str) -> requests.Response | None:
    try:
        return requests.get(URL + path, timeout=REQUEST_TIMEOUT, headers={"Accept-Language": "en"})
    except (requests.ConnectionError, requests.Timeout):
        return None


@pytest.fixture
def clone(tmp_path) -> Path:
    """A clean clone of the repository as committed, without a .venv or an instance."""
    target = tmp_path / "kutsu"
    subprocess.run(  # noqa: S603
        ["git", "clone", "--quiet", str(ROOT), str(target)],  # noqa: S607
        check=True,
        timeout=120,
    )
    assert not (target / "instance" / "config.py").exists()
    return target


def test_make_run_in_a_fresh_clone_serves_a_sign_up_and_stops_on_ctrl_c(clone):
    taken = [f"{name} ({port})" for name, port in PORTS.items() if not port_is_free(port)]
    if taken:
        pytest.skip(f"make run needs ports taken by something else here: {', '.join(taken)}")
    venv = Path(sys.prefix)
    checksum = subprocess.run(  # noqa: S603
        ["cksum", "pyproject.toml"],  # noqa: S607
        cwd=clone,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()[0]
    # Make would install Kutsu into the given .venv again whenever the clone's
    # pyproject.toml is newer than the stamp of the last install: -o says it is not.
    stamp = venv / f".installed-{checksum}"
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("FLASK_", "MAKE", "MFLAGS"))
    }
    with tempfile.TemporaryFile() as output:
        make = subprocess.Popen(  # noqa: S603
            ["make", "-o", str(stamp), "run", f"VENV={venv}"],  # noqa: S607
            cwd=clone,
            env={**env, "PYTHONUNBUFFERED": "1"},
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, as a terminal gives it
            preexec_fn=as_a_terminal_starts_it,  # noqa: PLW1509 - before any thread of its own
        )
        group = make.pid
        try:
            wait_until(
                lambda: answers("/") is not None, "answer at " + URL, START_WAIT, make, output
            )
            printed = read(output)
            assert "sara.demo@kutsu.example / password" in printed  # how to sign in
            assert (clone / "instance" / "kutsu.sqlite3").exists()  # the clone's own

            # A person signs up for the monthly Teams meeting of the demo data.
            session = requests.Session()
            session.headers["Accept-Language"] = "en"
            listing = session.get(URL + "/", timeout=REQUEST_TIMEOUT).text
            slug = re.search(
                r'href="/events/([^"]+)">(?:<[^>]+>)*Järjestöjen sote-ryhmän', listing
            ).group(1)
            form = session.get(f"{URL}/events/{slug}/register", timeout=REQUEST_TIMEOUT).text
            region = re.search(r'name="(q_\d+)" type="radio" value="([^"]+)"', form)
            sent = session.post(
                f"{URL}/events/{slug}/register",
                data={
                    "csrf_token": csrf_token_in(form),
                    "name": "Sara Kokeilija",
                    "email": "sara.kokeilija@example.fi",
                    "consent": "y",
                    region.group(1): region.group(2),
                },
                timeout=REQUEST_TIMEOUT,
            )
            assert "You are registered" in sent.text

            def confirmation_caught() -> bool:
                page = answers("/dev/mail/")
                return page is not None and "sara.kokeilija@example.fi" in page.text

            wait_until(confirmation_caught, "confirmation at /dev/mail", MAIL_WAIT, make, output)
            assert "You are registered: Järjestöjen sote-ryhmän" in answers("/dev/mail/").text

            # Ctrl+C, as a terminal sends it: SIGINT to the whole foreground group.
            os.killpg(group, signal.SIGINT)
            deadline = time.monotonic() + STOP_WAIT
            while not group_is_gone(group) and time.monotonic() < deadline:
                make.poll()
                time.sleep(0.2)
            make.poll()
            assert group_is_gone(group), (
                f"processes left after Ctrl+C:\n{left_in(group)}\n"
                f"what they printed:\n{read(output)}"
            )
            assert all(port_is_free(port) for port in PORTS.values()), read(output)
            assert "Traceback" not in read(output), read(output)
        finally:
            if not group_is_gone(group):
                os.killpg(group, signal.SIGKILL)
            make.wait(10)
