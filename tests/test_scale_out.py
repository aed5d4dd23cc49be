"""Kutsu scaled out: two app servers and two mail workers share one PostgreSQL database.

People sign up through both servers at the same moment, a few of them through both at
once with the same address; every person ends up registered once and emailed once, the
seats go to exactly as many people as there are seats, and the two workers, sharing the
outbox, never send the same message twice.
"""

import re
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from urllib.parse import urlsplit

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import EmailStatus, Event, OutboundEmail, RegistrationStatus
from tests.servers import running_mail_worker, running_server
from tests.test_concurrency import (
    Browser,
    at_the_same_moment,
    registrations_of,
    settle,
    signing_up,
)
from tests.test_mail_workers import SENT_LINE, wait_for

SEATS = 30
PEOPLE = 80  # each signs up once, half through each server
TWICE = 5  # each signs up through both servers at the same moment
MAIL_WAIT = 60  # seconds for the workers to send everything
HEADING = re.compile(r"<h1>(.*?)</h1>", re.S)
CONFIRMED = RegistrationStatus.CONFIRMED
WAITING = RegistrationStatus.WAITING


def heading_after(browser: Browser, answer) -> str:
    """What the person sees after sending the form: the heading of the page it leads to."""
    assert answer.status_code == 303, answer.status_code
    page = browser.get(answer.headers["Location"])
    assert page.status_code == 200, page.status_code
    return HEADING.search(page.text).group(1).strip()


def outbox_counts(event_id: int) -> Counter:
    """(kind, status) → rows, as committed now by the other processes."""
    db.session.rollback()  # a new snapshot, and none held while the workers run
    try:
        rows = db.session.execute(
            sa.select(OutboundEmail.kind, OutboundEmail.status, sa.func.count())
            .where(OutboundEmail.event_id == event_id)
            .group_by(OutboundEmail.kind, OutboundEmail.status)
        ).all()
        return Counter({(kind, status): n for kind, status, n in rows})
    finally:
        db.session.rollback()


def pending_due() -> int:
    db.session.rollback()
    try:
        return db.session.scalar(
            sa.select(sa.func.count()).where(
                OutboundEmail.status == EmailStatus.PENDING,
                OutboundEmail.send_after <= clock.now(),
            )
        )
    finally:
        db.session.rollback()


@pytest.mark.slow
@pytest.mark.postgresql
@pytest.mark.parametrize("backend", ["postgresql"])
def test_two_servers_and_two_workers_register_and_email_everyone_exactly_once(
    app, database_url, make_event, smtp_server, mailbox
):
    event = make_event(capacity=SEATS, waiting_list=True)
    title = event.title_in("en").text
    slug, event_id = settle(event)
    once = [f"person{n:03d}@example.fi" for n in range(PEOPLE)]
    twice = [f"twice{n}@example.fi" for n in range(TWICE)]
    everyone = once + twice
    # Small batches, so that both workers take their share of the queue as it fills.
    worker_config = {"MAIL_BATCH_SIZE": 10}

    with ExitStack() as running:
        workers = [
            running.enter_context(
                running_mail_worker(database_url, smtp_port=smtp_server.port, config=worker_config)
            )
            for _ in range(2)
        ]
        servers = [
            running.enter_context(running_server(database_url, workers=2, threads=2))
            for _ in range(2)
        ]
        # (server, email, browser) for every form sent: half of the once-only people
        # through each server, and each of the others through both.
        visits = [(servers[n % 2], email, Browser(servers[n % 2])) for n, email in enumerate(once)]
        visits += [(server, email, Browser(server)) for email in twice for server in servers]
        for _, _, browser in visits:
            running.callback(browser.close)

        answers = at_the_same_moment(
            [signing_up(browser, slug, email) for _, email, browser in visits]
        )
        # Both servers took sign-ups: each answered its half, every one with a redirect.
        answered = Counter((origin(a.url), a.status_code) for a in answers)
        assert answered == {(server, 303): PEOPLE // 2 + TWICE for server in servers}
        with ThreadPoolExecutor(max_workers=8) as pool:
            headings = list(pool.map(heading_after, [b for _, _, b in visits], answers))

        def sent_by() -> list[int]:
            return [sum(map(int, SENT_LINE.findall(w.output(limit=10**6)))) for w in workers]

        # Each person's confirmation or waiting-list message, and a notice for each repeat.
        expected_mail = len(everyone) + TWICE
        wait_for(
            lambda: pending_due() == 0 and len(mailbox.messages) >= expected_mail,
            f"{expected_mail} messages and an outbox with nothing due",
            processes=workers,
            timeout=MAIL_WAIT,
        )
        # A worker prints its report just after the commit the test may have seen first.
        wait_for(lambda: sum(sent_by()) >= expected_mail, "the workers' reports", timeout=10)
        sent_by_worker = sent_by()
    # The workers have stopped (each finishing the message in hand): every message either
    # of them sent, twice or not, is in the mailbox now.

    # What people saw: a seat or a place in the queue for each, and for each person who
    # sent the form twice, one of the two answers only says to check their email (a repeat
    # reveals nothing on screen).
    seen = Counter(headings)
    assert seen == {
        "You are registered": SEATS,
        "You are on the waiting list": len(everyone) - SEATS,
        "Check your email": TWICE,
    }
    for email in twice:
        mine = sorted(h for (_, e, _), h in zip(visits, headings, strict=True) if e == email)
        assert mine[0] == "Check your email" != mine[1], (email, mine)

    # The database: one live registration each, exactly SEATS of them with a seat.
    registrations = registrations_of(event_id)
    assert Counter(r.email for r in registrations) == Counter(everyone)
    status = {r.email: r.status for r in registrations}
    assert Counter(status.values()) == {CONFIRMED: SEATS, WAITING: len(everyone) - SEATS}
    assert db.session.get(Event, event_id).confirmed_count == SEATS

    # The mail: a repeat sign-up finds the first one (before writing, or from the unique
    # index when both arrive at once) and plans an "already_registered" notice keyed by the
    # registration and the hour: one repeat in the same hour, one notice. So each person
    # who sent the form twice gets their status message and one notice; everyone else only
    # their status message. Nobody gets anything twice.
    subjects = {
        CONFIRMED: f"You are registered: {title}",
        WAITING: f"You are on the waiting list: {title}",
    }
    already = f"You are already registered: {title}"
    received = Counter((recipient(m), m["Subject"]) for m in mailbox.messages)
    expected = Counter({(email, subjects[status[email]]): 1 for email in everyone})
    expected.update({(email, already): 1 for email in twice})
    assert received == expected
    assert len(mailbox.messages) == expected_mail

    # The outbox: everything due was sent, by both workers; reminders (two days before the
    # event, which is two weeks ahead) wait, one for each person with a seat.
    assert outbox_counts(event_id) == {
        ("registration_confirmed", EmailStatus.SENT): SEATS,
        ("registration_waiting", EmailStatus.SENT): len(everyone) - SEATS,
        ("already_registered", EmailStatus.SENT): TWICE,
        ("reminder", EmailStatus.PENDING): SEATS,
    }
    assert sum(sent_by_worker) == expected_mail
    assert all(sent_by_worker), f"both workers sent mail: {sent_by_worker}"


def origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def recipient(message) -> str:
    [address] = message["To"].addresses
    return address.addr_spec
