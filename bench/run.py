"""`make bench`: every benchmark in one run, beside the framework's ceiling, as one report.

    .venv/bin/python bench/run.py [--postgres URL | --no-postgres] [--report FILE] [--quick]

1. bench/web.py: the bare Flask ceiling, then Kutsu's event page, complete sign-ups and a
   burst of 2,000 sign-ups for 100 seats, on SQLite and on PostgreSQL;
2. bench/exports.py: CSV and XLSX of 100,000 registrations downloaded from gunicorn, on both;
3. bench/mail.py: 10,000 messages through one worker to a local SMTP sink, on both;
   bench/calendar_pages.py: the public calendar (a month, a year) and its iCalendar and
   JSON feeds with 1,000 published events, on both;
   bench/period_report.py: the report for a period, its page and its XLSX, over 1,000
   events and 100,000 registrations, on both;
4. the ceiling before each database and once more at the end: the machine's own speed
   moves during a run, so each database's figures are read against the ceiling just before.

Everything runs on 127.0.0.1, bounded in count and time. The report (Markdown) names the
machine, the versions and the commands, and is printed and written to --report
(default bench-results/latest.md). PostgreSQL: an empty database that may be wiped
(default postgresql://postgres@127.0.0.1:5432/kutsu_bench, created if missing).
Exits non-zero when a result was wrong (an error, a count off, a message not sent once).
"""

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import web  # noqa: E402
from bench.common import (  # noqa: E402
    POSTGRES_DEFAULT,
    ROOT,
    database_name,
    ensure_postgres_database,
    machine,
    python_speed,
)

CSV_TARGET = 1.5  # seconds
XLSX_TARGET = 12.0
MEMORY_TARGET = 120  # MB
MAIL_TARGET = 200  # messages/s
REPORT_TARGET = 3.0  # seconds, the period report's page or XLSX


def run_script(script: str, *arguments: str) -> object:
    """bench/<script> in a process of its own; the figures it wrote with --json."""
    with tempfile.TemporaryDirectory() as folder:
        result = Path(folder) / "figures.json"
        command = [sys.executable, str(ROOT / "bench" / script), *arguments, "--json", str(result)]
        print("$", " ".join(["python", f"bench/{script}", *arguments]), flush=True)
        finished = subprocess.run(command, check=False)  # noqa: S603 - our own scripts
        if not result.exists():
            raise SystemExit(f"bench/{script} failed ({finished.returncode})")
        return json.loads(result.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--postgres", default=POSTGRES_DEFAULT, help="PostgreSQL database URL")
    parser.add_argument("--no-postgres", action="store_true", help="SQLite only")
    parser.add_argument("--report", default=str(ROOT / "bench-results" / "latest.md"))
    parser.add_argument("--quick", action="store_true", help="small counts, to try it out")
    web.add_arguments(parser)
    args = parser.parse_args()
    args.workers = args.workers or 2
    rows, messages, calendar_seconds = 100_000, 10_000, 25
    report_size = ["--events", "1000", "--registrations", "100000"]
    if args.quick:
        args.seconds, args.people, args.burst, args.seats = 3, 200, 200, 20
        rows, messages, calendar_seconds = 10_000, 1_000, 10
        report_size = ["--events", "100", "--registrations", "10000", "--runs", "3"]

    started = time.monotonic()
    speed = [python_speed()]
    with tempfile.TemporaryDirectory() as folder:
        urls = [f"sqlite:///{folder}/bench.sqlite3"]
        if not args.no_postgres:
            ensure_postgres_database(args.postgres)
            urls.append(args.postgres)

        figures, ceilings, exports, mail, calendar, reports = [], {}, {}, {}, {}, {}
        for url in urls:
            name = database_name(url)
            print(f"== {name}", flush=True)
            ceiling, client_ceiling, kutsu = web.measure_against_ceiling(url, args)
            ceilings[name] = (ceiling, client_ceiling)
            figures += kutsu
            url_args = [] if name == "SQLite" else ["--database-url", url]
            exports[name] = run_script("exports.py", "--rows", str(rows), *url_args)
            mail[name] = run_script("mail.py", "--messages", str(messages), *url_args)
            calendar[name] = run_script(
                "calendar_pages.py", "--seconds", str(calendar_seconds), *url_args
            )
            reports[name] = run_script("period_report.py", *report_size, *url_args)
        after, _ = web.measure_ceiling(args, client=False)
        speed.append(python_speed())

    elapsed = time.monotonic() - started
    report = render(args, urls, ceilings, figures, exports, mail, after, elapsed, speed)
    report += render_calendar(calendar, ceilings)
    report += render_period_report(reports)
    print(report)
    Path(args.report).parent.mkdir(parents=True, exist_ok=True)
    Path(args.report).write_text(report)
    print(f"written to {args.report}")
    wrong = [f.scenario for f in figures if f.errors or f.checked.startswith("WRONG")]
    wrong += [f"mail on {name}" for name, m in mail.items() if not m["exactly_once"]]
    wrong += [
        f"{f['scenario']} on {name}"
        for name, c in calendar.items()
        for f in c["figures"]
        if f["errors"]
    ]
    if wrong:
        raise SystemExit(f"wrong results: {', '.join(wrong)}")


def _met(ok: bool) -> str:
    return "met" if ok else "**not met**"


def _runs_of(export: dict) -> str:
    """Every run's time, where there were several: ' (1.04, 1.35, 1.82 s)'."""
    runs = export.get("runs", [])
    return f" ({', '.join(f'{run:.2f}' for run in runs)} s)" if len(runs) > 1 else ""


def render(args, urls, ceilings, figures, exports, mail, after, seconds, speed) -> str:
    lines = [
        f"# Benchmark run, {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        "",
        f"`make bench` (`python bench/run.py`), {seconds / 60:.1f} minutes. gunicorn with "
        f"deploy/gunicorn.conf.py, {args.workers} processes × {args.threads} threads, on "
        "127.0.0.1, rate limits off (every simulated visitor has the same address).",
        "",
        "| | |",
        "|---|---|",
        *[f"| {what} | {which} |" for what, which in machine(urls[-1] if len(urls) > 1 else None)],
        f"| Python's speed just then (bench/common.py `python_speed`, a fixed loop, the best "
        f"of five; less is faster) | {speed[0]:.0f} ms at the start, {speed[1]:.0f} ms at the "
        "end |",
        "",
        "## The ceiling: Flask alone, in the same run",
        "",
        "Measured again just before each database's figures, which are read against it.",
        "",
        "| what | rate | p50 | p99 |",
        "|---|---|---|---|",
    ]
    wrk_runs = f"{args.connections} connections, a new one per request; the median of five runs"
    for name, (ceiling, client_ceiling) in ceilings.items():
        lines += [
            f"| wrk on pong ({wrk_runs} in {args.seconds} s: "
            f"{', '.join(map(str, ceiling.runs))}/s), before {name} "
            f"| {ceiling.rate:.0f} requests/s | {ceiling.p50_ms:.1f} ms "
            f"| {ceiling.p99_ms:.1f} ms |",
            f"| the sign-up client's flow on an empty form (GET, POST; {args.people} forms, "
            f"{args.concurrency} at a time; the median of five runs: "
            f"{', '.join(map(str, client_ceiling.runs))}/s), before {name} "
            f"| {client_ceiling.rate:.0f} forms/s "
            f"| {client_ceiling.p50_ms:.1f} ms | {client_ceiling.p99_ms:.1f} ms |",
        ]
    lines += [
        f"| wrk on pong at the end ({', '.join(map(str, after.runs))}/s) | {after.rate:.0f} "
        f"requests/s | {after.p50_ms:.1f} ms | {after.p99_ms:.1f} ms |",
        "",
        "## Kutsu",
        "",
        "| scenario | database | rate | share of the ceiling | target | p50 | p99 | checked |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for f in figures:
        target = f"≥ {f.target:.2f}×: {_met(f.ratio >= f.target)}" if f.target else ""
        errors = f"; **{f.errors} errors**" if f.errors else "; no errors"
        runs = f"; runs {', '.join(map(str, f.runs))}/s" if f.runs else ""
        if f.pairs:
            runs = f"; runs against the ceiling just before them {', '.join(f.pairs)}/s"
        lines.append(
            f"| {f.scenario} | {f.database} | {f.rate:.0f} {f.unit} | {f.ratio:.2f}× | "
            f"{target} | {f.p50_ms:.0f} ms | {f.p99_ms:.0f} ms | {f.count} answers{errors}"
            f"{runs}{'; ' + f.checked if f.checked else ''} |"
        )
    lines += [
        "",
        "The event page is measured with wrk against the pong ceiling; sign-ups and the "
        "burst with the same Python client as its own ceiling (the empty form), since the "
        "client's own work is part of both. Each run of sign-ups is read against a run of "
        "the client on the empty form just before it, and the run with the median share "
        "counts; the burst against the client's ceiling measured before the database.",
        "",
        "## Exports",
        "",
        "Downloaded as an organiser does: signed in, over HTTP, from gunicorn "
        "(deploy/gunicorn.conf.py, one worker, fresh for each run), every row counted as it "
        "arrived; the worker's peak memory during the download.",
        "",
        "| database | format | rows | first byte | time: the median (each run) | target | "
        "peak memory (the highest) | target | size |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, results in exports.items():
        for r in results:
            limit = CSV_TARGET if r["kind"] == "csv" else XLSX_TARGET
            lines.append(
                f"| {name} | {r['kind'].upper()} | {r['rows']:,} | {r['first_byte_ms']:,} ms | "
                f"{r['seconds']:.2f} s"
                f"{_runs_of(r)} | "
                f"≤ {limit:g} s: {_met(r['seconds'] <= limit)} | {r['peak_mb']:.0f} MB | "
                f"≤ {MEMORY_TARGET} MB: {_met(r['peak_mb'] <= MEMORY_TARGET)} | "
                f"{r['bytes'] / 1e6:.1f} MB |"
            )
    lines += [
        "",
        "## Mail",
        "",
        "| database | messages | time | rate | share of the ceiling | target | SMTP "
        "connections | each sent once |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, m in mail.items():
        lines.append(
            f"| {name} | {m['messages']:,} | {m['seconds']:.1f} s | {m['rate']:.0f}/s | "
            f"{m['rate'] / ceilings[name][0].rate:.3f}× | ≥ {MAIL_TARGET}/s: "
            f"{_met(m['rate'] >= MAIL_TARGET)} | {m['connections']} | "
            f"{'yes' if m['exactly_once'] else '**no**'} |"
        )
    return "\n".join(lines) + "\n"


def render_calendar(calendar: dict, ceilings: dict) -> str:
    lines = [
        "",
        "## The public calendar",
        "",
        "bench/calendar_pages.py: published events over the next twelve months (20 monthly "
        "series among them), gunicorn 2 processes × 2 threads, wrk as for the event page.",
        "",
        "| database | events | page | rate | share of the ceiling | p50 | p99 | errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for name, c in calendar.items():
        for f in c["figures"]:
            lines.append(
                f"| {name} | {c['events']:,} | {f['scenario']} | {f['rate']:.0f} requests/s | "
                f"{f['rate'] / ceilings[name][0].rate:.3f}× | {f['p50_ms']:.0f} ms | "
                f"{f['p99_ms']:.0f} ms | {f['errors']} |"
            )
    return "\n".join(lines) + "\n"


def render_period_report(reports: dict) -> str:
    lines = [
        "",
        "## The report for a period",
        "",
        "bench/period_report.py: events held over the last 360 days, a tenth of the people "
        "waiting, 30 % of the events purged (their people counted by the keyed hash of the "
        "address), attendance marked, feedback at every other event; signed in, one request "
        "at a time from gunicorn 2 processes × 2 threads; each answer checked.",
        "",
        "| database | events | registrations | what | time: the median (each run) | target "
        "| size |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in reports.items():
        for f in r["figures"]:
            lines.append(
                f"| {name} | {r['events']:,} | {r['registrations']:,} | "
                f"{'the page' if f['kind'] == 'page' else 'XLSX'} | {f['seconds']:.2f} s "
                f"({', '.join(f'{run:.2f}' for run in f['runs'])} s) | "
                f"≤ {REPORT_TARGET:g} s: {_met(f['seconds'] <= REPORT_TARGET)} | "
                f"{f['bytes'] / 1e3:,.0f} kB |"
            )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
