"""Many people signing up for the same meetings of a series at the same moment, through a
real server (gunicorn) on SQLite and on PostgreSQL, released together by a barrier as in
tests/test_concurrency.py: no meeting is ever over its places, each chosen meeting has one
outcome per person, and each person gets exactly one email."""

from collections import Counter
from contextlib import ExitStack

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Event, OutboundEmail, Registration, RegistrationStatus
from tests.servers import running_server
from tests.test_concurrency import Browser, at_the_same_moment

CONFIRMED = RegistrationStatus.CONFIRMED
WAITING = RegistrationStatus.WAITING
PEOPLE = 12


def choosing_all(browser: Browser, slug: str, event_ids: list[int], email: str):
    def get_ready():
        path = f"/series/{slug}"
        data = {
            "csrf_token": browser.form(path),
            "meetings": [str(event_id) for event_id in event_ids],
            "name": email.split("@")[0].title(),
            "email": email,
            "consent": "y",
        }
        return lambda: browser.post(path, data)

    return get_ready


@pytest.mark.slow
@pytest.mark.both_databases
def test_many_people_choosing_the_same_three_meetings_at_once_never_overbook(
    app, database_url, make_occurrences
):
    # Two with a waiting list, one without: 2 places each.
    series, events = make_occurrences(capacities=[2, 2, 2], waiting_lists=[True, True, False])
    slug, ids = series.slug, [event.id for event in events]
    db.session.commit()
    db.session.close()

    with running_server(database_url, workers=2, threads=4) as base_url, ExitStack() as stack:
        people = []
        for n in range(PEOPLE):
            browser = Browser(base_url)
            stack.callback(browser.close)
            people.append(choosing_all(browser, slug, ids, f"person{n:02d}@example.fi"))
        answers = at_the_same_moment(people)

    assert Counter(answer.status_code for answer in answers) == {303: PEOPLE}
    db.session.rollback()
    with_list, also_with_list, without_list = ids
    for event_id in (with_list, also_with_list):
        registrations = _registrations_of(event_id)
        assert Counter(r.status for r in registrations) == {CONFIRMED: 2, WAITING: PEOPLE - 2}
        # One registration per person: each had exactly one outcome there.
        assert len({r.email_normalised for r in registrations}) == PEOPLE
    assert [r.status for r in _registrations_of(without_list)] == [CONFIRMED, CONFIRMED]
    for event_id in ids:
        assert db.session.get(Event, event_id).confirmed_count == 2

    mail = db.session.scalars(sa.select(OutboundEmail).where(OutboundEmail.kind != "reminder"))
    by_person = Counter((message.recipient, message.kind) for message in mail)
    assert by_person == {(f"person{n:02d}@example.fi", "series_booking"): 1 for n in range(PEOPLE)}


def _registrations_of(event_id: int) -> list[Registration]:
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event_id)
            .order_by(Registration.id)
        )
    )
