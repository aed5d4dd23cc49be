"""Export benchmark: CSV and XLSX of N registrations, time and peak memory.

    .venv/bin/python bench/exports.py [--rows 100000] [--database-url URL]

Each format runs in a fresh process so its peak memory (max RSS) is its own, --runs times
(3): the figure is the run of median time, with every run's time beside it and the highest
peak memory of them, since the same export's time moves by half within a minute on a shared
machine. The tables are analysed (ANALYZE) once filled, as autovacuum would have done.
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import clock, create_app  # noqa: E402
from app.extensions import db  # noqa: E402


def peak_rss_mb() -> float:
    """This process's own peak RSS (VmHWM; ru_maxrss would include the parent's, on Linux)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def make_app(url: str):
    return create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})


def fill(url: str, rows: int) -> int:
    import sqlalchemy as sa

    from app.auth.services import create_organiser
    from app.models import Answer, EventFormat, QuestionKind, Registration
    from app.organiser.services import EventDetails, QuestionDetails, create_event

    app = make_app(url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        owner = create_organiser("bench@example.fi", "Bench", "bench-password-1")
        starts = clock.now() + timedelta(days=30)
        event = create_event(
            owner,
            EventDetails(
                title="Seminaari",
                starts_at=starts,
                ends_at=starts + timedelta(hours=6),
                format=EventFormat.HYBRID,
                venue_name="Säätytalo",
                questions=[
                    QuestionDetails(id=None, label="Ruokavalio", kind=QuestionKind.SHORT_TEXT),
                    QuestionDetails(
                        id=None,
                        label="Osallistun",
                        kind=QuestionKind.SINGLE_CHOICE,
                        options=["Paikan päällä", "Verkossa"],
                    ),
                ],
            ),
        )
        db.session.commit()
        diet, mode = (q.id for q in event.questions)
        now = clock.now()
        chunk = 10_000
        for start in range(0, rows, chunk):
            people = [
                {
                    "event_id": event.id,
                    "name": f"Osallistuja {n} Äijälä",
                    "email": f"person{n}@example.fi",
                    "email_normalised": f"person{n}@example.fi",
                    "organisation": f"Yhdistys {n % 400} ry",
                    "locale": "fi",
                    "status": "confirmed",
                    "source": "signup",
                    "created_at": now,
                    "updated_at": now,
                    "sequence": 0,
                }
                for n in range(start, min(start + chunk, rows))
            ]
            db.session.execute(sa.insert(Registration), people)
            ids = db.session.scalars(
                sa.select(Registration.id)
                .where(Registration.id > start)
                .order_by(Registration.id)
                .limit(chunk)
            ).all()
            answers = []
            for rid in ids:
                answers.append(
                    {"registration_id": rid, "question_id": diet, "value": "gluteeniton"}
                )
                answers.append({"registration_id": rid, "question_id": mode, "value": "Verkossa"})
            db.session.execute(sa.insert(Answer), answers)
            db.session.commit()
        # The planner's statistics, as autovacuum gathers them soon after rows this many
        # arrive (PostgreSQL's is off on the machines this runs on, SQLite has none of its
        # own): without them PostgreSQL guessed at the joins' sizes.
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
        return event.id


def export(url: str, event_id: int, kind: str) -> dict:
    from app.exports.services import attendee_rows, csv_chunks, write_xlsx
    from app.models import Event

    app = make_app(url)
    with app.app_context(), app.test_request_context():
        event = db.session.get(Event, event_id)
        started = time.perf_counter()
        size = 0
        if kind == "csv":
            for chunk in csv_chunks(attendee_rows(event, db.session.connection(), sensitive=True)):
                size += len(chunk)
        else:
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "export.xlsx"
                write_xlsx(
                    attendee_rows(event, db.session.connection(), sensitive=True),
                    str(path),
                    sheet_name="Attendees",
                )
                size = path.stat().st_size
        elapsed = time.perf_counter() - started
    return {
        "kind": kind,
        "seconds": round(elapsed, 2),
        "peak_mb": round(peak_rss_mb(), 1),
        "bytes": size,
    }


def _export_in_a_process(url: str, event_id: int, kind: str) -> dict:
    out = subprocess.run(  # noqa: S603 - this same script, with our own arguments
        [
            sys.executable,
            __file__,
            "--database-url",
            url,
            "--export",
            kind,
            "--event-id",
            str(event_id),
        ],
        check=True,
        capture_output=True,
        text=True,
        env=os.environ,
    )
    return json.loads(out.stdout)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="of each export")
    parser.add_argument("--database-url")
    parser.add_argument("--export", choices=["csv", "xlsx"])
    parser.add_argument("--event-id", type=int)
    parser.add_argument("--json", metavar="FILE", help="write the figures here")
    args = parser.parse_args()
    if args.export:
        print(json.dumps(export(args.database_url, args.event_id, args.export)))
        return
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
        started = time.perf_counter()
        event_id = fill(url, args.rows)
        print(f"filled {args.rows} registrations in {time.perf_counter() - started:.1f} s")
        figures = []
        for kind in ("csv", "xlsx"):
            runs = sorted(
                (_export_in_a_process(url, event_id, kind) for _ in range(args.runs)),
                key=lambda run: run["seconds"],
            )
            figure = runs[len(runs) // 2] | {
                "rows": args.rows,
                "runs": [run["seconds"] for run in runs],
                "peak_mb": max(run["peak_mb"] for run in runs),
            }
            print(json.dumps(figure))
            figures.append(figure)
        if args.json:
            Path(args.json).write_text(json.dumps(figures))


if __name__ == "__main__":
    main()
