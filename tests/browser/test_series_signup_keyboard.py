"""Signing up for several meetings of a series with the keyboard alone, in Finnish, Swedish
and English: Tab walks the meetings, "all of them", then the person's fields in reading
order; an error takes the focus to the summary, whose link leads to the first meeting."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.keyboard import (
    active_id,
    id_is,
    record_rest_styles,
    tab,
    tab_through_privacy_notice_and_consent,
    tab_to,
    text_is,
)
from tests.browser.language import expect_language, t

pytestmark = pytest.mark.browser


def h1(page: Page):
    return page.get_by_role("heading", level=1)


def test_choose_meetings_and_sign_up_with_the_keyboard_alone(
    page: Page, language, make_occurrences
):
    series, events = make_occurrences()
    page.goto(f"/series/{series.slug}")
    expect_language(page, language)
    record_rest_styles(page)

    # Sent with no meeting chosen: the summary takes the focus, its link the first box.
    tab_to(page, id_is("name"))
    page.keyboard.type("Sara Löyttyjärvi")
    tab_to(page, text_is(t(language, "Send")))
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_be_focused()
    tab_to(page, text_is(t(language, "Choose at least one meeting")))
    page.keyboard.press("Enter")
    assert active_id(page) == "meetings-0"
    expect(page.locator("#name")).to_have_value("Sara Löyttyjärvi")  # what was typed is kept

    page.keyboard.press("Space")
    assert tab(page)["id"] == "meetings-1"
    assert tab(page)["id"] == "meetings-2"
    page.keyboard.press("Space")
    assert tab(page)["id"] == "all_meetings"
    assert tab(page)["id"] == "name"
    assert tab(page)["id"] == "email"
    page.keyboard.type("sara@example.fi")
    assert tab(page)["id"] == "organisation"
    tab_through_privacy_notice_and_consent(page, language, events[0].slug)
    assert tab(page)["text"] == t(language, "Send")
    page.keyboard.press("Enter")

    expect(h1(page)).to_have_text(t(language, "Your registrations"))
    expect(page.get_by_text(t(language, "You are registered."))).to_have_count(2)
    expect_language(page, language)
