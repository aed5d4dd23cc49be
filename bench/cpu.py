"""Where a sign-up's processor time goes: the app, the database, the client.

    .venv/bin/python bench/cpu.py [--database-url URL] [--rounds 3] [--people 1000]
                                  [--workers 2] [--threads 4]

Serves Kutsu and the pong ceiling (bench/pong.py) under gunicorn as `make bench` does, and
in each round runs the sign-up client's flow on pong, then 1,000 complete sign-ups on an
event of their own, reading the processor time (user and system, from /proc) each process
used: the gunicorn workers, PostgreSQL's processes (none on SQLite), and this process,
which runs the client. When the machine's processors are both busy, as here, the share of
the ceiling is about the ratio of the two flows' summed times; this says which part to
look at. A change is best judged by running this on the commit before and after in turns
(a worktree of each), since the machine's speed moves by a tenth within minutes.

--database-url: a PostgreSQL database it may wipe; by default a temporary SQLite file.
"""

import argparse
import os
import resource
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import web  # noqa: E402
from bench.common import database_name, reset_database  # noqa: E402
from tests.servers import running_server  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def processes(starting: str) -> list[int]:
    """The processes whose command line starts with `starting`."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if command.startswith(starting) or f" -m {starting}" in command:
            found.append(int(pid))
    return found


def seconds_used(pid: int) -> float:
    """The process's processor time so far, user and system; 0 once it has ended."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / TICKS  # utime, stime


def own_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measured(label: str, base_url: str, form: str, answers: dict, args) -> None:
    """The sign-ups, counting each kind of process's time; printed per sign-up."""
    kinds = ("gunicorn", "postgres")
    before = {kind: {pid: seconds_used(pid) for pid in processes(kind)} for kind in kinds}
    client = own_seconds()
    outcome = web.sign_ups(base_url, form, answers, args)
    client = own_seconds() - client
    used = {}
    for kind in kinds:
        # A process started during the run (a new database connection) counts from zero.
        now = {pid: seconds_used(pid) for pid in processes(kind)}
        used[kind] = sum(now[pid] - before[kind].get(pid, 0) for pid in now)
    count = sum(outcome.statuses.values()) or 1
    print(
        f"{label:6} {outcome.rate:6.0f}/s   app {1000 * used['gunicorn'] / count:5.2f} ms"
        f"   database {1000 * used['postgres'] / count:5.2f} ms"
        f"   client {1000 * client / count:5.2f} ms   a sign-up",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--people", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()
    args.concurrency = 32
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/cpu.sqlite3"
        reset_database(url)
        events = [web.prepare(url, capacity=300) for _ in range(args.rounds)]
        print(f"{database_name(url)}, {args.workers} processes × {args.threads} threads")
        with (
            running_server(url, workers=args.workers, threads=args.threads) as kutsu_url,
            web.pong_server(args) as pong_url,
        ):
            for slug, answers in events:
                measured("pong", pong_url, "/form", {}, args)
                measured("kutsu", kutsu_url, f"/events/{slug}/register", answers, args)


if __name__ == "__main__":
    main()
