"""Many people signing up for a hybrid event at the same moment through a real server
(gunicorn) on SQLite and on PostgreSQL, most of them for its few seats in the hall, the
others online, released together by a barrier as in tests/test_concurrency.py: neither
mode is ever over its places, each person has one outcome, in the mode they chose, and
gets exactly one email."""

from collections import Counter
from contextlib import ExitStack

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Event, EventFormat, OutboundEmail, Registration, RegistrationStatus
from tests.servers import running_server
from tests.test_concurrency import Browser, at_the_same_moment

CONFIRMED = RegistrationStatus.CONFIRMED
WAITING = RegistrationStatus.WAITING
IN_HALL, ONLINE = 3, 4
CHOOSING = {"in_person": 8, "online": 6}


def signing_up(browser: Browser, slug: str, email: str, mode: str):
    def get_ready():
        path = f"/events/{slug}/register"
        data = {
            "csrf_token": browser.form(path),
            "name": email.split("@")[0].title(),
            "email": email,
            "mode": mode,
            "consent": "y",
        }
        return lambda: browser.post(path, data)

    return get_ready


@pytest.mark.slow
@pytest.mark.both_databases
def test_many_people_choosing_in_person_or_online_at_once_never_overbook_either(
    app, database_url, make_event
):
    event = make_event(format=EventFormat.HYBRID, capacity=IN_HALL, online_capacity=ONLINE)
    event_id, slug = event.id, event.slug
    people = {
        f"{mode}{n:02d}@example.fi": mode for mode, count in CHOOSING.items() for n in range(count)
    }
    db.session.commit()
    db.session.close()

    with running_server(database_url, workers=2, threads=4) as base_url, ExitStack() as stack:
        getting_ready = []
        for email, mode in people.items():
            browser = Browser(base_url)
            stack.callback(browser.close)
            getting_ready.append(signing_up(browser, slug, email, mode))
        answers = at_the_same_moment(getting_ready)

    assert Counter(answer.status_code for answer in answers) == {303: len(people)}
    db.session.rollback()
    registrations = db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event_id)
    ).all()
    assert {r.email: r.mode.value for r in registrations} == people  # one each, as chosen
    outcomes = Counter((r.mode.value, r.status) for r in registrations)
    assert outcomes == {
        ("in_person", CONFIRMED): IN_HALL,
        ("in_person", WAITING): CHOOSING["in_person"] - IN_HALL,
        ("online", CONFIRMED): ONLINE,
        ("online", WAITING): CHOOSING["online"] - ONLINE,
    }
    event = db.session.get(Event, event_id)
    assert (event.confirmed_count, event.online_confirmed_count) == (IN_HALL, ONLINE)

    mail = db.session.scalars(sa.select(OutboundEmail).where(OutboundEmail.kind != "reminder"))
    by_person = Counter(message.recipient for message in mail)
    assert by_person == dict.fromkeys(people, 1)
    kinds = {
        message.recipient: message.kind
        for message in db.session.scalars(
            sa.select(OutboundEmail).where(OutboundEmail.kind != "reminder")
        )
    }
    status_of = {r.email: r.status.value for r in registrations}
    assert all(kinds[email] == f"registration_{status_of[email]}" for email in people)
