"""Timed offers under load, through a real server (gunicorn) and two mail workers
(`flask mail work`, which pass on lapsed offers each round), on SQLite and PostgreSQL:
people cancel and accept at the same moment as the workers pass lapsed offers on. A place
is never held by two people nor the event over its places, and each person has one outcome
and one email per change."""

import random
import time
from collections import Counter
from contextlib import ExitStack
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.database import writing
from app.extensions import db
from app.models import Event, OutboundEmail, Registration, RegistrationStatus
from app.places.services import HOLDS_SEAT, cancel_registration
from app.signup.services import issue_manage_link_token
from tests.conftest import pending_mail
from tests.servers import running_mail_worker, running_server
from tests.test_concurrency import Browser, at_the_same_moment
from tests.test_offers import register

CAPACITY = 4
WAITING = 10
SETTLE = 45  # seconds the workers may take to pass every lapsed offer on and send the mail
OFFERED = RegistrationStatus.OFFERED


@pytest.mark.slow
@pytest.mark.both_databases
def test_cancellations_acceptances_and_two_workers_never_give_a_place_twice(
    app, database_url, make_event, smtp_server
):
    event = make_event(capacity=CAPACITY, offer_hours=1)
    people = [register(event, f"seated{n}") for n in range(CAPACITY)]
    people += [register(event, f"waiting{n:02d}") for n in range(WAITING)]
    # Two places freed: two offers stand, one of which lapsed a moment ago.
    for seated in people[:2]:
        cancel_registration(seated)
    db.session.flush()
    lapsed, standing = _offered()
    lapsed.offer_expires_at = clock.now() - timedelta(seconds=1)
    tokens = {person.email: issue_manage_link_token(person) for person in people}
    leaving = [person.email for person in people[2:CAPACITY]]
    standing, lapsed = standing.email, lapsed.email
    event_id = event.id
    db.session.commit()
    db.session.close()

    with running_server(database_url, workers=2, threads=4) as base_url, ExitStack() as stack:
        for _ in range(2):
            stack.enter_context(running_mail_worker(database_url, smtp_port=smtp_server.port))

        def browser():
            opened = Browser(base_url)
            stack.callback(opened.close)
            return opened

        # At once: the two seated left cancel, the standing offer is accepted, the lapsed
        # one too late, and one person waiting without an offer tries to decline one;
        # meanwhile the workers pass the lapsed offer on.
        burst = [_cancelling(browser(), tokens[email]) for email in leaving]
        burst += [
            _answering(browser(), tokens[standing], "accept"),
            _answering(browser(), tokens[lapsed], "accept"),
            _answering(browser(), tokens["waiting09@example.fi"], "decline"),
        ]
        answers = at_the_same_moment(burst)
        assert [answer.status_code for answer in answers] == [303, 303, 303, 409, 409]
        _settle()

        # Every offer standing now lapses in a moment, as those offered click "accept":
        # whether the click or a worker comes first, each has one outcome.
        offered = _lapse_soon()
        accepting = [_answering(browser(), tokens[e], "accept", jitter=1.0) for e in offered]
        answers = at_the_same_moment(accepting)
        assert {answer.status_code for answer in answers} <= {303, 409}
        _settle()

    db.session.rollback()
    everyone = db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event_id)
    ).all()
    holding = [p for p in everyone if p.status in HOLDS_SEAT]
    assert db.session.get(Event, event_id).confirmed_count == len(holding) <= CAPACITY
    assert len(holding) == CAPACITY  # enough people waited for every place to be taken
    assert len({p.email_normalised for p in everyone}) == len(everyone)  # one row each

    mail = Counter(
        (message.recipient, message.kind)
        for message in db.session.scalars(
            sa.select(OutboundEmail).where(OutboundEmail.kind != "reminder")
        )
    )
    assert set(mail.values()) == {1}, "someone got the same email twice"
    for person in everyone:
        kinds = {kind for (recipient, kind) in mail if recipient == person.email}
        assert kinds == _mail_for(person), (person.email, person.status, kinds)


def _mail_for(person: Registration) -> set[str]:
    """The emails one person's way through the test gave them, one per change."""
    if person.email.startswith("seated"):
        expected = {"registration_confirmed"}
        if person.status == RegistrationStatus.CANCELLED:
            expected.add("registration_cancelled")
        return expected
    expected = {"registration_waiting"}
    if person.offer_expires_at is not None or person.status == RegistrationStatus.CONFIRMED:
        expected.add("registration_offered")
    if person.status == RegistrationStatus.CONFIRMED:
        expected.add("registration_confirmed")
    elif person.status == RegistrationStatus.CANCELLED:
        expected.add("offer_expired")
    return expected


def _offered() -> list[Registration]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Registration).where(Registration.status == OFFERED).order_by(Registration.id)
        )
    )


def _lapse_soon() -> list[str]:
    """Every offer standing lapses in a moment; the addresses of those offered. Written as
    the app's writers write (SQLite: BEGIN IMMEDIATE, after ending the read so far, which
    SQLite would refuse to turn into a write once the workers have written since)."""
    db.session.commit()
    with writing():
        offered = _offered()
        for person in offered:
            person.offer_expires_at = clock.now() + timedelta(seconds=1.5)
        emails = [person.email for person in offered]
        db.session.commit()
    db.session.close()
    return emails


def _settle() -> None:
    """Until no lapsed offer stands and all mail is sent (the workers have done it all)."""
    deadline = time.monotonic() + SETTLE
    while time.monotonic() < deadline:
        lapsed = db.session.scalar(
            sa.select(sa.func.count(Registration.id)).where(
                Registration.status == OFFERED, Registration.offer_expires_at <= clock.now()
            )
        )
        if not lapsed and not pending_mail():
            return
        db.session.rollback()
        time.sleep(0.2)
    raise AssertionError("the workers did not pass every lapsed offer on in time")


def _cancelling(browser: Browser, token: str):
    def get_ready():
        path = f"/manage/{token}/cancel"
        data = {"csrf_token": browser.form(path)}
        return lambda: browser.post(path, data)

    return get_ready


def _answering(browser: Browser, token: str, answer: str, *, jitter: float = 0.0):
    def get_ready():
        data = {"csrf_token": browser.form(f"/manage/{token}")}

        def act():
            time.sleep(random.uniform(0, jitter) + (jitter and 1.0))
            return browser.post(f"/manage/{token}/offer/{answer}", data)

        return act

    return get_ready
