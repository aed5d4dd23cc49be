"""Export benchmark: CSV and XLSX of N registrations, downloaded as an organiser does.

    .venv/bin/python bench/exports.py [--rows 100000] [--database-url URL]

Each download is an organiser's: signed in, over HTTP, from gunicorn with
deploy/gunicorn.conf.py, the answers to sensitive questions included. It is timed to its
first byte and to its last, and every row is counted as it arrived (a short file is an
error, not a fast export). Each format runs --runs times (3), each from a fresh server with
one worker, so the worker's peak memory (VmHWM) is the export's: the figure is the run of
median time, with every run's time beside it and the highest peak memory of them, since the
same export's time moves by half within a minute on a shared machine. The tables are
analysed (ANALYZE) once filled, as autovacuum would have done.
"""

import argparse
import io
import json
import re
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app import clock, create_app  # noqa: E402
from app.extensions import db  # noqa: E402

ORGANISER = "bench@example.fi"
PASSWORD = "bench-password-1"  # noqa: S105 - a benchmark's own account


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
        owner = create_organiser(ORGANISER, "Bench", PASSWORD)
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
    """One download, as an organiser gets it: signed in, over HTTP, from a fresh gunicorn
    (one worker, so its peak memory is the export's)."""
    from tests.servers import children_of, memory_mb, running_gunicorn

    with running_gunicorn(url, workers=1, threads=2) as (base_url, server):
        session = signed_in(base_url)
        [worker] = children_of(server.pid)
        before = memory_mb(worker, "VmRSS")
        # The peak so far is the worker's start (templates compiled): from here, the export's.
        Path(f"/proc/{worker}/clear_refs").write_text("5")
        address = f"{base_url}/organiser/events/{event_id}/attendees.{kind}?sensitive=1"
        started = time.perf_counter()
        first_byte = None
        received = io.BytesIO()
        with session.get(address, stream=True, timeout=300) as response:
            response.raise_for_status()
            for chunk in response.iter_content(chunk_size=64 * 1024):
                if first_byte is None:
                    first_byte = time.perf_counter() - started
                received.write(chunk)
        elapsed = time.perf_counter() - started
        peak = memory_mb(worker, "VmHWM")
    return {
        "kind": kind,
        "seconds": round(elapsed, 2),
        "first_byte_ms": round(first_byte * 1000),
        "peak_mb": round(peak, 1),
        "added_mb": round(peak - before, 1),
        "bytes": received.tell(),
        "rows_received": _rows_in(kind, received),
    }


def signed_in(base_url: str):
    import requests

    session = requests.Session()
    session.trust_env = False
    page = session.get(f"{base_url}/login", timeout=30).text
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    answer = session.post(
        f"{base_url}/login",
        data={"csrf_token": token, "email": ORGANISER, "password": PASSWORD},
        allow_redirects=False,
        timeout=30,
    )
    assert answer.status_code == 303, "the bench organiser could not sign in"
    return session


def _rows_in(kind: str, received: io.BytesIO) -> int:
    """Rows that arrived, the header not counted: a short download is an error, not a time."""
    if kind == "csv":
        return received.getvalue().count(b"\r\n") - 1  # no cell holds a line break here
    import openpyxl

    received.seek(0)
    return openpyxl.load_workbook(received, read_only=True).active.max_row - 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=3, help="of each export")
    parser.add_argument("--database-url")
    parser.add_argument("--json", metavar="FILE", help="write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
        started = time.perf_counter()
        event_id = fill(url, args.rows)
        print(f"filled {args.rows} registrations in {time.perf_counter() - started:.1f} s")
        figures = []
        for kind in ("csv", "xlsx"):
            runs = sorted(
                (export(url, event_id, kind) for _ in range(args.runs)),
                key=lambda run: run["seconds"],
            )
            figure = runs[len(runs) // 2] | {
                "rows": args.rows,
                "runs": [run["seconds"] for run in runs],
                "peak_mb": max(run["peak_mb"] for run in runs),
                "added_mb": max(run["added_mb"] for run in runs),
            }
            print(json.dumps(figure))
            if any(run["rows_received"] != args.rows for run in runs):
                raise SystemExit(f"a {kind} download did not have all {args.rows} rows")
            figures.append(figure)
        if args.json:
            Path(args.json).write_text(json.dumps(figures))


if __name__ == "__main__":
    main()
