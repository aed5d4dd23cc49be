"""Accounts in the browser: an admin invites people, changes roles, deactivates; an
organiser invites a co-organiser with no account. The rules, through the test client;
tests/journeys/test_accounts.py walks the same through the real server."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock, create_app
from app.accounts import roles
from app.extensions import db
from app.models import (
    AccountInvitation,
    AuditAction,
    AuditEntry,
    Organiser,
    OrganiserRole,
    SignInSession,
)
from app.privacy.services import erase_person, run_retention
from tests.conftest import PASSWORD, csrf_token_in, deliver_mail, link_in, submit, text_of

pytestmark = pytest.mark.both_databases

NEW_PASSWORD = "lumiukko kantaa kahvia torille"
NOT_VALID = "This link is no longer valid"


@pytest.fixture
def admin(make_organiser):
    return make_organiser(email="anna@example.fi", name="Anna Admin", admin=True)


def browser(app):
    """Another person's browser, reading English."""
    client = app.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def invite(client, email="uusi@example.fi", role="organiser", language="en", **kwargs):
    data = {"email": email, "role": role, "language": language}
    return submit(client, "/admin/accounts/invite", data, **kwargs)


def join(client, path, name="Uuno Uusi", password=NEW_PASSWORD, confirm=None):
    data = {"name": name, "password": password, "confirm": confirm or password}
    return submit(client, path, data)


def invitation_link(mailbox, app, address="uusi@example.fi") -> str:
    deliver_mail(app)
    [message] = mailbox.to(address)
    return link_in(message, "/join/")


def audited(action: AuditAction) -> list[str]:
    query = sa.select(AuditEntry.detail).where(AuditEntry.action == action)
    return list(db.session.scalars(query))


def test_an_admin_invites_an_organiser_who_makes_the_account_and_is_signed_in(
    app, client, login, admin, mailbox
):
    login(admin)
    sent = invite(client, language="sv", follow_redirects=True)
    assert "An invitation was sent to uusi@example.fi." in text_of(sent)
    assert "uusi@example.fi – organiser" in text_of(client.get("/admin/accounts"))

    deliver_mail(app)
    [message] = mailbox.to("uusi@example.fi")
    assert message["Subject"] == "Du är inbjuden till Kutsu"  # the language chosen
    path = link_in(message, "/join/")

    visitor = browser(app)
    page = visitor.get(path)
    assert "uusi@example.fi" in page.text
    done = join(visitor, path)
    assert done.status_code == 303
    home = visitor.get(done.location)
    assert "Welcome to Kutsu, Uuno Uusi. You are signed in." in text_of(home)
    assert "Your events" in text_of(home)
    created = db.session.scalar(sa.select(Organiser).where(Organiser.email == "uusi@example.fi"))
    assert created.name == "Uuno Uusi" and not created.is_admin and not created.check_in_only
    assert audited(AuditAction.ACCEPTED_INVITATION) == ["uusi@example.fi organiser"]
    assert audited(AuditAction.INVITED_ACCOUNT) == ["uusi@example.fi organiser"]

    # The link worked once.
    again = browser(app).get(path)
    assert again.status_code == 404 and NOT_VALID in text_of(again)


def test_a_name_of_spaces_only_is_refused_when_making_the_account(
    app, client, login, admin, mailbox
):
    login(admin)
    invite(client)
    path = invitation_link(mailbox, app)
    visitor = browser(app)
    refused = join(visitor, path, name="   ")
    assert refused.status_code == 200 and "Enter your name" in text_of(refused)
    assert (
        db.session.scalar(sa.select(Organiser).where(Organiser.email == "uusi@example.fi")) is None
    )


def test_unknown_expired_used_and_withdrawn_links_all_say_the_same(
    app, client, login, admin, mailbox
):
    login(admin)
    invite(client, email="a@example.fi")
    invite(client, email="b@example.fi")
    deliver_mail(app)
    expired = link_in(mailbox.to("a@example.fi")[0], "/join/")
    withdrawn = link_in(mailbox.to("b@example.fi")[0], "/join/")
    pending = db.session.scalar(
        sa.select(AccountInvitation).where(AccountInvitation.email == "b@example.fi")
    )
    submit(
        client,
        f"/admin/accounts/invitations/{pending.id}/withdraw",
        {},
        form_page="/admin/accounts",
    )
    assert audited(AuditAction.WITHDREW_INVITATION) == ["b@example.fi"]

    clock.travel(clock.now() + timedelta(days=7, minutes=1))
    pages = [
        browser(app).get(path)
        for path in (expired, withdrawn, "/join/" + "x" * 43, "/join/nonsense")
    ]
    assert [page.status_code for page in pages] == [404] * 4
    texts = {text_of(page) for page in pages}
    assert len(texts) == 1 and NOT_VALID in texts.pop()


def test_a_post_to_a_dead_link_makes_no_account(app, client, login, admin, mailbox):
    login(admin)
    invite(client)
    path = invitation_link(mailbox, app)
    visitor = browser(app)
    token = csrf_token_in(visitor.get(path).text)
    clock.travel(clock.now() + timedelta(days=8))
    data = {"csrf_token": token, "name": "Uuno", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD}
    refused = visitor.post(path, data=data)
    assert refused.status_code == 404 and NOT_VALID in text_of(refused)
    assert (
        db.session.scalar(sa.select(Organiser).where(Organiser.email == "uusi@example.fi")) is None
    )


def test_resending_makes_the_old_link_stop_working(app, client, login, admin, mailbox):
    login(admin)
    invite(client)
    old = invitation_link(mailbox, app)
    mailbox.clear()
    pending = db.session.scalar(sa.select(AccountInvitation))
    resent = submit(
        client,
        f"/admin/accounts/invitations/{pending.id}/resend",
        {},
        form_page="/admin/accounts",
        follow_redirects=True,
    )
    assert "The earlier link no longer works" in text_of(resent)
    new = invitation_link(mailbox, app)
    assert new != old
    assert browser(app).get(old).status_code == 404
    assert browser(app).get(new).status_code == 200


def test_the_password_rule_is_the_reset_rule_and_typed_values_stay(
    app, client, login, admin, mailbox
):
    login(admin)
    invite(client)
    path = invitation_link(mailbox, app)
    visitor = browser(app)
    weak = join(visitor, path, password="salasana123")
    assert weak.status_code == 200
    assert "This password is too easy to guess" in text_of(weak)
    assert 'value="Uuno Uusi"' in weak.text
    own = join(visitor, path, password="uusi uusi example kahvi")
    assert "Do not use your name or email address in the password" in text_of(own)
    empty = join(visitor, path, name="")
    assert "Enter your name" in text_of(empty)


def test_inviting_an_address_with_an_account_is_said_at_the_field(
    client, login, admin, make_organiser
):
    make_organiser(email="olli@example.fi")
    login(admin)
    refused = invite(client, email="OLLI@example.fi")
    assert refused.status_code == 200
    assert "olli@example.fi has an account already." in text_of(refused)
    assert db.session.scalar(sa.select(sa.func.count(AccountInvitation.id))) == 0


def test_the_last_admin_cannot_be_demoted_or_deactivated(client, login, admin):
    login(admin)
    demoted = submit(client, f"/admin/accounts/{admin.id}", {"role": "organiser"})
    assert "This is the only active administrator" in text_of(demoted)
    deactivated = submit(client, f"/admin/accounts/{admin.id}/deactivate", {})
    assert "This is the only active administrator" in text_of(deactivated)
    db.session.refresh(admin)
    assert admin.is_admin and admin.active


def test_two_admins_demoting_each_other_leave_one(app, admin, make_organiser):
    other = make_organiser(email="bertta@example.fi", name="Bertta", admin=True)
    roles.change_role(other, roles.AccountRole.ORGANISER)
    db.session.commit()
    with pytest.raises(roles.LastAdmin):
        roles.change_role(admin, roles.AccountRole.ORGANISER)
    db.session.rollback()
    assert db.session.get(Organiser, admin.id).is_admin


def test_a_deactivated_account_is_signed_out_and_cannot_sign_in(
    app, client, login, admin, make_organiser
):
    olli = make_organiser(email="olli@example.fi")
    own = browser(app)
    submit(own, "/login", {"email": "olli@example.fi", "password": PASSWORD})
    assert own.get("/organiser/").status_code == 200

    login(admin)
    confirm = client.get(f"/admin/accounts/{olli.id}/deactivate")
    assert "Deactivate Olli Organiser?" in text_of(confirm)
    submit(client, f"/admin/accounts/{olli.id}/deactivate", {})

    assert own.get("/organiser/").status_code == 302  # to sign-in
    again = submit(own, "/login", {"email": "olli@example.fi", "password": PASSWORD})
    assert "The email address or password is not right" in text_of(again)
    assert audited(AuditAction.DEACTIVATED_ACCOUNT) == ["olli@example.fi"]
    live = sa.select(sa.func.count()).where(
        SignInSession.organiser_id == olli.id, SignInSession.ended_at.is_(None)
    )
    assert db.session.scalar(live) == 0

    submit(
        client, f"/admin/accounts/{olli.id}/reactivate", {}, form_page=f"/admin/accounts/{olli.id}"
    )
    assert (
        submit(own, "/login", {"email": "olli@example.fi", "password": PASSWORD}).status_code == 303
    )


def test_an_event_left_without_an_active_organiser_is_shown_to_admins(
    client, login, admin, make_organiser, make_event
):
    olli = make_organiser(email="olli@example.fi")
    event = make_event(olli, title="Kevätpäivä")
    login(admin)
    assert "Events with no active organiser" not in text_of(client.get("/admin/accounts"))
    submit(client, f"/admin/accounts/{olli.id}/deactivate", {})
    page = client.get("/admin/accounts")
    assert "Events with no active organiser" in text_of(page)
    assert f"/organiser/events/{event.id}/owner" in page.text


def test_accounts_pages_are_for_admins_only(client, login, make_organiser):
    login(make_organiser(email="olli@example.fi"))
    assert client.get("/admin/accounts").status_code == 404
    assert client.get("/admin/accounts/invite").status_code == 404


def test_accounts_search_and_a_page_past_the_end(client, login, admin, make_organiser):
    make_organiser(email="olli@example.fi", name="Olli Organiser")
    login(admin)
    found = text_of(client.get("/admin/accounts?q=OLLI"))
    assert "olli@example.fi" in found and "anna@example.fi" not in found
    assert client.get("/admin/accounts?page=99999999999999999999").status_code == 200
    assert client.get("/admin/accounts?page=5").status_code == 200


def test_an_organiser_invites_a_co_organiser_by_an_address_with_no_account(
    app, client, login, make_organiser, make_event, mailbox
):
    olli = make_organiser(email="olli@example.fi")
    event = make_event(olli, title="Kevätpäivä")
    other = make_event(olli, title="Syyspäivä")
    login(olli)
    team = f"/organiser/events/{event.id}/organisers"
    added = submit(
        client, team, {"email": "kaisa@example.fi", "role": "co_organiser"}, follow_redirects=True
    )
    assert "kaisa@example.fi has no account in Kutsu yet" in text_of(added)
    assert "Invited, no account yet" in text_of(added)

    path = invitation_link(mailbox, app, "kaisa@example.fi")
    kaisa = browser(app)
    join(kaisa, path, name="Kaisa Koordinaattori")
    assert kaisa.get(f"/organiser/events/{event.id}").status_code == 200
    assert kaisa.get(f"/organiser/events/{other.id}").status_code == 404
    assert "Kaisa Koordinaattori" in text_of(client.get(team))


def test_a_helper_invitation_makes_a_check_in_helper_account(
    app, client, login, make_organiser, make_event, mailbox
):
    olli = make_organiser(email="olli@example.fi")
    event = make_event(olli)
    login(olli)
    submit(
        client,
        f"/organiser/events/{event.id}/organisers",
        {"email": "heli@example.fi", "role": "helper"},
    )
    heli = browser(app)
    join(heli, invitation_link(mailbox, app, "heli@example.fi"), name="Heli Helper")
    assert heli.get(f"/organiser/events/{event.id}/check-in").status_code == 200
    assert heli.get(f"/organiser/events/{event.id}").status_code == 404
    assert heli.get("/organiser/events/new").status_code == 404
    # Asked later to be a co-organiser, a helper account stays a helper.
    submit(
        client,
        f"/organiser/events/{event.id}/organisers",
        {"email": "heli@example.fi", "role": "co_organiser"},
    )
    assert heli.get(f"/organiser/events/{event.id}").status_code == 404


def test_the_team_page_says_when_the_account_is_deactivated_and_withdraws(
    client, login, make_organiser, make_event
):
    olli = make_organiser(email="olli@example.fi")
    gone = make_organiser(email="gone@example.fi")
    gone.active = False
    db.session.commit()
    event = make_event(olli)
    login(olli)
    team = f"/organiser/events/{event.id}/organisers"
    refused = submit(client, team, {"email": "gone@example.fi", "role": "co_organiser"})
    assert "The account with this email address is deactivated" in text_of(refused)

    submit(client, team, {"email": "uusi@example.fi", "role": "helper"})
    pending = db.session.scalar(sa.select(AccountInvitation))
    submit(client, f"{team}/invitations/{pending.id}/withdraw", {}, form_page=team)
    assert "Invited, no account yet" not in text_of(client.get(team))


def test_another_organiser_cannot_withdraw_or_invite_to_an_event(
    client, login, make_organiser, make_event
):
    olli = make_organiser(email="olli@example.fi")
    event = make_event(olli)
    login(make_organiser(email="muu@example.fi"))
    assert client.get(f"/organiser/events/{event.id}/organisers").status_code == 404


def test_old_invitations_are_purged_and_erasure_removes_pending_ones(
    app, client, login, admin, mailbox
):
    login(admin)
    invite(client, email="vanha@example.fi")
    invite(client, email="pyyda@example.fi")
    db.session.commit()
    erase_person("pyyda@example.fi")
    db.session.commit()
    left = db.session.scalars(sa.select(AccountInvitation.email))
    assert list(left) == ["vanha@example.fi"]

    clock.travel(clock.now() + timedelta(days=7 + app.config["ACCOUNT_MAIL_RETENTION_DAYS"] + 1))
    done = run_retention(clock.now())
    db.session.commit()
    assert done.account_invitations == 1
    assert db.session.scalar(sa.select(sa.func.count(AccountInvitation.id))) == 0


@pytest.fixture
def limited(app):
    """The test app once more, with the invitation limits on (and small)."""
    limited = create_app(
        {
            **app.config,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_ACCOUNT_INVITATIONS": "2 per hour",
            "RATELIMIT_ACCEPT_INVITATION": "2 per 15 minutes",
        }
    )
    yield limited
    with limited.app_context():  # its own engine: its connections close with the test
        db.engine.dispose()


def test_invitations_and_accepting_are_rate_limited(limited, app, make_organiser, mailbox):
    admin = make_organiser(email="anna@example.fi", name="Anna Admin", admin=True)
    client = browser(limited)
    submit(client, "/login", {"email": admin.email, "password": PASSWORD})
    answers = [invite(client, email=f"p{n}@example.fi").status_code for n in range(3)]
    assert answers == [303, 303, 429]

    path = invitation_link(mailbox, app, "p0@example.fi")
    visitor = browser(limited)
    token = csrf_token_in(visitor.get(path).text)
    weak = {"csrf_token": token, "name": "P", "password": "x", "confirm": "x"}
    tries = [visitor.post(path, data=weak).status_code for _ in range(3)]
    assert tries == [200, 200, 429]


def test_a_helper_role_given_by_an_admin_caps_existing_parts(
    client, login, admin, make_organiser, make_event
):
    olli = make_organiser(email="olli@example.fi")
    owner = make_organiser(email="owner@example.fi")
    event = make_event(owner)
    from app.accounts.services import add_co_organiser, role_in

    add_co_organiser(event, "olli@example.fi")
    db.session.commit()
    login(admin)
    submit(client, f"/admin/accounts/{olli.id}", {"role": "helper"})
    assert audited(AuditAction.CHANGED_ROLE) == ["olli@example.fi organiser -> helper"]
    db.session.refresh(olli)
    assert role_in(olli, event) == OrganiserRole.HELPER


def test_a_co_organiser_cannot_change_anothers_part_by_adding_them_again(
    client, login, make_organiser, make_event
):
    """Only the owner and admins remove someone from the team; "adding" a co-organiser
    again as a check-in helper took their organiser pages away all the same, and adding the
    owner said they could now check people in while nothing changed."""
    from app.accounts.services import add_co_organiser, role_in

    owner = make_organiser(email="owner@example.fi")
    olli = make_organiser(email="olli@example.fi")
    bertta = make_organiser(email="bertta@example.fi")
    event = make_event(owner)
    add_co_organiser(event, olli.email)
    add_co_organiser(event, bertta.email)
    db.session.commit()
    login(olli)
    path = f"/organiser/events/{event.id}/organisers"
    for email in (bertta.email, owner.email):
        refused = submit(client, path, {"email": email, "role": "helper"})
        assert refused.status_code == 200
        assert f"{email} is on this event" in text_of(refused)
        assert "Its owner or an administrator can change their part." in text_of(refused)
    db.session.expire_all()
    assert role_in(bertta, event) == OrganiserRole.CO_ORGANISER
    assert role_in(owner, event) == OrganiserRole.OWNER
    # The owner still changes a part by adding the person again.
    login(owner)
    done = submit(client, path, {"email": bertta.email, "role": "helper"})
    assert done.status_code == 303
    db.session.expire_all()
    assert role_in(bertta, event) == OrganiserRole.HELPER
