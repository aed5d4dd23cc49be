"""Hostile uploads: each bomb of tests/bombs.py sent as an organiser's invitation list.

    .venv/bin/python bench/uploads.py [--database-url URL] [--only NAME ...]

Each upload goes to a fresh gunicorn (deploy/gunicorn.conf.py, one process of four threads,
so the process's peak memory, VmHWM, is the upload's), signed in, over HTTP. While it is
being answered, a visitor signs up for an open event again and again over HTTP: the figures
say how many of those sign-ups succeeded and how long the slowest took. The answer's time,
status and whether the page names the problem are reported as they came.
"""

import argparse
import json
import re
import sys
import tempfile
import threading
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.exports import ORGANISER, make_app, signed_in  # noqa: E402
from tests import bombs  # noqa: E402

UPLOAD_TIMEOUT = 180  # seconds: the slowest "before" took 101 s on the review's machine


def fill(url: str) -> tuple[int, str]:
    """An organiser, a workshop to invite to and an open event to sign up for."""
    from app import clock
    from app.auth.services import create_organiser
    from app.extensions import db
    from app.models import EventFormat, Participation
    from app.organiser.services import EventDetails, create_event, publish_event

    app = make_app(url)
    with app.app_context():
        db.drop_all()
        db.create_all()
        owner = create_organiser(ORGANISER, "Bench", "bench-password-1")
        now = clock.now().replace(second=0, microsecond=0)
        starts = now + timedelta(days=60)

        def event(title: str, **details):
            made = create_event(
                owner,
                EventDetails(
                    title=title,
                    starts_at=starts,
                    ends_at=starts + timedelta(hours=2),
                    format=EventFormat.IN_PERSON,
                    venue_name="Kumppanuustalo",
                    **details,
                ),
            )
            publish_event(made)
            return made

        workshop = event(
            "Työpaja",
            participation=Participation.INVITATION,
            nominations_close_at=now + timedelta(days=20),
            invitations_send_at=now + timedelta(days=39),
            reply_by=now + timedelta(days=50),
        )
        open_event = event("Avoin tilaisuus")
        db.session.commit()
        return workshop.id, open_event.slug


def sign_ups(base_url: str, slug: str, stop: threading.Event, results: list) -> None:
    """Sign up again and again until stop; each (status, seconds)."""
    import requests

    session = requests.Session()
    session.trust_env = False
    n = 0
    while not stop.is_set():
        n += 1
        started = time.perf_counter()
        try:
            page = session.get(f"{base_url}/events/{slug}/register", timeout=60).text
            token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
            answer = session.post(
                f"{base_url}/events/{slug}/register",
                data={
                    "csrf_token": token,
                    "name": f"Osallistuja {n}",
                    "email": f"person{n}.{time.monotonic_ns()}@example.fi",
                    "consent": "y",
                },
                timeout=60,
            )
            status = answer.status_code
        except Exception as error:  # noqa: BLE001 - a failed sign-up is a figure here
            status = type(error).__name__
        results.append((status, time.perf_counter() - started))
        stop.wait(0.2)


def upload(url: str, workshop: int, slug: str, path: Path) -> dict:
    import requests

    from tests.servers import children_of, memory_mb, running_gunicorn

    with running_gunicorn(url, workers=1, threads=4) as (base_url, server):
        session = signed_in(base_url)
        page_url = f"{base_url}/organiser/events/{workshop}/invitations/list"
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', session.get(page_url).text)
        [worker] = children_of(server.pid)
        before = memory_mb(worker, "VmRSS")
        Path(f"/proc/{worker}/clear_refs").write_text("5")
        stop, signed = threading.Event(), []
        visitor = threading.Thread(target=sign_ups, args=(base_url, slug, stop, signed))
        visitor.start()
        started = time.perf_counter()
        try:
            with path.open("rb") as file:
                answer = session.post(
                    page_url,
                    data={"csrf_token": token.group(1), "pasted": "", "language": "fi"},
                    files={"upload": (path.name, file)},
                    timeout=UPLOAD_TIMEOUT,
                )
            status, text = answer.status_code, answer.text
        except requests.RequestException as error:
            status, text = type(error).__name__, ""
        elapsed = time.perf_counter() - started
        try:
            peak = memory_mb(worker, "VmHWM")
        except FileNotFoundError:  # the worker was replaced
            peak = float("nan")
        stop.set()
        visitor.join()
        output = server.output(20000)
    problem = re.search(r'<p class="field-error"[^>]*>(.*?)</p>', text, re.S) or re.search(
        r"<main[^>]*>(.*?)</main>", text, re.S
    )
    return {
        "file": path.name,
        "bytes": path.stat().st_size,
        "status": status,
        "seconds": round(elapsed, 2),
        "peak_mb": round(peak, 1),
        "added_mb": round(peak - before, 1),
        "message": re.sub(r"(<[^>]+>|\s)+", " ", problem.group(1)).strip()[:300] if problem else "",
        "sign_ups": len(signed),
        "sign_ups_ok": sum(1 for status, _ in signed if status == 200),
        "slowest_sign_up_s": round(max((s for _, s in signed), default=0), 2),
        "server_errors": output.count("Traceback"),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--bombs", default=str(Path(tempfile.gettempdir()) / "kutsu-bombs"))
    parser.add_argument("--only", nargs="*", choices=list(bombs.BOMBS))
    parser.add_argument("--json", metavar="FILE")
    args = parser.parse_args()
    folder = Path(args.bombs)
    folder.mkdir(parents=True, exist_ok=True)
    figures = []
    with tempfile.TemporaryDirectory() as database_folder:
        url = args.database_url or f"sqlite:///{database_folder}/bench.sqlite3"
        workshop, slug = fill(url)
        for name in args.only or bombs.BOMBS:
            figure = {"bomb": name} | upload(url, workshop, slug, bombs.build(folder, name))
            print(json.dumps(figure), flush=True)
            figures.append(figure)
    if args.json:
        Path(args.json).write_text(json.dumps(figures))


if __name__ == "__main__":
    main()
