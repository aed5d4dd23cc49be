"""Kutsu under gunicorn beside the framework's ceiling: event page, sign-ups, a burst.

    .venv/bin/python bench/web.py [--database-url URL] [--seconds 10] [--people 1000]

Serves bench/pong.py (a bare Flask "pong") and then Kutsu, each with deploy/gunicorn.conf.py
on 127.0.0.1, and measures:

1. the event page: wrk, requests/s with the median and 99th percentile latency;
2. complete sign-ups: a person opens the form (cookie and CSRF token), then sends it;
   --people of them, --concurrency at a time, by bench/loadclient.py; every answer must be
   the redirect to the result page, and the rows are counted afterwards;
3. a burst: --burst people open the form, then all send it at the same moment, for
   --seats places: exactly that many confirmed, the rest waiting, no errors.

Each rate is reported as a share of the ceiling's requests/s, measured in the same run.
Exits non-zero when anything was incorrect (an error, a wrong count); targets not met are
reported, not failed, because a shared machine's figures vary.
"""

import argparse
import json
import sys
import tempfile
from collections import Counter
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import loadclient  # noqa: E402
from bench.common import RUNS, database_name, make_app, reset_database, wrk  # noqa: E402

PAGE_TARGET = 0.25  # of the ceiling's requests/s
SIGNUP_TARGET = 0.15


@dataclass
class Figure:
    scenario: str
    database: str
    rate: float  # per second
    unit: str
    p50_ms: float
    p99_ms: float
    count: int
    errors: int
    target: float | None = None  # share of the ceiling
    ceiling: float = 0.0
    checked: str = ""  # what was verified after the run
    runs: list[int] = field(default_factory=list)  # wrk: requests/s of each run
    # Sign-ups: each run's rate and the ceiling measured just before it, "133/810".
    pairs: list[str] = field(default_factory=list)

    @classmethod
    def from_wrk(cls, scenario, database, result, target=None, ceiling=0.0) -> "Figure":
        return cls(
            scenario,
            database,
            result.requests_per_second,
            "requests/s",
            result.p50_ms,
            result.p99_ms,
            result.requests,
            result.errors,
            target,
            ceiling,
            runs=result.runs,
        )

    @property
    def ratio(self) -> float:
        return self.rate / self.ceiling if self.ceiling else 0.0

    def as_dict(self) -> dict:
        return asdict(self) | {"ratio": round(self.ratio, 3)}


@contextmanager
def pong_server(args: argparse.Namespace):
    """bench/pong.py under gunicorn with Kutsu's settings; its base URL."""
    from tests.servers import running_server

    with (
        tempfile.TemporaryDirectory() as folder,
        running_server(
            f"sqlite:///{folder}/unused.sqlite3",
            workers=args.workers,
            threads=args.threads,
            app="bench.pong:app",
        ) as base_url,
    ):
        yield base_url


def sign_ups(base_url: str, form: str, answers: dict, args) -> loadclient.Outcome:
    host, port = base_url.removeprefix("http://").split(":")
    return loadclient.sign_ups(
        host, int(port), form, answers, people=args.people, concurrency=args.concurrency
    )


def measure_ceiling(args: argparse.Namespace, *, client: bool = True) -> tuple[Figure, Figure]:
    """Flask alone: wrk on "pong", and (client) the sign-up client's flow on an empty form."""
    with pong_server(args) as base_url:
        result = wrk(base_url + "/", seconds=args.seconds, connections=args.connections)
        # The median of RUNS runs, as wrk's: one run lasts a second or so, in which a shared
        # machine's speed can move by half.
        runs = [sign_ups(base_url, "/form", {}, args) for _ in range(RUNS if client else 0)]
    runs.sort(key=lambda outcome: outcome.rate)
    pages = Figure.from_wrk("ceiling: Flask pong (GET)", "-", result)
    forms = _from_outcome(
        "ceiling: the sign-up client on an empty Flask form (GET, POST)",
        "-",
        runs[len(runs) // 2] if runs else loadclient.Outcome(),
        "forms/s",
    )
    forms.runs = [round(outcome.rate) for outcome in runs]
    return pages, forms


def prepare(url: str, *, capacity: int) -> tuple[str, dict[str, str]]:
    """A published seminar like the demo's; its slug, and a sign-up's answers to it."""
    import sqlalchemy as sa

    from app.auth.services import create_organiser
    from app.demo.data import ATTENDING, demo_events
    from app.extensions import db
    from app.models import EventFormat, Organiser
    from app.organiser.services import create_event, publish_event

    app = make_app(url)
    with app.app_context():
        owner = db.session.scalar(sa.select(Organiser).where(Organiser.email == "bench@example.fi"))
        if owner is None:
            owner = create_organiser("bench@example.fi", "Bench", "bench-password-1")
        seminar = next(details for details in demo_events() if details.venue_name == "Säätytalo")
        # As the seminar was before it became hybrid with places per mode (app.places.modes):
        # a plain open event, one number of places, its question of in person or online,
        # and the same reminders planned, so that figures stay comparable.
        plain = replace(
            seminar,
            capacity=capacity,
            format=EventFormat.IN_PERSON,
            reminder_minutes=[2 * 24 * 60, 60],
            questions=[ATTENDING, *seminar.questions],
        )
        event = create_event(owner, plain)
        publish_event(event)
        db.session.commit()
        attending, interests, diet = event.questions
        answers = {
            f"q_{attending.id}": attending.options[1],
            f"q_{interests.id}": interests.options[0],
            f"q_{diet.id}": "gluteeniton",
            "sensitive_consent": "y",
        }
        slug = event.slug
        db.session.remove()
        db.engine.dispose()
    return slug, answers


def counts(url: str, slug: str) -> dict[str, int]:
    """Registrations by status, and the sign-up messages queued, for the event."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Event, OutboundEmail, Registration

    app = make_app(url)
    with app.app_context():
        event = db.session.scalar(sa.select(Event).where(Event.slug == slug))
        statuses = dict(
            db.session.execute(
                sa.select(Registration.status, sa.func.count())
                .where(Registration.event_id == event.id)
                .group_by(Registration.status)
            ).all()
        )
        messages = db.session.scalar(
            sa.select(sa.func.count(sa.distinct(OutboundEmail.registration_id))).where(
                OutboundEmail.event_id == event.id,
                OutboundEmail.kind.in_(["registration_confirmed", "registration_waiting"]),
            )
        )
        result = {str(status): number for status, number in statuses.items()}
        result |= {"people emailed": messages, "confirmed_count": event.confirmed_count}
        db.session.remove()
        db.engine.dispose()
    return result


def _expected(people: int, seats: int) -> dict[str, int]:
    confirmed = min(people, seats)
    expected = {"confirmed": confirmed, "people emailed": people, "confirmed_count": confirmed}
    if people > seats:
        expected["waiting"] = people - seats
    return expected


def measure_against_ceiling(
    url: str, args: argparse.Namespace
) -> tuple[Figure, Figure, list[Figure]]:
    """The ceiling, then Kutsu on url read against it. Measured just before, as a shared
    machine's speed moves by half within a run, and a ratio to an old ceiling misleads."""
    ceiling, client_ceiling = measure_ceiling(args)
    print(
        f"{database_name(url)}: ceiling {ceiling.rate:.0f} requests/s, "
        f"the sign-up client's flow {client_ceiling.rate:.0f}/s",
        flush=True,
    )
    return ceiling, client_ceiling, measure_kutsu(url, args, ceiling.rate, client_ceiling.rate)


def measure_kutsu(
    url: str, args: argparse.Namespace, ceiling: float, client_ceiling: float
) -> list[Figure]:
    from tests.servers import running_server

    database = database_name(url)
    reset_database(url)
    # An event for each run of the sign-ups, and one for the burst.
    events = [prepare(url, capacity=args.seats_open) for _ in range(RUNS)]
    slug = events[0][0]  # the event page is measured on the first
    burst_slug, burst_answers = prepare(url, capacity=args.seats)
    figures = []
    with (
        pong_server(args) as pong_url,
        running_server(url, workers=args.workers, threads=args.threads) as base_url,
    ):
        host, port = base_url.removeprefix("http://").split(":")
        page = wrk(f"{base_url}/events/{slug}", seconds=args.seconds, connections=args.connections)
        figures.append(Figure.from_wrk("event page (GET)", database, page, PAGE_TARGET, ceiling))
        print(f"  {figures[-1].scenario}: {figures[-1].rate:.0f}/s", flush=True)

        # RUNS runs, each on an event of its own, whose rows are all checked, and each read
        # against the client's flow on pong run just before it: the machine's speed moves
        # within a minute. The figure is the run with the median share, and says if any
        # run was wrong.
        expected = _expected(args.people, args.seats_open)
        runs = []
        for run_slug, run_answers in events:
            paired = sign_ups(pong_url, "/form", {}, args)
            outcome = sign_ups(base_url, f"/events/{run_slug}/register", run_answers, args)
            runs.append(
                _from_outcome(
                    "complete sign-ups (GET form, POST)",
                    database,
                    outcome,
                    "sign-ups/s",
                    SIGNUP_TARGET,
                    paired.rate,
                    counts(url, run_slug),
                    expected,
                )
            )
        figures.append(_median_of(runs))
        print(f"  {figures[-1].scenario}: {figures[-1].rate:.0f}/s", flush=True)

        burst_form = f"/events/{burst_slug}/register"
        outcome = loadclient.burst(host, int(port), burst_form, burst_answers, people=args.burst)
        found = counts(url, burst_slug)
        figures.append(
            _from_outcome(
                f"burst: {args.burst} at once for {args.seats} seats (POST)",
                database,
                outcome,
                "sign-ups/s",
                None,
                client_ceiling,
                found,
                _expected(args.burst, args.seats),
            )
        )
        print(f"  {figures[-1].scenario}: p99 {figures[-1].p99_ms:.0f} ms", flush=True)
    return figures


def _median_of(runs: list[Figure]) -> Figure:
    """The run with the median share of its ceiling, with every run's rate and ceiling, and
    any run's errors or wrong rows in its own figures."""
    ordered = sorted(runs, key=lambda figure: figure.ratio)
    median = ordered[len(ordered) // 2]
    median.pairs = [f"{figure.rate:.0f}/{figure.ceiling:.0f}" for figure in ordered]
    median.errors = sum(figure.errors for figure in runs)
    wrong = [figure.checked for figure in runs if figure.checked.startswith("WRONG")]
    if wrong:
        median.checked = wrong[0]
    return median


def _from_outcome(
    scenario, database, outcome, unit, target=None, ceiling=0.0, found=None, expected=None
) -> Figure:
    """A figure from the client's outcome; found and expected: row counts to compare."""
    answered = sum(outcome.statuses.values())
    wrong_status = answered - outcome.statuses.get(303, 0)
    checked = ""
    if expected is not None:
        mismatches = {k: (found.get(k, 0), v) for k, v in expected.items() if found.get(k, 0) != v}
        unexpected = {k: v for k, v in found.items() if k not in expected and v}
        checked = "rows as expected: " + ", ".join(f"{k} {v}" for k, v in expected.items())
        if mismatches or unexpected:
            checked = f"WRONG (found, expected): {mismatches} {unexpected}"
    for error, times in Counter(outcome.errors).most_common(3):
        print(f"    error ×{times}: {error}")
    if wrong_status:
        print(f"    answers by status: {outcome.statuses}")
    return Figure(
        scenario,
        database,
        outcome.rate,
        unit,
        loadclient.percentile(outcome.latencies, 0.5) * 1000,
        loadclient.percentile(outcome.latencies, 0.99) * 1000,
        answered,
        len(outcome.errors) + wrong_status,
        target,
        ceiling,
        checked,
    )


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--seconds", type=int, default=10, help="per wrk run")
    parser.add_argument("--connections", type=int, default=32, help="wrk's connections")
    parser.add_argument("--people", type=int, default=1000, help="complete sign-ups")
    parser.add_argument("--concurrency", type=int, default=32, help="sign-ups in progress")
    parser.add_argument("--seats-open", type=int, default=300, help="seats for the sign-ups")
    parser.add_argument("--burst", type=int, default=2000, help="people in the burst")
    parser.add_argument("--seats", type=int, default=100, help="seats in the burst")
    parser.add_argument("--workers", type=int, default=None, help="gunicorn processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per process")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", action="append", help="repeat for several")
    parser.add_argument("--json", metavar="FILE", help="write the figures here")
    add_arguments(parser)
    args = parser.parse_args()
    args.workers = args.workers or 2
    with tempfile.TemporaryDirectory() as folder:
        urls = args.database_url or [f"sqlite:///{folder}/bench.sqlite3"]
        figures = []
        for url in urls:
            ceiling, client_ceiling, kutsu = measure_against_ceiling(url, args)
            figures += [ceiling, client_ceiling, *kutsu]
    for figure in figures:
        print(json.dumps(figure.as_dict(), ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps([f.as_dict() for f in figures], indent=2))
    if any(f.errors or f.checked.startswith("WRONG") for f in figures):
        raise SystemExit("errors or wrong counts")


if __name__ == "__main__":
    main()
