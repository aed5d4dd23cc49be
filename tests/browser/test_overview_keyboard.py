"""Giving one's wellbeing services county on the sign-up form with the keyboard alone, and
an organiser turning the question on: Tab reaches the select right after the organisation,
the county is chosen by typing its name, and the chart tables on the overview are reached
by Tab (each scrolls in its own region). Every element Tab lands on must show its focus."""

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Event, Registration
from tests.browser.keyboard import (
    id_is,
    record_rest_styles,
    tab,
    tab_through_privacy_notice_and_consent,
    tab_to,
    text_is,
)
from tests.browser.language import t
from tests.browser.test_accessibility import h1, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["sv"])
def test_turn_on_the_question_and_give_a_county_with_the_keyboard_alone(
    page: Page, language, make_organiser, make_event
):
    olli = make_organiser(email="olli@example.fi", name="Olli Organiser")
    event = make_event(olli, title="Järjestöjen kevätpäivä", capacity=10)
    sign_in(page, olli, language)
    page.goto(f"/organiser/events/{event.id}/edit")
    record_rest_styles(page)
    tab_to(page, id_is("asks_region"), limit=200)
    page.keyboard.press("Space")
    tab_to(page, text_is(t(language, "Save changes")), limit=200)
    page.keyboard.press("Enter")
    expect(h1(page)).to_have_text(event.title)
    db.session.commit()  # a fresh read of what the server wrote
    assert db.session.get(Event, event.id).asks_region

    page.goto(f"/events/{event.slug}/register")
    record_rest_styles(page)
    tab_to(page, id_is("name"))
    page.keyboard.type("Britt Lindqvist")
    assert tab(page)["id"] == "email"
    page.keyboard.type("britt@example.fi")
    assert tab(page)["id"] == "organisation"
    page.keyboard.type("Folkhälsan")
    assert tab(page)["id"] == "region"
    page.keyboard.type("Birkaland")  # a select takes the typed name of its option
    expect(page.locator("#region")).to_have_value("Pirkanmaa")
    tab_through_privacy_notice_and_consent(page, language, event.slug)
    assert tab(page)["text"] == t(language, "Send")
    page.keyboard.press("Enter")
    expect(h1(page)).to_have_text(t(language, "You are registered"))
    db.session.commit()  # a fresh read of what the server wrote
    assert db.session.query(Registration).one().region == "Pirkanmaa"

    page.goto(f"/organiser/events/{event.id}")
    record_rest_styles(page)
    caption = t(
        language, "The numbers: %(title)s", title=t(language, "By wellbeing services county")
    )
    stop = tab_to(page, lambda stop: stop["text"].startswith(caption), limit=200)
    assert stop["tag"] == "div" and "Birkaland 1" in stop["text"]
