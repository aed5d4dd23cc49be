"""Period report benchmark: the report page and its XLSX over 1,000 events and 100,000
registrations, as an organiser gets them.

    .venv/bin/python bench/period_report.py [--events 1000] [--registrations 100000]
                                            [--runs 5] [--database-url URL]

The events are held over the last 360 days, all the organiser's, a tenth of them hybrid
and a third online; each has the same number of people (90 % with a place, the rest
waiting), from 30,000 different addresses of 400 organisations, in the 22 regions or
none. The oldest 30 % of the events are purged: their people have no address, only the
keyed hash of it (so the report must count them with the live ones). Attendance is
marked for four people in five; every other event has 20 feedback responses. The tables
are analysed (ANALYZE) once filled.

Served by gunicorn with deploy/gunicorn.conf.py (2 processes x 2 threads); each request
signed in, over HTTP, one at a time, --runs times: the median with every run's time. Each
answer is checked: the page's and the workbook's count of events held and registrations
must be the data's (a fast wrong report is an error, not a result).
"""

import argparse
import io
import json
import re
import statistics
import sys
import tempfile
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import make_app, reset_database  # noqa: E402
from bench.exports import ORGANISER, PASSWORD, signed_in  # noqa: E402

PEOPLE = 30_000
ORGANISATIONS = 400
PURGED_SHARE = 0.3


def fill(url: str, events: int, registrations: int) -> dict:
    """The events and people; what the report must say of them."""
    import sqlalchemy as sa

    from app import clock
    from app.auth.services import create_organiser
    from app.extensions import db
    from app.models import (
        Event,
        EventFormat,
        EventOrganiser,
        EventStatus,
        FeedbackResponse,
        OrganiserRole,
        Registration,
    )
    from app.nominations.regions import REGIONS
    from app.reports.period_people import person_key, person_key_secret

    app = make_app(url)
    with app.app_context():
        owner = create_organiser(ORGANISER, "Bench", PASSWORD)
        db.session.flush()
        now = clock.now().replace(second=0, microsecond=0)
        formats = [EventFormat.IN_PERSON] * 6 + [EventFormat.ONLINE] * 3 + [EventFormat.HYBRID]
        rows = []
        for n in range(events):
            starts = now - timedelta(days=360) + timedelta(days=n * 359 / events, hours=1)
            rows.append(
                {
                    "slug": f"raportti-{n}",
                    "title": f"Verkoston tapaaminen {n}",
                    "starts_at": starts,
                    "ends_at": starts + timedelta(hours=2),
                    "format": formats[n % len(formats)],
                    "status": EventStatus.PUBLISHED,
                    "published_at": starts - timedelta(days=30),
                    "purged_at": now if n < events * PURGED_SHARE else None,
                    "region": ["", *REGIONS][n % (len(REGIONS) + 1)],
                    "themes": ["Mielenterveys"] if n % 2 else ["Nuoret"],
                    "language": "fi",
                    "created_at": now,
                    "updated_at": now,
                }
            )
        db.session.execute(sa.insert(Event), rows)
        ids = db.session.scalars(sa.select(Event.id).order_by(Event.starts_at)).all()
        db.session.execute(
            sa.insert(EventOrganiser),
            [{"event_id": i, "organiser_id": owner.id, "role": OrganiserRole.OWNER} for i in ids],
        )
        secret = person_key_secret()
        each = registrations // events
        purged_events = int(events * PURGED_SHARE)
        confirmed = 0
        for index, event_id in enumerate(ids):
            people = []
            for k in range(each):
                n = index * each + k
                address = f"person{(n * 7919) % PEOPLE}@example.fi"
                purged = index < purged_events
                place = k % 10 != 9
                confirmed += place
                people.append(
                    {
                        "event_id": event_id,
                        "name": "" if purged else f"Osallistuja {n}",
                        "email": "" if purged else address,
                        "email_normalised": f"erased-{n}" if purged else address,
                        "person_key": person_key(address, secret) if purged else "",
                        "organisation": f"Yhdistys {n % ORGANISATIONS} ry",
                        "region": ["", *REGIONS][n % (len(REGIONS) + 1)],
                        "locale": "fi",
                        "status": "confirmed" if place else "waiting",
                        "source": "signup",
                        "attended": [True, True, True, False, None][k % 5] if place else None,
                        "created_at": now,
                        "updated_at": now,
                        "sequence": 0,
                    }
                )
            db.session.execute(sa.insert(Registration), people)
            if index % 2 == 0:
                db.session.execute(
                    sa.insert(FeedbackResponse),
                    [
                        {"event_id": event_id, "score": 1 + (k % 5), "answers": {}}
                        for k in range(20)
                    ],
                )
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
        first = clock.to_local(now - timedelta(days=361)).date()
        last = clock.to_local(now).date()
        db.engine.dispose()
        return {
            "events": events,
            "registrations": confirmed,
            "first_day": f"{first.day}.{first.month}.{first.year}",
            "last_day": f"{last.day}.{last.month}.{last.year}",
        }


def timed(session, address: str) -> tuple[float, bytes]:
    started = time.perf_counter()
    answer = session.get(address, timeout=300)
    elapsed = time.perf_counter() - started
    answer.raise_for_status()
    return elapsed, answer.content


def check_page(html: bytes, expected: dict) -> None:
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html.decode()))
    found = re.search(r"Pidetyt tapahtumat ([\d\u00a0\u202f ]+)", text)
    said = int(re.sub(r"\D", "", found.group(1))) if found else None
    if said != expected["events"]:
        raise SystemExit(f"the report page says {said} events held, the data {expected}")


def check_workbook(data: bytes, expected: dict) -> None:
    import openpyxl

    summary = openpyxl.load_workbook(io.BytesIO(data), read_only=True)["Yhteenveto"]
    figures = {row[0]: row[1] for row in summary.iter_rows(values_only=True)}
    found = (figures["Pidetyt tapahtumat"], figures["Paikan saaneet"])
    if found != (expected["events"], expected["registrations"]):
        raise SystemExit(f"the workbook says {found}, the data {expected}")


def measure(base_url: str, expected: dict, runs: int) -> list[dict]:
    session = signed_in(base_url)
    session.headers["Accept-Language"] = "fi"
    query = f"first_day={expected['first_day']}&last_day={expected['last_day']}"
    figures = []
    for kind, path, check in (
        ("page", f"/organiser/reports?{query}", check_page),
        ("xlsx", f"/organiser/reports/report.xlsx?{query}", check_workbook),
    ):
        times = []
        for _ in range(runs):
            seconds, body = timed(session, base_url + path)
            check(body, expected)
            times.append(round(seconds, 3))
        figures.append(
            {"kind": kind, "seconds": statistics.median(times), "runs": times, "bytes": len(body)}
        )
        print(json.dumps(figures[-1]), flush=True)
    return figures


def main() -> None:
    from tests.servers import running_gunicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--registrations", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--database-url")
    parser.add_argument("--json", metavar="FILE", help="write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
        reset_database(url)
        started = time.perf_counter()
        expected = fill(url, args.events, args.registrations)
        print(f"filled in {time.perf_counter() - started:.1f} s: {expected}", flush=True)
        with running_gunicorn(url, workers=2, threads=2) as (base_url, _server):
            figures = measure(base_url, expected, args.runs)
        if args.json:
            result = {"events": args.events, "registrations": args.registrations}
            Path(args.json).write_text(json.dumps(result | {"figures": figures}))


if __name__ == "__main__":
    main()
