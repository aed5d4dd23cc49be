"""What the benchmarks share: databases to fill, the machine they ran on, wrk."""

import os
import platform
import re
import shutil
import sqlite3
import subprocess
import sys
import time
from dataclasses import dataclass, field
from importlib.metadata import version
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

POSTGRES_DEFAULT = "postgresql://postgres@127.0.0.1:5432/kutsu_bench"


def make_app(url: str, **settings):
    from app import create_app

    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench", **settings})


def ensure_postgres_database(url: str) -> None:
    """Create the PostgreSQL database of url if it does not exist (the server must)."""
    import psycopg

    parts = urlsplit(url.replace("postgresql+psycopg://", "postgresql://"))
    name = parts.path.lstrip("/")
    maintenance = urlunsplit(parts._replace(path="/postgres"))
    with psycopg.connect(maintenance, autocommit=True) as connection:
        exists = connection.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", (name,)
        ).fetchone()
        if not exists:
            connection.execute(f'CREATE DATABASE "{name}"')


def reset_database(url: str) -> None:
    """Empty tables of the current schema (the benchmarks fill them themselves)."""
    from app.extensions import db

    if url.startswith("postgresql"):
        ensure_postgres_database(url)
    app = make_app(url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        db.session.remove()
        db.engine.dispose()


def database_name(url: str) -> str:
    return "PostgreSQL" if url.startswith("postgresql") else "SQLite"


# --- wrk --------------------------------------------------------------------------------


@dataclass
class WrkResult:
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    requests: int
    errors: int  # socket errors and non-2xx/3xx answers
    runs: list[int] = field(default_factory=list)  # requests/s of each run


def _milliseconds(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s)", text).groups()
    return float(number) * {"us": 0.001, "ms": 1, "s": 1000}[unit]


WARM_UP_SECONDS = 2
RUNS = 5


def wrk(url: str, *, seconds: int, connections: int, threads: int = 2) -> WrkResult:
    """wrk against url, each request on a new connection: the median of RUNS runs sharing
    `seconds`, after a warm-up.

    A new connection per request is how nginx talks to the app servers in
    deploy/nginx.conf. With kept-alive connections, runs on this 2-core machine came out in
    two groups, about one in three (and at times all five) at a third of the rate, for the
    bare Flask app and Kutsu alike: one gunicorn process had accepted all of wrk's
    connections and served them alone while a core stood idle."""
    _run_wrk(url, seconds=WARM_UP_SECONDS, connections=connections, threads=threads)
    each = max(1, round(seconds / RUNS))
    runs = sorted(
        (
            _parse_wrk(_run_wrk(url, seconds=each, connections=connections, threads=threads))
            for _ in range(RUNS)
        ),
        key=lambda result: result.requests_per_second,
    )
    median = runs[len(runs) // 2]
    median.requests = sum(result.requests for result in runs)
    median.errors = sum(result.errors for result in runs)
    median.runs = [round(result.requests_per_second) for result in runs]
    return median


def _run_wrk(url: str, *, seconds: int, connections: int, threads: int) -> str:
    program = shutil.which("wrk")
    if program is None:
        raise SystemExit("wrk is missing: apt-get install wrk (Debian's package)")
    return subprocess.run(  # noqa: S603 - wrk with our own arguments, against 127.0.0.1
        [
            program,
            f"--threads={threads}",
            f"--connections={connections}",
            f"--duration={seconds}s",
            "--timeout=10s",
            "--latency",
            "--header=Accept-Language: fi",
            "--header=Connection: close",
            url,
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def _parse_wrk(out: str) -> WrkResult:
    # wrk pads a latency in seconds ("1.03s "), not one in milliseconds.
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+?)\s*$", out, re.MULTILINE))
    if "99" not in latency:
        raise SystemExit(f"wrk gave no latency distribution:\n{out}")
    socket_errors = re.search(r"Socket errors: (.*)", out)
    errors = sum(int(n) for n in re.findall(r"\d+", socket_errors.group(1))) if socket_errors else 0
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    return WrkResult(
        requests_per_second=float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        p50_ms=_milliseconds(latency["50"]),
        p99_ms=_milliseconds(latency["99"]),
        requests=int(re.search(r"(\d+) requests in", out).group(1)),
        errors=errors + (int(bad.group(1)) if bad else 0),
    )


# --- the machine ------------------------------------------------------------------------


def _first_line(args: list[str]) -> str:
    try:
        out = subprocess.run(args, capture_output=True, text=True, timeout=10)  # noqa: S603
    except (OSError, subprocess.TimeoutExpired):
        return "not found"
    return (out.stdout or out.stderr).strip().splitlines()[0] if out.stdout or out.stderr else ""


def python_speed() -> float:
    """Milliseconds for a fixed piece of pure Python, the best of five runs: how fast this
    machine runs Python just then. The fixed targets (exports in seconds, mail per second)
    can only be compared between days beside it."""
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        table: dict[int, int] = {}
        for number in range(1_000_000):
            table[number % 1024] = table.get(number % 1024, 0) + number * 3
        best = min(best, time.perf_counter() - started)
    return best * 1000


def machine(postgres_url: str | None) -> list[tuple[str, str]]:
    """What the figures were measured on, as (what, which) pairs."""
    cpu = "?"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        found = re.search(r"model name\s*:\s*(.*)", cpuinfo.read_text())
        cpu = found.group(1) if found else cpu
    memory = ""
    meminfo = Path("/proc/meminfo")
    if meminfo.exists():
        kib = int(re.search(r"MemTotal:\s+(\d+)", meminfo.read_text()).group(1))
        memory = f"{kib / 1024 / 1024:.0f} GiB"
    rows = [
        ("machine", f"{os.cpu_count()} cores ({cpu}), {memory}"),
        ("system", f"{platform.system()} {platform.release()}"),
        ("Python", platform.python_version()),
        ("SQLite", sqlite3.sqlite_version),
    ]
    if postgres_url:
        rows.append(("PostgreSQL", _postgres_version(postgres_url)))
    rows += [
        (package, version(package))
        for package in ("flask", "sqlalchemy", "gunicorn", "psycopg", "jinja2", "werkzeug")
    ]
    rows.append(("wrk", _first_line(["wrk", "--version"]).split(" [")[0]))
    return rows


def _postgres_version(url: str) -> str:
    import psycopg

    try:
        with psycopg.connect(url.replace("postgresql+psycopg://", "postgresql://")) as c:
            return c.execute("SHOW server_version").fetchone()[0]
    except psycopg.Error:
        return "not reachable"
