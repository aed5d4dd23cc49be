"""Calendar benchmark: the public calendar and its feeds with 1,000 published events.

    .venv/bin/python bench/calendar_pages.py [--events 1000] [--seconds 10] [--database-url URL]

The events spread over the twelve months from now (so the feed and the year hold them all
and a month about 85), with 20 monthly series of 12 occurrences among them, every one with
a region and themes. Served by gunicorn with deploy/gunicorn.conf.py (2 processes x 2
threads, as bench/web.py) and measured with wrk (bench/common.py: a new connection per
request, the median of five runs) on: a month's page, the year's page (the annual
calendar), the iCalendar feed and the JSON feed. Each answer is checked once first: the
feed must hold every event (a fast empty feed is an error, not a result).

Not bench/calendar.py: run as a script, a file's folder comes first on sys.path, and one
named calendar.py would stand in for the standard library's (which email imports) in
every script of this folder.
"""

import argparse
import json
import sys
import tempfile
from datetime import timedelta
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import make_app, reset_database, wrk  # noqa: E402

REGIONS = ["", "Kanta-Häme", "Pirkanmaa", "Helsinki", "Lappi", "Varsinais-Suomi"]
THEMES = ["Mielenterveys", "Työllisyys", "Ikäihmiset", "Nuoret", "Vapaaehtoistoiminta"]
SERIES = 20
OCCURRENCES = 12


def fill(url: str, count: int) -> str:
    """count published events, SERIES series among them; the month in the middle."""
    import sqlalchemy as sa

    from app import clock
    from app.extensions import db
    from app.models import Event, EventFormat, EventStatus, Series

    app = make_app(url)
    with app.app_context():
        series = [
            Series(slug=f"sarja-{n}", title=f"Verkoston kuukausitapaaminen {n}", language="fi")
            for n in range(SERIES)
        ]
        db.session.add_all(series)
        db.session.flush()
        now = clock.now().replace(minute=0, second=0, microsecond=0)
        rows = []
        for n in range(count):
            in_series = n < SERIES * OCCURRENCES
            starts = now + timedelta(
                days=(n % OCCURRENCES) * 30 + n // OCCURRENCES % 28 if in_series else n % 360,
                hours=n % 8,
            )
            rows.append(
                {
                    "slug": f"tapahtuma-{n}",
                    "title": f"Järjestöjen tapahtuma {n}",
                    "description": "Tervetuloa! " * 20,
                    "starts_at": starts,
                    "ends_at": starts + timedelta(hours=2),
                    "format": list(EventFormat)[n % 3],
                    "venue_name": "Kumppanuustalo",
                    "venue_address": "Hämeenlinna",
                    "join_link": "https://teams.example.invalid/secret",
                    "status": EventStatus.PUBLISHED,
                    "published_at": now,
                    "language": "fi",
                    "translations": {"sv": {"title": f"Organisationernas evenemang {n}"}},
                    "region": REGIONS[n % len(REGIONS)],
                    "themes": [THEMES[n % len(THEMES)], THEMES[(n + 2) % len(THEMES)]],
                    "series_id": series[n % SERIES].id if in_series else None,
                    "capacity": 40,
                    "created_at": now,
                    "updated_at": now,
                }
            )
        db.session.execute(sa.insert(Event), rows)
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("ANALYZE")
        middle = clock.to_local(now + timedelta(days=180))
        db.engine.dispose()
        return f"{middle:%Y-%m}"


def pages(month: str) -> dict[str, str]:
    return {
        "/calendar (a month)": f"/calendar?month={month}",
        "/calendar/<year>": f"/calendar/{month[:4]}",
        "/calendar.ics": "/calendar.ics",
        "/calendar.json": "/calendar.json?count=200",
    }


def check(base_url: str, path: str, events: int) -> None:
    answer = requests.get(base_url + path, timeout=60)
    answer.raise_for_status()
    if path == "/calendar.ics" and answer.text.count("BEGIN:VEVENT") != events:
        raise SystemExit(f"the feed has {answer.text.count('BEGIN:VEVENT')} of {events} events")
    if "secret" in answer.text:
        raise SystemExit(f"{path} shows the join link")


def main() -> None:
    from tests.servers import running_gunicorn

    parser = argparse.ArgumentParser()
    parser.add_argument("--events", type=int, default=1000)
    parser.add_argument("--seconds", type=int, default=25, help="of wrk, per page (5 runs)")
    parser.add_argument("--connections", type=int, default=4)
    parser.add_argument("--database-url")
    parser.add_argument("--json", metavar="FILE", help="write the figures here")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        url = args.database_url or f"sqlite:///{folder}/bench.sqlite3"
        reset_database(url)
        figures = []
        # Filled once the server answers: its start waits for the home page, which lists
        # every upcoming event.
        with running_gunicorn(url, workers=2, threads=2) as (base_url, _server):
            month = fill(url, args.events)
            for scenario, path in pages(month).items():
                check(base_url, path, args.events)
                result = wrk(base_url + path, seconds=args.seconds, connections=args.connections)
                figure = {
                    "scenario": scenario,
                    "path": path,
                    "rate": result.requests_per_second,
                    "p50_ms": result.p50_ms,
                    "p99_ms": result.p99_ms,
                    "requests": result.requests,
                    "errors": result.errors,
                    "runs": result.runs,
                }
                print(json.dumps(figure), flush=True)
                figures.append(figure)
        if args.json:
            Path(args.json).write_text(json.dumps({"events": args.events, "figures": figures}))


if __name__ == "__main__":
    main()
