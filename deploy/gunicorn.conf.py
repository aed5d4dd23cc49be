"""gunicorn settings for Kutsu: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Read by every app server in production (docs/deploy.md), by `make bench`, and by the tests
that start real servers, so the settings measured and tested are the ones deployed. Three
environment variables size a server; anything on gunicorn's command line overrides this
file.

    KUTSU_BIND     where to listen (default 127.0.0.1:8000: behind a reverse proxy)
    KUTSU_WORKERS  processes (default: one per CPU core, at least two)
    KUTSU_THREADS  threads per process (default 4)
    KUTSU_REQUEST_TIMEOUT    seconds a request may run before its process is replaced
                             (default 50; see "Runaway requests" below)
    KUTSU_STATEMENT_TIMEOUT  seconds one PostgreSQL statement may run (default 30)
"""

import os
import threading
import time

bind = [os.environ.get("KUTSU_BIND", "127.0.0.1:8000")]
workers = int(os.environ.get("KUTSU_WORKERS", max(2, os.cpu_count() or 1)))
# Threads let a process answer others while one request waits for the database or the
# disk; the GIL still runs one at a time, so processes are what use the cores.
worker_class = "gthread"
threads = int(os.environ.get("KUTSU_THREADS", 4))
# Connections waiting for a thread; a popular event's opening minute queues here.
backlog = 2048
keepalive = 5  # seconds: the reverse proxy reuses its connections
# A process whose main loop stops answering the arbiter this long is killed and replaced.
# With gthread the main loop is not the request threads: a request stuck in a thread does
# not stop it, so this alone never ends a runaway request (see "Runaway requests" below).
timeout = 30
graceful_timeout = 20  # on SIGTERM, time to finish the requests in hand

# Each process connects to the database itself, after the fork: connections and
# SQLite handles are never shared between processes.
preload_app = False

# The reverse proxy on the same machine sets X-Forwarded-Proto; Kutsu's own
# PROXY_FIX_X_FOR setting decides how far to trust X-Forwarded-For.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# No access log here: paths hold personal links (/manage/<token>), and the reverse proxy
# keeps one without them (docs/deploy.md). Errors go to stderr, that is, the journal.
accesslog = None
errorlog = "-"
loglevel = "info"
logger_class = "app.redaction.RedactingGunicornLogger"  # no tokens in its lines either
# gunicorn's run-time control socket is not used; two servers on one host would share it.
control_socket_disable = True
proc_name = "kutsu"


def post_worker_init(worker):
    """Each process compiles its templates before it takes its first request, and starts
    its watchdog for runaway requests."""
    threading.Thread(target=_watch, args=(worker,), name="kutsu-watchdog", daemon=True).start()
    compile_templates = getattr(worker.wsgi, "compile_templates", None)
    if compile_templates is not None:  # bench/pong.py, the bare Flask app, has none
        compile_templates()


# --- Runaway requests ---------------------------------------------------------------
# gthread does not stop a request that runs too long: `timeout` above only watches the
# process's main loop, which goes on answering the arbiter while a thread is stuck (in a
# parse, a loop, a wait). So each request's start is recorded per thread (pre_request,
# post_request, both called in the request's own thread), and a watchdog thread in each
# process looks once a second: a request running past KUTSU_REQUEST_TIMEOUT seconds is
# logged (its method and its path, tokens and query left out) and the process stops
# taking connections, lets its other requests finish (up to graceful_timeout), and exits;
# the arbiter starts a fresh one, as it does after a sync worker's timeout. A thread cannot
# be stopped from outside in Python: ending the process is the only sure end.
#
# Bounds below this one answer first, with an error page, and leave the process alone:
# SQLite's busy timeout (30 s, app.database) for a writer waiting for the lock, and
# PostgreSQL's statement_timeout (KUTSU_STATEMENT_TIMEOUT, 30 s, set here for the app
# servers only: migrations, backups and the mail worker have no such limit). 50 s leaves
# those 30 s and the error page room, and is under the reverse proxy's 60 s
# proxy_read_timeout, so the server ends a runaway request rather than the proxy
# abandoning it while it runs on. A download must finish within it too: 3.5 MB (an XLSX
# of 100,000 people) in 50 s is 70 KB/s.
request_timeout = float(os.environ.get("KUTSU_REQUEST_TIMEOUT", 50))
raw_env = [
    "FLASK_DATABASE_STATEMENT_TIMEOUT_SECONDS=" + os.environ.get("KUTSU_STATEMENT_TIMEOUT", "30")
]

_running: dict[int, tuple[float, str]] = {}  # thread -> (its request's start, "GET /path")


def pre_request(worker, req):
    # The path without its query (which may name a person); logger_class takes out tokens.
    _running[threading.get_ident()] = (time.monotonic(), f"{req.method} {req.path}")


def post_request(worker, req, environ, resp):
    _running.pop(threading.get_ident(), None)


def _watch(worker) -> None:
    interval = min(1.0, request_timeout / 4)
    while True:
        time.sleep(interval)
        now = time.monotonic()
        late = [
            request for request in list(_running.values()) if now - request[0] > request_timeout
        ]
        if late:
            break
    _started, request = min(late)
    worker.log.error(
        "Request ran past %.0f s, stopping it with its process (pid %s): %s",
        request_timeout,
        worker.pid,
        request,
    )
    worker.alive = False  # no new connections; the arbiter replaces the process once it exits
    deadline = now + worker.cfg.graceful_timeout
    while time.monotonic() < deadline and any(
        time.monotonic() - begun <= request_timeout for begun, _ in list(_running.values())
    ):
        time.sleep(0.1)
    os._exit(1)
