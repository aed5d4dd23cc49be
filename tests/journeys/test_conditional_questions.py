"""Conditional questions through the real server: an organiser asks "Which diet?" only of
those who answer yes to "Special diet?", in the question editor in Chromium; one person
answers yes and the follow-up, another fills the follow-up, then answers no (the script
hides it, but the browser still sends it); the CSV has the diet of the first only."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app import clock
from app.extensions import db
from app.models import Event
from tests.journeys.conftest import Kutsu, create_account, download, sign_in
from tests.journeys.test_organiser import fill_date_and_time, h1, rows_of_csv

pytestmark = pytest.mark.both_databases

TITLE = "Järjestöjen kevätlounas"
SPECIAL = "Special diet?"
WHICH = "Which diet?"


def create_event_with_a_follow_up(page) -> int:
    starts = clock.now() + timedelta(days=20)
    page.goto("/organiser/events/new")
    page.locator("#title").fill(TITLE)
    fill_date_and_time(page, "starts_at", starts)
    fill_date_and_time(page, "ends_at", starts + timedelta(hours=2))
    page.locator("#venue_name").fill("Kumppanuustalo")
    page.get_by_role("button", name="Add a question").click()
    page.locator("#questions-0-label").fill(SPECIAL)
    page.locator("#questions-0-kind").select_option("yes_no")
    page.locator("#questions-0-required").check()
    page.get_by_role("button", name="Add a question").click()
    page.locator("#questions-1-label").fill(WHICH)
    page.locator("#questions-1-required").check()
    # The editor offers the answers of the question above; "Yes" is ticked.
    block = page.locator("#question-2")
    block.get_by_text("Ask this question only after some answers").click()
    earlier = block.get_by_role("group", name=f"Question 1: {SPECIAL}")
    earlier.get_by_label("Yes", exact=True).check()
    page.get_by_role("button", name="Save as draft").click()
    expect(h1(page)).to_have_text(TITLE)
    event_id = int(re.search(r"/organiser/events/(\d+)$", page.url).group(1))
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("The event is published.")).to_be_visible()
    return event_id


def sign_up(page, slug: str, name: str, email: str, steps) -> None:
    page.goto(f"/events/{slug}/register")
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email address").fill(email)
    steps(page)
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Send").click()
    expect(h1(page)).to_have_text("You are registered")


def test_an_organiser_asks_a_follow_up_and_only_those_it_applies_to_have_an_answer(
    kutsu: Kutsu, new_page
):
    create_account(kutsu, "olli@example.fi", "Olli Organiser")
    olli = new_page()
    sign_in(olli, "olli@example.fi")
    event_id = create_event_with_a_follow_up(olli)
    slug = db.session.get(Event, event_id).slug

    def yes_and_the_diet(page):
        special = page.get_by_role("group", name=SPECIAL)
        which = page.get_by_label(WHICH)
        expect(which).to_be_hidden()  # until the answer above asks for it
        special.get_by_label("Yes").check()
        expect(which).to_be_visible()
        expect(page.locator(".condition-status")).to_have_text(f"Question shown: {WHICH}")
        which.fill("gluteeniton")

    def filled_then_no(page):
        special = page.get_by_role("group", name=SPECIAL)
        special.get_by_label("Yes").check()
        page.get_by_label(WHICH).fill("vegaani")
        special.get_by_label("No").check()
        expect(page.get_by_label(WHICH)).to_be_hidden()
        expect(page.locator(".condition-status")).to_have_text(f"Question hidden: {WHICH}")

    sign_up(new_page(), slug, "Aino Lehtinen", "aino@example.fi", yes_and_the_diet)
    sign_up(new_page(), slug, "Veikko Aalto", "veikko@example.fi", filled_then_no)

    olli.goto(f"/organiser/events/{event_id}/attendees")
    rows = rows_of_csv(download(olli, "Download as CSV"))
    header, *people = rows
    which = header.index(WHICH)
    assert {row[1]: row[which] for row in people} == {
        "aino@example.fi": "gluteeniton",
        "veikko@example.fi": "",
    }
    assert "vegaani" not in olli.content()
