"""Two organisers approving overlapping selections of pending sign-ups at the same moment,
while new sign-ups arrive, through a real server (gunicorn) on SQLite and PostgreSQL,
released together by a barrier as in tests/test_concurrency.py: never more confirmed than
the places, each person exactly one outcome and one email about it."""

from collections import Counter
from contextlib import ExitStack

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AuditAction,
    AuditEntry,
    Event,
    EventOrganiser,
    OrganiserRole,
    OutboundEmail,
    RegistrationStatus,
)
from app.places.approval import APPROVED_MAIL, PENDING_MAIL
from app.signup.services import register_for_event
from tests.servers import running_server
from tests.test_attendee_changes_race import organiser_posting
from tests.test_concurrency import Browser, at_the_same_moment, registrations_of, signing_up

PENDING = RegistrationStatus.PENDING
CONFIRMED = RegistrationStatus.CONFIRMED
WAITING = RegistrationStatus.WAITING
CAPACITY = 4
ASKED = 12  # pending before the burst; the organisers choose 0-7 and 4-11 of them
ARRIVING = 5  # sign-ups during the burst


def an_event(make_event, owner, helper, *, waiting_list: bool) -> tuple[int, str, list[int]]:
    event = make_event(
        owner,
        capacity=CAPACITY,
        waiting_list=waiting_list,
        requires_approval=True,
        title=f"Jono {waiting_list}",
    )
    db.session.add(EventOrganiser(event=event, organiser=helper, role=OrganiserRole.CO_ORGANISER))
    ids = [
        register_for_event(
            event,
            name=f"Pending {n}",
            email=f"p{n}-{event.id}@example.fi",
            organisation="",
            answers={},
            locale="en",
        ).registration_id
        for n in range(ASKED)
    ]
    db.session.commit()
    return event.id, event.slug, ids


@pytest.mark.slow
@pytest.mark.both_databases
def test_two_organisers_approving_at_once_while_people_sign_up_never_overbook(
    app, database_url, make_event, make_organiser
):
    owner = make_organiser(email="olli@example.fi")
    colleague = make_organiser(email="kaisa@example.fi")
    events = [an_event(make_event, owner, colleague, waiting_list=w) for w in (False, True)]
    db.session.close()

    with running_server(database_url, workers=2, threads=4) as base_url, ExitStack() as opened:
        actions = []
        for event_id, slug, ids in events:
            path = f"/organiser/events/{event_id}/approvals"
            for email, chosen in (("olli@example.fi", ids[:8]), ("kaisa@example.fi", ids[4:])):
                data = {"person": [str(i) for i in chosen], "decision": "approve"}
                actions.append(organiser_posting(base_url, opened, email, path, data))
            for n in range(ARRIVING):
                browser = Browser(base_url)
                opened.callback(browser.close)
                actions.append(signing_up(browser, slug, f"new{n}-{event_id}@example.fi"))
        answers = at_the_same_moment(actions)

    assert Counter(answer.status_code for answer in answers) == {303: len(actions)}
    db.session.rollback()
    (without_list, _, asked_without), (with_list, _, asked_with) = events
    check(without_list, asked_without, not_approved=PENDING)
    check(with_list, asked_with, not_approved=WAITING)


def check(event_id: int, asked: list[int], *, not_approved) -> None:
    people = registrations_of(event_id)
    statuses = {person.id: person.status for person in people}
    confirmed = [i for i, status in statuses.items() if status == CONFIRMED]
    assert len(confirmed) == CAPACITY == db.session.get(Event, event_id).confirmed_count
    # The first come first: the seats went to one organiser's first four, in id order.
    assert confirmed in (asked[:4], asked[4:8])
    assert {statuses[i] for i in asked if i not in confirmed} == {not_approved}
    newcomers = [person for person in people if person.email.startswith("new")]
    assert len(newcomers) == ARRIVING and {p.status for p in newcomers} == {PENDING}

    mail = Counter(
        (message.registration_id, message.kind)
        for message in db.session.scalars(
            sa.select(OutboundEmail).where(
                OutboundEmail.event_id == event_id, OutboundEmail.kind != "reminder"
            )
        )
    )
    approved = [i for i in asked if statuses[i] in (CONFIRMED, WAITING)]
    expected = {(person.id, PENDING_MAIL): 1 for person in people}
    expected |= {(i, APPROVED_MAIL): 1 for i in approved}
    assert mail == expected
    entries = db.session.scalar(
        sa.select(sa.func.count()).where(
            AuditEntry.event_id == event_id,
            AuditEntry.action == AuditAction.APPROVED_REGISTRATION,
        )
    )
    assert entries == len(approved)
