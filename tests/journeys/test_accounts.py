"""Accounts through the real server: the first admin, made with `flask organiser create`,
invites an organiser in Chromium, whose link from the mail makes the account; an admin
deactivates an account whose owner is signed in; an organiser invites a co-organiser by an
address with no account; two admins demoting each other at once leave one admin."""

import re
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import Organiser
from tests.conftest import csrf_token_in
from tests.journeys.conftest import Kutsu, create_account, page_text, sign_in

pytestmark = pytest.mark.both_databases

NEW_PASSWORD = "lumiukko kantaa kahvia torille"


def make_the_account(kutsu: Kutsu, new_page, link: str, name: str):
    """Follow the mail's link in a fresh browser, set name and password; the page after."""
    page = new_page()
    page.goto(link)
    expect(page.get_by_role("heading", level=1)).to_have_text("Make your account")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("The new password again").fill(NEW_PASSWORD)
    page.get_by_role("button", name="Make the account").click()
    return page


def test_an_admin_invites_an_organiser_who_makes_the_account_in_the_browser(kutsu: Kutsu, new_page):
    create_account(kutsu, "anna@example.fi", "Anna Admin", admin=True)
    anna = new_page()
    sign_in(anna, "anna@example.fi")
    anna.get_by_role("link", name="Administration").click()
    anna.get_by_role("link", name="Accounts").click()
    expect(anna.get_by_role("heading", level=1)).to_have_text("Accounts")
    anna.get_by_role("link", name="Invite a person").click()
    anna.get_by_label("Their email address").fill("Uuno.Uusi@Example.fi")
    anna.get_by_label("Organiser: makes events").check()
    anna.get_by_label("English").check()
    anna.get_by_role("button", name="Send the invitation").click()
    expect(anna.get_by_role("alert")).to_contain_text(
        "An invitation was sent to uuno.uusi@example.fi."
    )
    expect(anna.get_by_text("uuno.uusi@example.fi – organiser")).to_be_visible()

    [mail] = kutsu.wait_for_mail("uuno.uusi@example.fi", subject="You are invited to Kutsu")
    assert "Anna Admin invites you to Kutsu" in mail.get_body(("plain",)).get_content()
    link = kutsu.link_in(mail, "/join/")

    uuno = make_the_account(kutsu, new_page, link, "Uuno Uusi")
    expect(uuno.get_by_role("heading", level=1)).to_have_text("Your events")
    expect(uuno.get_by_text("Welcome to Kutsu, Uuno Uusi. You are signed in.")).to_be_visible()
    expect(uuno.get_by_role("link", name="Create an event")).to_be_visible()

    # The link worked once: the same words as for any link that is not (or no longer) one.
    again = new_page()
    response = again.goto(link)
    assert response.status == 404
    expect(again.get_by_role("heading", level=1)).to_have_text("This link is no longer valid")
    anna.reload()
    expect(anna.get_by_role("cell", name="Uuno Uusi")).to_be_visible()
    expect(anna.get_by_text("No invitation is waiting for an answer.")).to_be_visible()


def test_a_deactivated_person_is_signed_out_at_once_and_cannot_sign_in(
    kutsu: Kutsu, new_page, make_organiser
):
    make_organiser(email="anna@example.fi", name="Anna Admin", admin=True)
    olli_id = make_organiser(email="olli@example.fi", name="Olli Organiser").id
    db.session.commit()
    olli = new_page()
    sign_in(olli, "olli@example.fi")
    expect(olli.get_by_role("heading", level=1)).to_have_text("Your events")

    anna = new_page()
    sign_in(anna, "anna@example.fi")
    anna.goto("/admin/accounts")
    anna.get_by_role("link", name="Olli Organiser").click()
    anna.get_by_role("link", name="Deactivate the account").click()
    expect(anna.get_by_role("heading", level=1)).to_have_text("Deactivate Olli Organiser?")
    anna.get_by_role("button", name="Yes, deactivate Olli Organiser").click()
    expect(anna.get_by_role("alert")).to_contain_text("Olli Organiser can no longer sign in.")
    assert anna.url.endswith(f"/admin/accounts/{olli_id}")

    olli.reload()
    expect(olli).to_have_url(re.compile("/login"))
    olli.locator("#email").fill("olli@example.fi")
    olli.locator("#password").fill("correct horse battery staple")
    olli.get_by_role("button", name="Sign in").click()
    expect(olli.get_by_text("The email address or password is not right").first).to_be_visible()


def test_an_organiser_invites_a_co_organiser_who_opens_only_that_event(
    kutsu: Kutsu, new_page, make_organiser, make_event
):
    olli = make_organiser(email="olli@example.fi", name="Olli Owner")
    event_id = make_event(olli, title="Verkostokokous").id
    other_id = make_event(olli, title="Toinen tapahtuma").id
    db.session.commit()
    page = new_page()
    sign_in(page, "olli@example.fi")
    page.goto(f"/organiser/events/{event_id}/organisers")
    page.get_by_label("Their email address").fill("kaisa@example.fi")
    page.get_by_label("Co-organiser").check()
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "kaisa@example.fi has no account in Kutsu yet"
    )
    expect(page.get_by_text("kaisa@example.fi – co-organiser")).to_be_visible()

    [mail] = kutsu.wait_for_mail("kaisa@example.fi")
    assert "Verkostokokous" in mail.get_body(("plain",)).get_content()
    kaisa = make_the_account(kutsu, new_page, kutsu.link_in(mail, "/join/"), "Kaisa Kumppani")
    expect(kaisa.get_by_role("heading", level=1)).to_have_text("Your events")
    expect(kaisa.get_by_role("link", name="Verkostokokous")).to_be_visible()
    expect(kaisa.get_by_role("link", name="Toinen tapahtuma")).to_have_count(0)
    assert kaisa.goto(f"/organiser/events/{event_id}/attendees").status == 200
    assert kaisa.goto(f"/organiser/events/{other_id}").status == 404

    page.reload()
    expect(page.locator("ul.team").first).to_contain_text("Kaisa Kumppani")
    expect(page.get_by_text("Invited, no account yet")).to_have_count(0)


def test_two_admins_demoting_each_other_at_once_leave_one_admin(kutsu: Kutsu, make_organiser):
    ids = {
        email: make_organiser(email=email, name=name, admin=True).id
        for email, name in (("anna@example.fi", "Anna"), ("bertta@example.fi", "Bertta"))
    }
    db.session.commit()
    anna, bertta = kutsu.visitor(), kutsu.visitor()
    anna.sign_in("anna@example.fi")
    bertta.sign_in("bertta@example.fi")
    plans = [(anna, ids["bertta@example.fi"]), (bertta, ids["anna@example.fi"])]
    tokens = [csrf_token_in(who.get(f"/admin/accounts/{other}").text) for who, other in plans]
    barrier = threading.Barrier(2, timeout=30)

    def demote(n: int):
        who, other = plans[n]
        barrier.wait()
        data = {"csrf_token": tokens[n], "role": "organiser"}
        return who.session.post(who.url(f"/admin/accounts/{other}"), data=data, timeout=30)

    with ThreadPoolExecutor(max_workers=2) as pool:
        answers = list(pool.map(demote, range(2)))
    # One demotion went through; the other was refused: at the last-admin check, or, when
    # it came after the first had committed, as a page of admins refuses a non-admin (404).
    done = [answer for answer in answers if "is now: organiser" in page_text(answer.text)]
    assert len(done) == 1
    [refused] = [answer for answer in answers if answer not in done]
    assert refused.status_code == 404 or "This is the only active administrator" in page_text(
        refused.text
    )
    db.session.rollback()
    admins = db.session.scalar(sa.select(sa.func.count()).where(Organiser.is_admin))
    assert admins == 1
