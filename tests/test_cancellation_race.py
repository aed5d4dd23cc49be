"""Sign-ups that race the event's cancellation: each one is either refused, and the person
reads that the event is cancelled, or it is in, and the cancellation email reaches it.

A real server (gunicorn: several processes and threads) on SQLite and PostgreSQL; every
person opens the form first, then the posts go in from a bounded pool of threads while the
organiser's cancellation is sent when half of them have had their answer. Several rounds:
the race is narrow, and it was lost a few times in each round before the fix."""

import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Event, EventStatus, OutboundEmail, Registration
from tests.conftest import PASSWORD
from tests.journeys.conftest import page_text
from tests.servers import running_server
from tests.test_concurrency import Browser

ROUNDS = 3
PEOPLE = 120
AT_ONCE = 24  # posts in flight at a time


def sign_in(browser: Browser, email: str) -> None:
    answer = browser.post(
        "/login", {"csrf_token": browser.form("/login"), "email": email, "password": PASSWORD}
    )
    assert answer.status_code == 303, answer.status_code


def one_round(base_url: str, slug: str, event_id: int, organiser_email: str) -> None:
    emails = [f"round{event_id}-person{n:03d}@example.fi" for n in range(PEOPLE)]
    with ExitStack() as open_browsers:
        organiser = Browser(base_url)
        open_browsers.callback(organiser.close)
        sign_in(organiser, organiser_email)
        cancel_path = f"/organiser/events/{event_id}/cancel"
        cancel_form = {"csrf_token": organiser.form(cancel_path)}

        path = f"/events/{slug}/register"
        people = []
        for email in emails:
            browser = Browser(base_url)
            open_browsers.callback(browser.close)
            form = {
                "csrf_token": browser.form(path),
                "name": "Race",
                "email": email,
                "consent": "y",
            }
            people.append((browser, form))

        answered = 0
        half_answered = threading.Event()
        lock = threading.Lock()

        def sign_up(person):
            nonlocal answered
            browser, form = person
            answer = browser.post(path, form)
            page = browser.get(answer.headers["Location"]) if answer.status_code == 303 else answer
            with lock:
                answered += 1
                if answered == PEOPLE // 2:
                    half_answered.set()
            return answer.status_code, page_text(page.text)

        with ThreadPoolExecutor(max_workers=AT_ONCE) as pool:
            futures = [pool.submit(sign_up, person) for person in people]
            assert half_answered.wait(timeout=120)
            cancelled = organiser.post(cancel_path, cancel_form)
            answers = [future.result() for future in futures]
        assert cancelled.status_code == 303

    db.session.rollback()  # what the server committed
    assert db.session.get(Event, event_id).status == EventStatus.CANCELLED
    registered = {
        registration.email: registration.id
        for registration in db.session.scalars(
            sa.select(Registration).where(Registration.event_id == event_id)
        )
    }
    told = Counter(
        db.session.scalars(
            sa.select(OutboundEmail.registration_id).where(
                OutboundEmail.event_id == event_id, OutboundEmail.kind == "event_cancelled"
            )
        )
    )
    for email, (status, page) in zip(emails, answers, strict=True):
        if status == 409:  # refused: the person read why, and nothing of theirs was kept
            assert "The event has been cancelled" in page, page
            assert email not in registered
        else:
            assert status == 303 and "You are registered" in page, (status, page)
            assert told[registered[email]] == 1, f"{email} was registered but never told"
    # Nobody the person was not told about: every row is a 303 above, told once.
    assert sorted(told) == sorted(registered.values())
    assert set(told.values()) <= {1}


@pytest.mark.slow
@pytest.mark.both_databases
def test_sign_ups_racing_the_cancellation_are_refused_or_told_it_is_cancelled(
    app, database_url, make_event, make_organiser
):
    olli = make_organiser(email="olli@example.fi", name="Olli Organiser")
    events = [make_event(olli, title=f"Kierros {n}") for n in range(ROUNDS)]
    events = [(event.slug, event.id) for event in events]
    db.session.commit()
    db.session.close()  # the test holds no lock while the server works
    with running_server(database_url, workers=2, threads=8) as base_url:
        for slug, event_id in events:
            one_round(base_url, slug, event_id, "olli@example.fi")
