"""Timed offers from the waiting list, through the real server, in Chromium: the organiser
puts Cecilia first on the waiting list; Aino cancels, and the place is offered to Cecilia,
whose email's link opens her page, where she accepts it and gets her confirmation with a
calendar entry. Then Cecilia cancels too: the place is offered to Bertil, who lets the time
pass (the clock moves); his late click changes nothing, and the mail worker passes the offer
on to Daniel."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app import clock
from app.extensions import db
from app.signup.services import register_for_event
from tests.journeys.conftest import Kutsu, page_text, sign_in
from tests.journeys.mail import calendar_in

pytestmark = pytest.mark.both_databases

ORGANISER = "olli@example.fi"


def address(name: str) -> str:
    return f"{name.lower()}@example.fi"


def test_a_freed_place_is_offered_accepted_and_a_lapsed_offer_passes_on(
    kutsu: Kutsu, new_page, make_event, make_organiser
):
    event = make_event(make_organiser(email=ORGANISER), capacity=1, offer_hours=3)
    for name in ("Aino", "Bertil", "Cecilia", "Daniel"):
        register_for_event(
            event, name=name, email=address(name), organisation="", answers={}, locale="en"
        )
    event_id = event.id
    db.session.commit()

    # The organiser moves Cecilia to the front of the waiting list.
    organiser = new_page()
    sign_in(organiser, ORGANISER)
    organiser.goto(f"/organiser/events/{event_id}/waiting-list")
    expect(organiser.get_by_role("heading", level=1)).to_have_text("Waiting list")
    rows = organiser.locator(".waiting-order tbody tr")
    rows.filter(has_text="Cecilia").get_by_role("button", name="Move up").click()
    expect(organiser.get_by_text("Cecilia is now number 1 on the waiting list.")).to_be_visible()
    expect(rows.nth(0)).to_contain_text("Cecilia")
    expect(rows.nth(1)).to_contain_text("Bertil")

    # Aino cancels through her confirmation's link: the place is offered to Cecilia.
    [confirmation] = kutsu.wait_for_mail(address("Aino"), subject="You are registered")
    aino = new_page()
    aino.goto(kutsu.link_in(confirmation, "/manage/"))
    aino.get_by_role("link", name="Cancel my registration").click()
    aino.get_by_role("button", name="Yes, cancel my registration").click()
    expect(aino.get_by_text("Your registration has been cancelled.")).to_be_visible()

    [offer] = kutsu.wait_for_mail(address("Cecilia"), subject="A place is offered to you")
    cecilia = new_page()
    cecilia.goto(kutsu.link_in(offer, "/manage/"))
    expect(cecilia.get_by_role("heading", name="A place is offered to you")).to_be_visible()
    cecilia.get_by_role("button", name="Accept the place").click()
    expect(cecilia.get_by_text("You accepted the place: it is yours.")).to_be_visible()
    expect(cecilia.get_by_text("Confirmed: you have a place")).to_be_visible()
    [confirmed] = kutsu.wait_for_mail(address("Cecilia"), subject="You are registered")
    assert calendar_in(confirmed).decoded("dtstart") == clock.to_local(event.starts_at)
    assert not kutsu.mail_to(address("Bertil"), subject="offered")

    # Cecilia cannot come after all: the place is offered to Bertil, for three hours.
    cecilia.get_by_role("link", name="Cancel my registration").click()
    cecilia.get_by_role("button", name="Yes, cancel my registration").click()
    [offer] = kutsu.wait_for_mail(address("Bertil"), subject="A place is offered to you")
    bertil = new_page()
    bertil.goto(kutsu.link_in(offer, "/manage/"))
    expect(bertil.get_by_role("button", name="Accept the place")).to_be_visible()
    organiser.goto(f"/organiser/events/{event_id}/waiting-list")
    offers = organiser.get_by_role("region", name="Offers waiting for an answer")
    expect(offers).to_contain_text("Bertil")

    # He lets the time pass; his click on the page he had open changes nothing.
    kutsu.clock.travel(clock.now() + timedelta(hours=3, minutes=1))
    bertil.get_by_role("button", name="Accept the place").click()
    expect(bertil.get_by_role("heading", level=1)).to_have_text("This offer is no longer open")
    [lapsed] = kutsu.wait_for_mail(address("Bertil"), subject="The offer of a place has lapsed")
    assert "you are no longer on the waiting list" in page_text(lapsed.get_body().get_content())
    kutsu.wait_for_mail(address("Daniel"), subject="A place is offered to you")
    assert not kutsu.mail_to(address("Bertil"), subject="You are registered")

    organiser.goto(f"/organiser/events/{event_id}/attendees")
    listed = page_text(organiser.content())
    assert "Offered a place 1" in listed and "Confirmed 0" in listed
