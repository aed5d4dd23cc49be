"""An organiser's moves and cancellations at the same moment as participants' sign-ups and
cancellations: never more confirmed than the places (but for the one move the organiser
confirmed past them), the event's count always the number of confirmed people, and each
person one outcome and one email about it.

A real server (gunicorn: several processes and threads) on SQLite and PostgreSQL; every
browser opens its form first, then all posts go at once, released by a barrier. Several
rounds, each on an event of its own: the race is narrow."""

from collections import Counter
from contextlib import ExitStack

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditAction, AuditEntry, Event, Organiser, OutboundEmail
from app.signup import services
from tests.conftest import PASSWORD
from tests.servers import running_server
from tests.test_concurrency import (
    CANCELLED,
    CONFIRMED,
    WAITING,
    Browser,
    at_the_same_moment,
    cancelling,
    registrations_of,
    settle,
    signing_up,
)

ROUNDS = 3
CAPACITY = 6


def sign_in(browser: Browser, email: str) -> None:
    answer = browser.post(
        "/login", {"csrf_token": browser.form("/login"), "email": email, "password": PASSWORD}
    )
    assert answer.status_code == 303, answer.status_code


def organiser_posting(base_url, opened, email: str, path: str, data: dict):
    """An organiser's tab of its own: signed in, the form opened, then the post."""

    def get_ready():
        browser = Browser(base_url)
        opened.callback(browser.close)
        sign_in(browser, email)
        form = {"csrf_token": browser.form(path), **data}
        return lambda: browser.post(path, form)

    return get_ready


def an_event_with_people(make_event, owner_email: str, round_: int):
    """CAPACITY places: five confirmed, one free, six waiting; and the manage links."""
    owner = db.session.scalar(sa.select(Organiser).where(Organiser.email == owner_email))
    event = make_event(owner, capacity=CAPACITY - 1, title=f"Kierros {round_}")
    people = [
        services.register_for_event(
            event,
            name=f"Person {n}",
            email=f"r{round_}p{n:02d}@example.fi",
            organisation="",
            answers={},
            locale="en",
        ).registration
        for n in range(11)
    ]
    event.capacity = CAPACITY  # one place more, no one promoted to it
    tokens = {p.id: services.issue_manage_link_token(p) for p in people}
    db.session.commit()
    seated, waiting = people[:5], people[5:]
    assert {p.status for p in seated} == {CONFIRMED}
    assert {p.status for p in waiting} == {WAITING}
    return event, [p.id for p in seated], [p.id for p in waiting], tokens


def one_round(base_url, make_event, owner_email: str, round_: int) -> None:
    event, seated, waiting, tokens = an_event_with_people(make_event, owner_email, round_)
    slug, event_id = settle(event)
    changes = f"/organiser/events/{event_id}/attendees"
    newcomers = [f"r{round_}new{n}@example.fi" for n in range(8)]
    with ExitStack() as opened:

        def browser():
            b = Browser(base_url)
            opened.callback(b.close)
            return b

        def org(path, data):
            return organiser_posting(base_url, opened, owner_email, path, data)

        people = [
            # The same person moved from two tabs at once, within the places the page saw.
            org(f"{changes}/move?person={waiting[4]}", {"over": "0"}),
            org(f"{changes}/move?person={waiting[4]}", {"over": "0"}),
            # Moved by the organiser while cancelling their own registration.
            org(f"{changes}/move?person={waiting[5]}", {"over": "0"}),
            cancelling(browser(), tokens[waiting[5]]),
            # The one move confirmed past the places, by one.
            org(f"{changes}/move?person={waiting[3]}", {"over": "1"}),
            # The organiser cancels one who cancels too; two others cancel themselves.
            org(f"{changes}/cancel?person={seated[2]}", {"tell": "yes"}),
            cancelling(browser(), tokens[seated[2]]),
            cancelling(browser(), tokens[seated[0]]),
            cancelling(browser(), tokens[seated[1]]),
            *(signing_up(browser(), slug, email) for email in newcomers),
        ]
        answers = at_the_same_moment(people)
    # A refusal or a question asked again is a page (303 or 200), never an error.
    assert all(answer.status_code in (200, 303) for answer in answers), [
        answer.status_code for answer in answers
    ]
    check_the_outcome(event_id, seated, waiting)


def check_the_outcome(event_id: int, seated: list[int], waiting: list[int]) -> None:
    db.session.rollback()
    registrations = registrations_of(event_id)
    status = {r.id: r.status for r in registrations}
    confirmed = [id_ for id_, s in status.items() if s == CONFIRMED]
    over_lines = db.session.scalars(
        sa.select(AuditEntry.detail).where(
            AuditEntry.event_id == event_id, AuditEntry.action == AuditAction.MOVED_OVER_CAPACITY
        )
    ).all()
    assert db.session.get(Event, event_id).confirmed_count == len(confirmed)
    # Past the places only by the move confirmed to go one past them.
    assert len(over_lines) <= 1
    assert len(confirmed) <= CAPACITY + len(over_lines)
    assert [status[id_] for id_ in seated[:3]] == [CANCELLED] * 3

    mail = db.session.scalars(
        sa.select(OutboundEmail).where(
            OutboundEmail.event_id == event_id, OutboundEmail.kind != "reminder"
        )
    ).all()
    per_person = Counter((m.registration_id, m.kind) for m in mail)
    assert max(per_person.values()) == 1, per_person  # one email for each outcome
    promoted = {id_ for id_, kind in per_person if kind == "registration_promoted"}
    # Everyone who was waiting and is confirmed now was told so, once; no one else was
    # (one moved up and then cancelled has both emails: the first is not sent when due).
    assert {id_ for id_ in waiting if status[id_] == CONFIRMED} <= promoted <= set(waiting)
    cancelled_mail = {id_ for id_, kind in per_person if kind == "registration_cancelled"}
    assert cancelled_mail == {id_ for id_, s in status.items() if s == CANCELLED}
    # A cancellation that freed a place below the capacity gave it to someone waiting.
    if len(confirmed) < CAPACITY:
        assert WAITING not in status.values()


@pytest.mark.slow
@pytest.mark.both_databases
def test_organiser_moves_and_cancellations_race_sign_ups_and_cancellations(
    app, database_url, make_event, make_organiser
):
    make_organiser(email="olli@example.fi")
    with running_server(database_url) as base_url:
        for round_ in range(ROUNDS):
            one_round(base_url, make_event, "olli@example.fi", round_)
