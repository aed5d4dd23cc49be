"""Who may open which organiser page: every organiser, workshop and admin route, for every
role: anonymous, another organiser, check-in helper, co-organiser, owner, admin."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.accounts import invitations
from app.accounts.services import add_co_organiser
from app.extensions import db
from app.invitations.services import Invitee
from app.lists import services as lists
from app.messages.services import plan_message
from app.models import (
    AccountInvitation,
    AccountRole,
    Audience,
    ContactList,
    ListMember,
    Material,
    MessageBatch,
    Organiser,
    OrganiserRole,
    OutboundEmail,
    Participation,
    Registration,
    RegistrationStatus,
)
from app.nominations import services as nominations
from app.security import PRIVATE_BLUEPRINTS
from app.series.dates import Rule, RuleKind
from app.series.services import make_series
from tests.conftest import PASSWORD, csrf_token_in, submit

ROLES = ["anonymous", "other organiser", "helper", "co-organiser", "owner", "admin"]
# The only pages of an event a check-in helper may open.
HELPER_PAGES = {"attendees.check_in", "attendees.mark_arrived"}
# Pages of the organiser's own, not of an event: every signed-in organiser has them.
OWN_PAGES = {"home.dashboard", "organiser.new_event", "lists.index", "lists.new"}
# The report for a period: every organiser's of their own events (an admin's: all).
OWN_PAGES |= {"reports.period", "reports.workbook", "reports.events_csv"}
# A contact list's pages: its owner, the co-organisers it is shared with, and admins;
# deleting it and changing who may use it: its owner and admins only.
LIST_OWNER_PAGES = {"lists.sharing", "lists.unshare", "lists.delete"}
# One's own account and two-step sign-in: everyone signed in, whatever their part.
OWN_BLUEPRINTS = {"profile", "two_step"}
# Pages of the service as a whole: admins only.
ADMIN_BLUEPRINTS = {"admin", "admin_accounts", "undelivered", "two_step_admin"}
# Removing a co-organiser or helper: the owner and admins only.
TEAM_PAGES = {"accounts.remove"}
# Giving the event to another owner: admins only.
ADMIN_EVENT_PAGES = {"accounts.transfer"}


def routes(app):
    """(endpoint, method, rule) of every page behind sign-in."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in PRIVATE_BLUEPRINTS:
            continue
        for method in sorted(rule.methods & {"GET", "POST"}):
            yield rule.endpoint, method, rule


def expected(role: str, endpoint: str) -> str:
    """'login', 'refused' (404) or 'open'."""
    if role == "anonymous" or endpoint == "two_step.sign_in_code":
        return "login"  # the code's page, without a password just given, is sign-in's
    if endpoint == "profile.confirm_email":
        return "refused"  # a link that was never sent, whoever opens it
    if endpoint.split(".")[0] in ADMIN_BLUEPRINTS:
        return "open" if role == "admin" else "refused"
    if endpoint in OWN_PAGES or endpoint.split(".")[0] in OWN_BLUEPRINTS:
        return "open"
    if endpoint in LIST_OWNER_PAGES:
        return "open" if role in ("owner", "admin") else "refused"
    if endpoint.startswith("lists."):
        return "open" if role in ("owner", "co-organiser", "admin") else "refused"
    if role == "other organiser":
        return "refused"
    if role == "helper":
        return "open" if endpoint in HELPER_PAGES else "refused"
    if endpoint in ADMIN_EVENT_PAGES:
        return "open" if role == "admin" else "refused"
    if endpoint in TEAM_PAGES:
        return "open" if role in ("owner", "admin") else "refused"
    return "open"


@pytest.fixture
def workshop(make_event, make_organiser):
    """A workshop with a nominee and a confirmed participant, and people in every role."""
    now = clock.now()
    people = {
        "owner": make_organiser(email="owner@example.fi"),
        "co-organiser": make_organiser(email="co@example.fi"),
        "helper": make_organiser(email="helper@example.fi"),
        "other organiser": make_organiser(email="other@example.fi"),
        "admin": make_organiser(email="admin@example.fi", admin=True),
    }
    event = make_event(
        people["owner"],
        participation=Participation.INVITATION,
        nominations_close_at=now + timedelta(days=10),
        starts_in=timedelta(days=30),
    )
    add_co_organiser(event, "co@example.fi")
    add_co_organiser(event, "helper@example.fi", OrganiserRole.HELPER)
    [nomination] = nominations.submit_nominations(
        event,
        nominator_name="Nina",
        nominator_email="nina@example.fi",
        nominator_organisation="SOSTE ry",
        nominees=[nominations.NomineeDetails(name="Aino Aalto", email="aino@example.fi")],
        locale="fi",
    )
    nominee = nomination.candidate
    participant = Registration(
        event_id=event.id,
        name="Pekka Paikalla",
        email="pekka@example.fi",
        email_normalised="pekka@example.fi",
        status=RegistrationStatus.CONFIRMED,
    )
    db.session.add(participant)
    db.session.flush()
    # Invitations to make an account: one to the event's team, one from an admin.
    for event_or_none in (event, None):
        invitations.invite(
            f"invited{'-to-event' if event_or_none else ''}@example.fi",
            AccountRole.ORGANISER,
            invited_by=people["admin"],
            locale="fi",
            event=event_or_none,
            event_role=OrganiserRole.CO_ORGANISER if event_or_none else None,
        )
    # Contact lists of the owner's, shared with the co-organiser: one to delete, one to use.
    for name in ("Sote-ryhmä", "Poistettava"):
        contact_list = lists.create_list(people["owner"], name=name, purpose="")
        lists.add_members(contact_list, [Invitee("Liisa Jäsen", "liisa@example.fi")], locale="fi")
        lists.share_list(contact_list, "co@example.fi")
    # A message scheduled for tomorrow, for the routes that take one (cancelling it).
    plan_message(
        event, people["owner"], Audience.CONFIRMED, "Tervetuloa", "Ohjelma", now + timedelta(days=1)
    )
    # A series of it, for the series' pages: its rights are the event's.
    first = clock.to_local(event.starts_at).date()
    make_series(event, Rule(RuleKind.WEEKLY, until=first + timedelta(weeks=1)), people["owner"])
    # A feedback question of the organisers' own, for the route that removes it.
    from app.feedback.settings import add_question
    from app.models import FeedbackQuestionKind

    add_question(
        event, kind=FeedbackQuestionKind.SHORT_TEXT, label="Mitä opit?", options=[], translations={}
    )
    # Two materials: one to delete, the other for the routes that move one.
    from app.followup.materials import add_link

    add_link(event, "Poistettava", "https://example.fi/poistettava")
    add_link(event, "Tallenne", "https://example.fi/tallenne")
    db.session.commit()
    return event, nominee, participant, people


def fill(rule, event, nominee, participant) -> str:
    email = db.session.scalar(sa.select(OutboundEmail.id).where(OutboundEmail.event_id == event.id))
    values = {
        "event_id": event.id,
        "candidate_id": nominee.id,
        "organiser_id": db.session.scalar(  # the co-organiser: one who can be removed
            sa.select(Organiser.id).where(Organiser.email == "co@example.fi")
        ),
        "registration_id": participant.id,
        "email_id": email,
        "token": "a-link-that-was-never-sent",
        "series_id": event.series_id,
        # The list to delete is another than the one the other pages use.
        "list_id": db.session.scalar(
            sa.select(ContactList.id).where(
                ContactList.name
                == ("Poistettava" if rule.endpoint == "lists.delete" else "Sote-ryhmä")
            )
        ),
        "member_id": db.session.scalar(
            sa.select(ListMember.id).join(ContactList).where(ContactList.name == "Sote-ryhmä")
        ),
        "question_id": 1,  # the event's first feedback question (app.feedback.settings)
        "material_id": db.session.scalar(
            sa.select(Material.id).where(
                Material.title
                == ("Poistettava" if rule.endpoint == "followup.delete_material" else "Tallenne")
            )
        ),
        "batch_id": db.session.scalar(
            sa.select(MessageBatch.id).where(MessageBatch.event_id == event.id)
        ),
        # The team page's withdraw takes the event's invitation; an admin's, the other.
        "invitation_id": db.session.scalar(
            sa.select(AccountInvitation.id).where(
                AccountInvitation.event_id == event.id
                if rule.endpoint.startswith("accounts.")
                else AccountInvitation.event_id.is_(None)
            )
        ),
    }
    return rule.build({k: v for k, v in values.items() if k in rule.arguments})[1]


def outcome(response) -> str:
    location = response.headers.get("Location", "")
    if (
        response.status_code in (302, 303)
        and location.rstrip("/").endswith("/login")
        or (response.status_code == 302 and "/login?" in location)
    ):
        return "login"
    if response.status_code == 404:
        return "refused"
    assert response.status_code < 500, response.status_code
    return "open" if response.status_code in (200, 303, 400, 409) else str(response.status_code)


@pytest.mark.parametrize("role", ROLES)
def test_every_organiser_route_answers_each_role_as_it_should(app, client, workshop, role):
    event, nominee, participant, people = workshop
    if role != "anonymous":
        submit(client, "/login", {"email": people[role].email, "password": PASSWORD})
    token = csrf_token_in(client.get("/login").text)
    found = {}
    # Pages first, then posts: a post may change the event (cancel it, say).
    for endpoint, method, rule in sorted(routes(app), key=lambda r: (r[1] != "GET", r[0])):
        path = fill(rule, event, nominee, participant)
        if method == "GET":
            response = client.get(path)
        else:
            response = client.post(path, data={"csrf_token": token})
        body = response.get_data().decode("utf-8", errors="replace")
        response.close()  # downloads hold a file open until then
        found[f"{method} {rule.rule}"] = (outcome(response), expected(role, endpoint))
        if outcome(response) == "refused":
            assert "Aino" not in body and "Pekka" not in body

    wrong = {route: got for route, got in found.items() if got[0] != got[1]}
    assert not wrong, f"{role}: (got, expected) per route: {wrong}"
    assert len(found) > 40  # every route was walked


def test_a_helper_sees_names_only_and_marks_arrivals(client, login, workshop):
    event, _nominee, participant, people = workshop
    login(people["helper"])

    dashboard = client.get("/organiser/")
    assert f'href="/organiser/events/{event.id}/check-in"' in dashboard.text
    page = client.get(f"/organiser/events/{event.id}/check-in")
    assert "Pekka Paikalla" in page.text and "0 of 1 arrived" in page.text
    assert "pekka@example.fi" not in page.text  # names, not addresses
    assert f'href="/organiser/events/{event.id}/attendees"' not in page.text

    done = submit(
        client,
        f"/organiser/events/{event.id}/check-in/{participant.id}",
        {"arrived": "1"},
        form_page=f"/organiser/events/{event.id}/check-in",
        follow_redirects=True,
    )
    assert "1 of 1 arrived" in done.text
    db.session.refresh(participant)
    assert participant.checked_in_at is not None
