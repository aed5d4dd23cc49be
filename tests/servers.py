"""Real processes for tests: the app under gunicorn, and the mail worker, on 127.0.0.1.

Each helper is a context manager that starts a subprocess with a configuration of its own
(FLASK_* variables pin every setting a developer's instance/config.py could change), waits
until it is ready, and stops it on exit: SIGTERM first, then SIGKILL to its whole process
group. Everything is bounded in time, and output goes to a temporary file, not a pipe a busy
server could fill, so that a failure can show what the process said.
"""

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

from app.config import ROOT, Defaults

HOST = "127.0.0.1"
START_TIMEOUT = 30.0  # seconds for a server to answer its first request
STOP_TIMEOUT = 10.0  # seconds after SIGTERM before SIGKILL
GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
SECRET_KEY = "kutsu-test-server"  # noqa: S105 - a test value

# Flask's own settings that a config file could set and that would change what a test sees
# (SERVER_NAME or TRUSTED_HOSTS would refuse 127.0.0.1, a secure cookie never comes back
# over plain HTTP), reset to Flask's defaults.
FLASK_SETTINGS: dict[str, Any] = {
    "DEBUG": False,
    "TESTING": False,
    "PROPAGATE_EXCEPTIONS": None,
    "SERVER_NAME": None,
    "TRUSTED_HOSTS": None,
    "APPLICATION_ROOT": "/",
    "PREFERRED_URL_SCHEME": "http",
    "SESSION_COOKIE_NAME": "session",
    "SESSION_COOKIE_DOMAIN": None,
    "SESSION_COOKIE_PATH": None,
    "SESSION_COOKIE_SECURE": False,
    "SESSION_COOKIE_PARTITIONED": False,
    "WTF_CSRF_ENABLED": True,
    "LOGIN_DISABLED": False,
    "SQLALCHEMY_ECHO": False,
    "SQLALCHEMY_BINDS": {},
}


def app_environment(database_url: str, config: Mapping[str, Any] | None = None) -> dict[str, str]:
    """The environment of a process that runs the app against database_url.

    The app reads instance/config.py first and FLASK_* variables last, so every setting of
    app.config.Defaults, and the Flask settings above, is passed as a FLASK_* variable: what
    a developer has in instance/config.py for those cannot reach the test's processes, and
    FLASK_* variables of the test's own environment are dropped. config adds or overrides
    settings; values are JSON-encoded, as Flask decodes them.
    """
    settings: dict[str, Any] = {
        name: getattr(Defaults, name) for name in dir(Defaults) if name.isupper()
    }
    settings.update(FLASK_SETTINGS)
    settings.update(
        {
            "SECRET_KEY": SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "SQLALCHEMY_ENGINE_OPTIONS": {},
            "PUBLIC_BASE_URL": "http://kutsu.test",  # as conftest's link_in expects
            "MAIL_SERVER": HOST,
            "MAIL_DEFAULT_SENDER": "Kutsu <kutsu@test.example>",
            "MAIL_SUPPRESS_SEND": True,
            "DEV_MAIL_PAGE": False,
            # Every simulated visitor comes from 127.0.0.1: one address would soon be
            # refused. tests/test_rate_limits.py checks the limits themselves.
            "RATELIMIT_ENABLED": False,
        }
    )
    settings.update(config or {})
    inherited = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("FLASK_")
        # Sockets gunicorn would take over from a parent that was itself socket-activated.
        and name not in {"GUNICORN_FD", "LISTEN_FDS", "LISTEN_PID"}
    }
    return inherited | {f"FLASK_{name}": json.dumps(value) for name, value in settings.items()}


class ProcessFailed(RuntimeError):
    """A test server or worker did not start, or died."""


class Process:
    """A subprocess we started, with its output kept in a temporary file."""

    def __init__(
        self,
        name: str,
        popen: subprocess.Popen,
        output: IO[bytes],
        stop_signal: int = signal.SIGTERM,
    ):
        self.name = name
        self.popen = popen
        self._output = output
        self.stop_signal = stop_signal
        self._asked = False

    @property
    def pid(self) -> int:
        return self.popen.pid

    def output(self, limit: int = 8000) -> str:
        """The last `limit` characters the process wrote to stdout and stderr."""
        self._output.flush()
        self._output.seek(0)
        text = self._output.read().decode("utf-8", errors="replace")
        return text[-limit:]

    def failure(self, message: str) -> ProcessFailed:
        return ProcessFailed(
            f"{self.name} (pid {self.pid}) {message}\n--- its output ---\n{self.output()}"
        )

    def check_running(self) -> None:
        code = self.popen.poll()
        if code is not None:
            raise self.failure(f"exited with status {code}")

    def ask_to_stop(self) -> None:
        """Send the stop signal without waiting: processes asked together stop together
        (a journey's server and mail worker), where one after the other cost a second more."""
        if self.popen.poll() is None and not self._asked:
            self.popen.send_signal(self.stop_signal)
            self._asked = True

    def stop(self, timeout: float = STOP_TIMEOUT) -> int:
        """The stop signal (SIGTERM unless the starter chose another), then SIGKILL to the
        process group if it has not exited in time."""
        self.ask_to_stop()
        with suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout)
        # The process leads a group of its own (start_new_session): kill what it left
        # behind, gunicorn's workers included, by that group's id.
        with suppress(ProcessLookupError, PermissionError):
            os.killpg(self.popen.pid, signal.SIGKILL)
        return self.popen.wait(timeout)


@contextmanager
def running_process(
    name: str,
    args: Sequence[str],
    env: Mapping[str, str],
    *,
    pass_fds: Sequence[int] = (),
    stop_signal: int = signal.SIGTERM,
) -> Iterator[Process]:
    """Start args in the project root, in a process group of its own; stop it on exit."""
    with tempfile.TemporaryFile(prefix="kutsu-test-") as output:
        popen = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
            list(args),
            cwd=ROOT,
            env={"PYTHONUNBUFFERED": "1", **env},  # its output in the file as it happens
            stdin=subprocess.DEVNULL,
            stdout=output,
            stderr=subprocess.STDOUT,
            pass_fds=tuple(pass_fds),
            start_new_session=True,
        )
        process = Process(name, popen, output, stop_signal)
        try:
            yield process
        except BaseException as exc:
            # A failing test shows what the process said (a traceback behind a 500, say).
            exc.add_note(f"--- output of {name} (pid {popen.pid}) ---\n{process.output()}")
            raise
        finally:
            process.stop()


def children_of(pid: int) -> set[int]:
    """The processes whose parent is pid (a gunicorn master's: its workers)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found


def memory_mb(pid: int, which: str = "VmRSS") -> float:
    """A process's resident memory now (VmRSS) or at its peak (VmHWM), in MiB. Writing 5 to
    /proc/<pid>/clear_refs starts the peak again from now."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{which}:"):
            return int(line.split()[1]) / 1024
    return 0.0


def _listening_socket() -> socket.socket:
    """A socket bound to a free port on 127.0.0.1, for gunicorn to take over (fd://).

    Binding here and handing the socket over leaves no moment in which another process
    could take the port between choosing it and using it.
    """
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.bind((HOST, 0))  # gunicorn listens on it, with its own backlog
    except OSError:
        sock.close()
        raise
    return sock


def _wait_until_answering(process: Process, base_url: str, deadline: float) -> None:
    """Poll GET / until it answers; fail at once if the process dies or the page fails."""
    port = int(base_url.rsplit(":", 1)[1])
    while True:
        process.check_running()
        connection = http.client.HTTPConnection(HOST, port, timeout=2)
        try:
            connection.request("GET", "/")
            status = connection.getresponse().status
        except OSError:  # refused or reset while the workers boot, or timed out
            status = None
        finally:
            connection.close()
        if status is not None:
            if status >= 500:
                raise process.failure(f"answered GET / with {status}")
            return
        if time.monotonic() > deadline:
            raise process.failure(f"did not answer at {base_url} in {START_TIMEOUT:.0f} s")
        time.sleep(0.05)


@contextmanager
def running_server(database_url: str, **options) -> Iterator[str]:
    """Serve app with gunicorn, as deployed, on a free port of 127.0.0.1; yield its URL.

    The settings are deploy/gunicorn.conf.py's, with the port, the number of processes and
    threads given (see running_gunicorn)."""
    with running_gunicorn(database_url, **options) as (base_url, _process):
        yield base_url


@contextmanager
def running_gunicorn(
    database_url: str,
    *,
    workers: int = 4,
    threads: int = 4,
    config: Mapping[str, Any] | None = None,
    extra_env: Mapping[str, str] | None = None,
    app: str = "wsgi:app",
) -> Iterator[tuple[str, Process]]:
    """Serve app with gunicorn on a free port of 127.0.0.1; yield its URL and its master
    process (whose children are the workers). config: app settings on top of app_environment's (e.g.
    {"MAIL_PORT": 2525}); extra_env: environment variables as they are, added last.
    """
    env = app_environment(database_url, config) | dict(extra_env or {})
    with _listening_socket() as sock:
        port = sock.getsockname()[1]
        base_url = f"http://{HOST}:{port}"
        args = [
            sys.executable,
            "-m",
            "gunicorn",
            "--config",
            str(GUNICORN_CONFIG),
            "--bind",
            f"fd://{sock.fileno()}",
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--chdir",
            str(ROOT),
            app,
        ]
        # Stopped at once (SIGQUIT): the test is over, and its graceful stop (SIGTERM, as
        # deployed) spent 1.5-3.5 s of every journey's teardown waiting out idle connections.
        starting = running_process(
            f"gunicorn at {base_url}",
            args,
            env,
            pass_fds=[sock.fileno()],
            stop_signal=signal.SIGQUIT,
        )
        with starting as process:
            sock.close()  # the server has its own copy now
            _wait_until_answering(process, base_url, time.monotonic() + START_TIMEOUT)
            yield base_url, process
            process.check_running()  # a server that died during the test is a failure


@contextmanager
def running_mail_worker(
    database_url: str,
    *,
    smtp_port: int,
    interval: float = 0.2,
    config: Mapping[str, Any] | None = None,
    extra_env: Mapping[str, str] | None = None,
) -> Iterator[Process]:
    """Run `flask mail work` against database_url, sending to an SMTP server on smtp_port."""
    settings = {"MAIL_PORT": smtp_port, "MAIL_SUPPRESS_SEND": False, **(config or {})}
    # `flask` would also read a developer's .env and .flaskenv files.
    env = app_environment(database_url, settings) | {"FLASK_SKIP_DOTENV": "1"}
    env |= dict(extra_env or {})
    args = [
        sys.executable,
        "-m",
        "flask",
        "--app",
        "wsgi",
        "mail",
        "work",
        "--interval",
        str(interval),
    ]
    # The worker has nothing to poll: whether it works shows in the mail that arrives.
    with running_process("mail worker", args, env) as process:
        yield process
        process.check_running()


@contextmanager
def running_dev_server(
    database_url: str, *, port: int, config: Mapping[str, Any] | None = None
) -> Iterator[str]:
    """Serve the app as `make run` does (`flask run --debug`: Werkzeug's server with its
    debugger and reloader) on port; yield its URL."""
    with running_flask_run(database_url, port=port, config=config) as (base_url, _process):
        yield base_url


@contextmanager
def running_flask_run(
    database_url: str, *, port: int, config: Mapping[str, Any] | None = None
) -> Iterator[tuple[str, Process]]:
    """running_dev_server, yielding its process too (whose output is what it logged)."""
    env = app_environment(database_url, config) | {"FLASK_SKIP_DOTENV": "1"}
    env.pop("FLASK_DEBUG", None)  # --debug says it
    base_url = f"http://{HOST}:{port}"
    args = [sys.executable, "-m", "flask", "--app", "wsgi", "run", "--debug"]
    args += ["--host", HOST, "--port", str(port)]
    with running_process(f"flask run at {base_url}", args, env) as process:
        _wait_until_answering(process, base_url, time.monotonic() + START_TIMEOUT)
        yield base_url, process
        process.check_running()
