"""Sign-in under attack, over HTTP against gunicorn (deploy/gunicorn.conf.py); not part of
`make bench`, a check for the sign-in code (issue 18, items 3 and 10):

    .venv/bin/python bench/sign_in.py contention [--guessers 12] [--sign-ups 30]
    .venv/bin/python bench/sign_in.py forgot [--rounds 300]
    .venv/bin/python bench/sign_in.py statements

contention: on SQLite, how long a complete sign-up's post takes while `--guessers` clients
post wrong passwords for an account, one after another, without pause (and first with no
one guessing). A password check that holds the write lock makes sign-ups queue behind it.

forgot: how long the forgot-password form's answer takes for an organiser's address and
for an address with no account, each asked again and asked for the first time, in turns;
medians. Equal work gives equal times.

statements: SQL statements per organiser page (GET /organiser/, signed in, Flask's test
client): what loading the signed-in organiser costs each page.

Each run uses a temporary SQLite file; rate limits are off (every client is 127.0.0.1).
Run it on two commits (a worktree of each) in turns to compare; the machine's speed moves.
"""

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import reset_database  # noqa: E402
from bench.web import prepare  # noqa: E402
from tests import servers  # noqa: E402
from tests.servers import running_server  # noqa: E402
from tests.test_concurrency import Browser  # noqa: E402

ACCOUNT = "bench@example.fi"  # bench.web.prepare's organiser
servers.START_TIMEOUT = 120  # seconds: a busy machine boots gunicorn's workers slowly


def summary(seconds: list[float]) -> str:
    ms = sorted(value * 1000 for value in seconds)
    p90 = ms[int(len(ms) * 0.9) - 1] if len(ms) >= 10 else ms[-1]
    return (
        f"n={len(ms)} median {statistics.median(ms):.1f} ms, p90 {p90:.1f} ms, max {ms[-1]:.1f} ms"
    )


def sign_up_times(base_url: str, slug: str, answers: dict, count: int, start: int):
    times, statuses = [], []
    path = f"/events/{slug}/register"
    for n in range(start, start + count):
        browser = Browser(base_url)
        data = {
            "csrf_token": browser.form(path),
            "name": f"Person {n}",
            "email": f"person{n}@example.fi",
            "consent": "y",
            **answers,
        }
        began = time.perf_counter()
        statuses.append(browser.post(path, data).status_code)
        times.append(time.perf_counter() - began)
        browser.close()
    return times, statuses


def guess_until(base_url: str, stop: threading.Event, answers: list[int]) -> None:
    browser = Browser(base_url)
    token = browser.form("/login")
    while not stop.is_set():
        data = {"csrf_token": token, "email": ACCOUNT, "password": "not the password"}
        answers.append(browser.post("/login", data).status_code)


def contention(guessers: int, sign_ups: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/kutsu.sqlite3"
        reset_database(url)
        slug, answers = prepare(url, capacity=10 * sign_ups)
        with running_server(url) as base_url:
            sign_up_times(base_url, slug, answers, 3, 0)  # warm up
            alone, statuses = sign_up_times(base_url, slug, answers, sign_ups, 10)
            print(f"sign-ups, no one guessing: {summary(alone)}; answers {set(statuses)}")
            stop, guesses = threading.Event(), []
            threads = [
                threading.Thread(target=guess_until, args=(base_url, stop, guesses))
                for _ in range(guessers)
            ]
            for thread in threads:
                thread.start()
            try:
                time.sleep(1)
                busy, statuses = sign_up_times(base_url, slug, answers, sign_ups, 10 + sign_ups)
            finally:
                stop.set()
                for thread in threads:
                    thread.join()
            print(
                f"sign-ups, {guessers} guessing: {summary(busy)}; answers "
                f"{dict((s, statuses.count(s)) for s in set(statuses))}; "
                f"{len(guesses)} wrong sign-ins answered {set(guesses)}"
            )


def add_accounts(url: str, count: int) -> None:
    """`count` more accounts (known0@... and so on), with the bench organiser's hash."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import Organiser
    from bench.common import make_app

    app = make_app(url)
    with app.app_context():
        hashed = db.session.scalar(
            sa.select(Organiser.password_hash).where(Organiser.email == ACCOUNT)
        )
        rows = [
            {"email": f"known{n}@example.fi", "name": f"Known {n}", "password_hash": hashed}
            for n in range(count)
        ]
        db.session.execute(sa.insert(Organiser), rows)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


# Each round asks once for each: an address asked for before in the last quarter of an
# hour (a reset email is then already planned), and one asked for the first time.
ADDRESSES = {
    "known, asked again": lambda n: ACCOUNT,
    "unknown, asked again": lambda n: "nobody@example.fi",
    "known, first ask": lambda n: f"known{n}@example.fi",
    "unknown, first ask": lambda n: f"nobody{n}@example.fi",
}
WARM_UP = 20


def forgot(rounds: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/kutsu.sqlite3"
        reset_database(url)
        prepare(url, capacity=10)
        add_accounts(url, rounds + WARM_UP)
        with running_server(url) as base_url:
            browser = Browser(base_url)
            token = browser.form("/login/forgot")
            series: dict[str, list[float]] = {name: [] for name in ADDRESSES}
            for n in range(rounds + WARM_UP):
                for name, address in ADDRESSES.items():
                    began = time.perf_counter()
                    answer = browser.post(
                        "/login/forgot", {"csrf_token": token, "email": address(n)}
                    )
                    took = time.perf_counter() - began
                    assert answer.status_code == 200, answer.status_code
                    if n >= WARM_UP:
                        series[name].append(took)
            for name, times in series.items():
                print(f"forgot-password, {name}: {summary(times)}")


def statements(pages: int = 20) -> None:
    from sqlalchemy import event

    from app.extensions import db
    from bench.common import make_app

    with tempfile.TemporaryDirectory() as folder:
        url = f"sqlite:///{folder}/kutsu.sqlite3"
        reset_database(url)
        prepare(url, capacity=10)
        app = make_app(url, WTF_CSRF_ENABLED=False, RATELIMIT_ENABLED=False)
        client = app.test_client()
        signed_in = client.post("/login", data={"email": ACCOUNT, "password": "bench-password-1"})
        assert signed_in.status_code == 303, signed_in.status_code
        count = [0]
        with app.app_context():
            engine = db.engine

        @event.listens_for(engine, "before_cursor_execute")
        def counted(*args) -> None:
            count[0] += 1

        for _ in range(pages):
            assert client.get("/organiser/").status_code == 200
        print(f"statements per organiser page: {count[0] / pages:.1f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    busy = commands.add_parser("contention")
    busy.add_argument("--guessers", type=int, default=12)
    busy.add_argument("--sign-ups", type=int, default=30)
    asked = commands.add_parser("forgot")
    asked.add_argument("--rounds", type=int, default=300)
    commands.add_parser("statements")
    args = parser.parse_args()
    if args.command == "contention":
        contention(args.guessers, args.sign_ups)
    elif args.command == "forgot":
        forgot(args.rounds)
    else:
        statements()


if __name__ == "__main__":
    main()
