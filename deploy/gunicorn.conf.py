"""gunicorn settings for Kutsu: `gunicorn -c deploy/gunicorn.conf.py wsgi:app`.

Read by every app server in production (docs/deploy.md), by `make bench`, and by the tests
that start real servers, so the settings measured and tested are the ones deployed. Three
environment variables size a server; anything on gunicorn's command line overrides this
file.

    KUTSU_BIND     where to listen (default 127.0.0.1:8000: behind a reverse proxy)
    KUTSU_WORKERS  processes (default: one per CPU core, at least two)
    KUTSU_THREADS  threads per process (default 4)
"""

import os

bind = [os.environ.get("KUTSU_BIND", "127.0.0.1:8000")]
workers = int(os.environ.get("KUTSU_WORKERS", max(2, os.cpu_count() or 1)))
# Threads let a process answer others while one request waits for the database or the
# disk; the GIL still runs one at a time, so processes are what use the cores.
worker_class = "gthread"
threads = int(os.environ.get("KUTSU_THREADS", 4))
# Connections waiting for a thread; a popular event's opening minute queues here.
backlog = 2048
keepalive = 5  # seconds: the reverse proxy reuses its connections
timeout = 30  # a request that takes longer than this is a bug; its worker is restarted
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
    """Each process compiles its templates before it takes its first request."""
    compile_templates = getattr(worker.wsgi, "compile_templates", None)
    if compile_templates is not None:  # bench/pong.py, the bare Flask app, has none
        compile_templates()
