"""Capacity holds when many people sign up, or cancel, at the same moment.

A real server (gunicorn: several processes, several threads each) on SQLite and on
PostgreSQL, and real HTTP clients, each with a session of its own, that open the form first
and then all send it at once, released together by a barrier.
"""

import re
import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import ExitStack
from typing import Any
from urllib.parse import urljoin

import pytest
import requests
import sqlalchemy as sa

from app.extensions import db
from app.models import Event, OutboundEmail, Registration, RegistrationStatus
from app.places import services as places
from app.signup import services
from tests.conftest import csrf_token_in
from tests.servers import running_server

# Seconds: for any one request, and for everyone to reach the barrier. Hundreds of posts at
# once queue at a small server: the last answer may take a while on a loaded machine.
TIMEOUT = 120
CONFIRMED = RegistrationStatus.CONFIRMED
WAITING = RegistrationStatus.WAITING
CANCELLED = RegistrationStatus.CANCELLED
QUEUE_POSITION = re.compile(r"Your place in the queue: (\d+)")


class Browser:
    """One person's browser: a session cookie of its own, a new connection per request."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.session = requests.Session()
        self.session.trust_env = False  # no proxy from the environment for 127.0.0.1
        # A kept-alive connection the server closes while we wait at the barrier would
        # fail the POST; a connection per request has no such race.
        self.session.headers.update({"Accept-Language": "en", "Connection": "close"})

    def get(self, path: str) -> requests.Response:
        return self.session.get(urljoin(self.base_url, path), timeout=TIMEOUT)

    def post(self, path: str, data: dict) -> requests.Response:
        return self.session.post(
            urljoin(self.base_url, path), data=data, allow_redirects=False, timeout=TIMEOUT
        )

    def form(self, path: str) -> str:
        """Open the form page; return its CSRF token."""
        page = self.get(path)
        assert page.status_code == 200, (path, page.status_code)
        return csrf_token_in(page.text)

    def close(self) -> None:
        self.session.close()


def at_the_same_moment(people: list[Callable[[], Callable[[], Any]]]) -> list[Any]:
    """Each person gets ready in a thread of their own (opens a form), and returns the one
    action (the post) that all of them then take at once. Returns what each action gave."""
    barrier = threading.Barrier(len(people), timeout=TIMEOUT)

    def run(get_ready: Callable[[], Callable[[], Any]]) -> Any:
        try:
            act = get_ready()
        except BaseException:
            barrier.abort()  # the others stop waiting for someone who will not come
            raise
        barrier.wait()
        return act()

    with ThreadPoolExecutor(max_workers=len(people)) as pool:
        futures = [pool.submit(run, person) for person in people]
        wait(futures)
    failures = [future.exception() for future in futures if future.exception()]
    if failures:
        # The cause, rather than the BrokenBarrierError it gave everyone else.
        raise next(
            (e for e in failures if not isinstance(e, threading.BrokenBarrierError)),
            failures[0],
        )
    return [future.result() for future in futures]


def signing_up(browser: Browser, slug: str, email: str) -> Callable[[], Callable]:
    def get_ready():
        path = f"/events/{slug}/register"
        data = {
            "csrf_token": browser.form(path),
            "name": email.split("@")[0].title(),
            "email": email,
            "consent": "y",
        }
        return lambda: browser.post(path, data)

    return get_ready


def cancelling(browser: Browser, token: str) -> Callable[[], Callable]:
    def get_ready():
        path = f"/manage/{token}/cancel"
        data = {"csrf_token": browser.form(path)}
        return lambda: browser.post(path, data)

    return get_ready


def settle(event) -> tuple[str, int]:
    """The event's slug and id; then end the test's transaction, so it holds no lock."""
    slug, event_id = event.slug, event.id
    db.session.commit()
    db.session.close()
    return slug, event_id


def registrations_of(event_id: int) -> list[Registration]:
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event_id)
            .order_by(Registration.id)
        )
    )


def outbox_of(event_id: int) -> list[OutboundEmail]:
    return list(
        db.session.scalars(sa.select(OutboundEmail).where(OutboundEmail.event_id == event_id))
    )


PEOPLE = 500
SEATS = 50


@pytest.mark.slow
@pytest.mark.both_databases
def test_five_hundred_simultaneous_sign_ups_fill_fifty_seats_and_queue_the_rest(
    app, database_url, make_event
):
    slug, event_id = settle(make_event(capacity=SEATS))
    emails = [f"person{n:03d}@example.fi" for n in range(PEOPLE)]

    with running_server(database_url) as base_url, ExitStack() as browsers_open:
        browsers = [Browser(base_url) for _ in emails]
        for browser in browsers:
            browsers_open.callback(browser.close)

        answers = at_the_same_moment(
            [signing_up(b, slug, email) for b, email in zip(browsers, emails, strict=True)]
        )
        assert Counter(answer.status_code for answer in answers) == {303: PEOPLE}
        # Everyone has had an answer, so every sign-up is committed. Now each looks.
        with ThreadPoolExecutor(max_workers=8) as pool:
            pages = list(
                pool.map(
                    lambda browser, answer: browser.get(answer.headers["Location"]).text,
                    browsers,
                    answers,
                )
            )

    registered = [
        email for email, page in zip(emails, pages, strict=True) if "You are registered" in page
    ]
    queued = {
        email: int(QUEUE_POSITION.search(page).group(1))
        for email, page in zip(emails, pages, strict=True)
        if "You are on the waiting list" in page
    }
    assert len(registered) == SEATS
    assert len(queued) == PEOPLE - SEATS
    assert sorted(queued.values()) == list(range(1, PEOPLE - SEATS + 1))

    registrations = registrations_of(event_id)
    assert sorted(r.email for r in registrations) == emails
    status = {r.email: r.status for r in registrations}
    assert Counter(status.values()) == {CONFIRMED: SEATS, WAITING: PEOPLE - SEATS}
    assert sorted(registered) == sorted(e for e, s in status.items() if s == CONFIRMED)
    assert db.session.get(Event, event_id).confirmed_count == SEATS
    positions = {r.email: places.waiting_position(r) for r in registrations}
    assert {e: p for e, p in positions.items() if p is not None} == queued

    everything = outbox_of(event_id)
    reminders = [message for message in everything if message.kind == "reminder"]
    # Confirmed people also have their reminder planned (two days before the start).
    assert sorted(m.recipient for m in reminders) == sorted(registered)
    outbox = [message for message in everything if message.kind != "reminder"]
    assert sorted(message.recipient for message in outbox) == emails  # one each
    assert Counter(message.kind for message in outbox) == {
        "registration_confirmed": SEATS,
        "registration_waiting": PEOPLE - SEATS,
    }
    assert all(
        message.kind == f"registration_{status[message.recipient].value}" for message in outbox
    )


@pytest.mark.slow
@pytest.mark.both_databases
def test_cancellations_and_sign_ups_at_once_promote_in_order_and_never_overbook(
    app, database_url, make_event
):
    event = make_event(capacity=5)
    earlier = [
        services.register_for_event(
            event,
            name=f"Early {n}",
            email=f"early{n:02d}@example.fi",
            organisation="",
            answers={},
            locale="en",
        ).registration
        for n in range(15)
    ]
    db.session.commit()
    seated, waiting = earlier[:5], earlier[5:]
    assert [r.status for r in seated] == [CONFIRMED] * 5
    assert [r.status for r in waiting] == [WAITING] * 10
    leaving = [seated[0], seated[2], seated[4]]
    tokens = [services.issue_manage_link_token(r) for r in leaving]
    leaving_ids = {r.id for r in leaving}
    staying_ids = {r.id for r in seated} - leaving_ids
    waiting_ids = [r.id for r in waiting]
    slug, event_id = settle(event)
    newcomers = [f"new{n:02d}@example.fi" for n in range(10)]

    with running_server(database_url) as base_url, ExitStack() as browsers_open:
        people = []
        for token in tokens:
            browser = Browser(base_url)
            browsers_open.callback(browser.close)
            people.append(cancelling(browser, token))
        for email in newcomers:
            browser = Browser(base_url)
            browsers_open.callback(browser.close)
            people.append(signing_up(browser, slug, email))

        answers = at_the_same_moment(people)
        assert Counter(answer.status_code for answer in answers) == {303: len(people)}

    registrations = registrations_of(event_id)
    status = {r.id: r.status for r in registrations}
    confirmed = {id_ for id_, s in status.items() if s == CONFIRMED}
    # Never more than the capacity, and each seat a cancellation frees goes to the front of
    # the queue in the same transaction: a newcomer never gets it.
    assert len(confirmed) == 5
    assert db.session.get(Event, event_id).confirmed_count == 5
    assert {id_ for id_, s in status.items() if s == CANCELLED} == leaving_ids
    promoted = set(waiting_ids[:3])
    assert confirmed == staying_ids | promoted
    still_waiting = [r for r in registrations if r.status == WAITING]
    assert [r.id for r in still_waiting[:7]] == waiting_ids[3:]
    assert sorted(r.email for r in still_waiting[7:]) == newcomers
    assert [places.waiting_position(r) for r in still_waiting] == list(range(1, 18))

    outbox = outbox_of(event_id)
    reminded = {m.registration_id for m in outbox if m.kind == "reminder"}
    assert reminded == {r.id for r in registrations if r.status == CONFIRMED} | leaving_ids
    outbox = [message for message in outbox if message.kind != "reminder"]
    assert Counter(message.kind for message in outbox) == {
        "registration_confirmed": 5,  # the first five
        "registration_waiting": 10 + 10,  # the next ten, then the newcomers
        "registration_cancelled": 3,
        "registration_promoted": 3,
    }
    sent_about = {
        kind: {m.registration_id for m in outbox if m.kind == kind}
        for kind in ("registration_cancelled", "registration_promoted")
    }
    assert sent_about == {
        "registration_cancelled": leaving_ids,
        "registration_promoted": promoted,
    }
