"""Groups and single people signing up for few places at the same moment, through a real
server (gunicorn) on SQLite and on PostgreSQL, released together by a barrier as in
tests/test_concurrency.py: never over the places, a group that goes together is never
split, a split group's places go to its first people, and each person has exactly one
registration and gets exactly one email."""

from collections import Counter, defaultdict
from contextlib import ExitStack

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Event, GroupRule, OutboundEmail, Registration, RegistrationStatus
from tests.servers import running_server
from tests.test_concurrency import Browser, at_the_same_moment

CONFIRMED = RegistrationStatus.CONFIRMED
WAITING = RegistrationStatus.WAITING
PLACES = 4
GROUPS = 2  # of three people each: a contact, a member with an address and one without
SINGLES = 2


def signing_up(browser: Browser, slug: str, tag: str, *, group: bool):
    def get_ready():
        path = f"/events/{slug}/register"
        data = {
            "csrf_token": browser.form(path),
            "name": f"{tag} contact",
            "email": f"{tag}@example.fi",
            "consent": "y",
        }
        if group:
            data |= {
                "members-0-name": f"{tag} member",
                "members-0-email": f"{tag}.member@example.fi",
                "members-1-name": f"{tag} without",
            }
        return lambda: browser.post(path, data)

    return get_ready


@pytest.mark.slow
@pytest.mark.both_databases
def test_groups_and_single_people_at_once_never_overbook_nor_split_a_group(
    app, database_url, make_event
):
    together = make_event(capacity=PLACES, group_size_max=3, group_rule=GroupRule.TOGETHER)
    split = make_event(capacity=PLACES, group_size_max=3, group_rule=GroupRule.SPLIT)
    events = {"t": together.id, "s": split.id}
    slugs = {"t": together.slug, "s": split.slug}
    db.session.commit()
    db.session.close()

    with running_server(database_url, workers=2, threads=4) as base_url, ExitStack() as stack:
        people = []
        for key, slug in slugs.items():
            for n in range(GROUPS + SINGLES):
                browser = Browser(base_url)
                stack.callback(browser.close)
                tag = f"{key}{n}"
                people.append(signing_up(browser, slug, tag, group=n < GROUPS))
        answers = at_the_same_moment(people)

    assert Counter(answer.status_code for answer in answers) == {303: len(people)}
    db.session.rollback()
    for key, event_id in events.items():
        registrations = _registrations_of(event_id)
        # Each person once: the contacts, their members, and those who came alone.
        assert len(registrations) == GROUPS * 3 + SINGLES
        assert len({r.name for r in registrations}) == len(registrations)
        confirmed = sum(r.status == CONFIRMED for r in registrations)
        assert confirmed == db.session.get(Event, event_id).confirmed_count
        assert confirmed <= PLACES
        for statuses in _groups(registrations).values():
            if key == "t":
                assert len(set(statuses)) == 1, statuses  # together, or not at all
            else:
                assert statuses == sorted(statuses, key=lambda s: s != CONFIRMED), statuses
        if key == "s":
            assert confirmed == PLACES  # as many as fit: every place taken

    mail = db.session.scalars(sa.select(OutboundEmail).where(OutboundEmail.kind != "reminder"))
    by_recipient = Counter(message.recipient for message in mail)
    expected = [f"{key}{n}@example.fi" for key in slugs for n in range(GROUPS + SINGLES)]
    expected += [f"{key}{n}.member@example.fi" for key in slugs for n in range(GROUPS)]
    assert by_recipient == dict.fromkeys(expected, 1)


def _registrations_of(event_id: int) -> list[Registration]:
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event_id)
            .order_by(Registration.id)
        )
    )


def _groups(registrations: list[Registration]) -> dict[int, list[RegistrationStatus]]:
    groups = defaultdict(list)
    for registration in registrations:
        groups[registration.group_lead_id or registration.id].append(registration.status)
    return {lead: statuses for lead, statuses in groups.items() if len(statuses) > 1}
