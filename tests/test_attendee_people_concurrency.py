"""Organisers adding people and participants signing up at the same moment never overbook:
a real server (gunicorn) on SQLite and on PostgreSQL, every browser released together by a
barrier, as in tests/test_concurrency.py."""

from collections import Counter
from contextlib import ExitStack

import pytest

from app.extensions import db
from app.models import Event, RegistrationSource, RegistrationStatus
from app.places import services as places
from tests.conftest import PASSWORD
from tests.servers import running_server
from tests.test_concurrency import (
    Browser,
    at_the_same_moment,
    outbox_of,
    registrations_of,
    settle,
    signing_up,
)

CONFIRMED = RegistrationStatus.CONFIRMED
WAITING = RegistrationStatus.WAITING


def signed_in(base_url: str, email: str) -> Browser:
    browser = Browser(base_url)
    answer = browser.post(
        "/login", {"csrf_token": browser.form("/login"), "email": email, "password": PASSWORD}
    )
    assert answer.status_code == 303, answer.status_code
    return browser


def adding(browser: Browser, event_id: int, email: str):
    """An organiser's add form, opened, then sent at the barrier; every other one without
    an address, as someone who phoned."""

    def get_ready():
        path = f"/organiser/events/{event_id}/attendees/new"
        data = {
            "csrf_token": browser.form(path),
            "name": f"Soittaja {email.split('@')[0]}",
            "email": email if int(email[5:7]) % 2 else "",
            "locale": "fi",
            "send_mail": "y",
        }
        return lambda: browser.post(path, data)

    return get_ready


def people_at_once(base_url, event_id, slug, *, adds: int, sign_ups: int):
    with ExitStack() as open_browsers:
        people = []
        for n in range(adds):
            browser = signed_in(base_url, "olli@example.fi")
            open_browsers.callback(browser.close)
            people.append(adding(browser, event_id, f"phone{n:02d}@example.fi"))
        for n in range(sign_ups):
            browser = Browser(base_url)
            open_browsers.callback(browser.close)
            people.append(signing_up(browser, slug, f"web{n:02d}@example.fi"))
        return at_the_same_moment(people)


@pytest.mark.slow
@pytest.mark.both_databases
def test_organisers_adding_and_people_signing_up_at_once_fill_the_seats_and_queue_the_rest(
    app, database_url, make_event, make_organiser
):
    organiser = make_organiser(email="olli@example.fi")
    slug, event_id = settle(make_event(organiser, capacity=10))

    with running_server(database_url, workers=2, threads=4) as base_url:
        answers = people_at_once(base_url, event_id, slug, adds=12, sign_ups=18)

    assert Counter(answer.status_code for answer in answers) == {303: 30}
    registrations = registrations_of(event_id)
    assert len(registrations) == 30
    assert Counter(r.status for r in registrations) == {CONFIRMED: 10, WAITING: 20}
    assert db.session.get(Event, event_id).confirmed_count == 10
    positions = sorted(places.waiting_position(r) for r in registrations if r.status == WAITING)
    assert positions == list(range(1, 21))
    added = [r for r in registrations if r.source == RegistrationSource.ORGANISER]
    assert len(added) == 12
    # Mail only to those with an address: none planned for those without.
    mailed = {message.registration_id for message in outbox_of(event_id)}
    assert {r.id for r in added if not r.email}.isdisjoint(mailed)
    assert {r.id for r in registrations if r.email} <= mailed


@pytest.mark.slow
@pytest.mark.both_databases
def test_a_full_event_without_a_waiting_list_refuses_the_adds_and_sign_ups_past_its_seats(
    app, database_url, make_event, make_organiser
):
    organiser = make_organiser(email="olli@example.fi")
    slug, event_id = settle(make_event(organiser, capacity=5, waiting_list=False))

    with running_server(database_url, workers=2, threads=4) as base_url:
        answers = people_at_once(base_url, event_id, slug, adds=8, sign_ups=8)

    assert Counter(answer.status_code for answer in answers) == {303: 5, 409: 11}
    registrations = registrations_of(event_id)
    assert [r.status for r in registrations] == [CONFIRMED] * 5
    assert db.session.get(Event, event_id).confirmed_count == 5
    assert {message.registration_id for message in outbox_of(event_id)} <= {
        r.id for r in registrations
    }
