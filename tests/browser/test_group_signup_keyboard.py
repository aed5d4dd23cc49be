"""Signing up a group with the keyboard alone, in Finnish, Swedish and English: Tab walks
the contact person's fields, then each person's row; "Add a person" pressed with Enter
brings a new row, and the next Tab lands in it; an error takes the focus to the summary,
whose link leads to the field."""

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


def test_sign_up_a_group_with_the_keyboard_alone(page: Page, language, make_event):
    event = make_event(capacity=10, group_size_max=3)
    page.goto(f"/events/{event.slug}/register")
    expect_language(page, language)
    record_rest_styles(page)

    tab_to(page, id_is("name"))
    page.keyboard.type("Kaisa Kontakti")
    assert tab(page)["id"] == "email"
    page.keyboard.type("kaisa@example.fi")
    assert tab(page)["id"] == "organisation"
    assert tab(page)["id"] == "members-0-name"
    assert tab(page)["id"] == "members-0-email"
    page.keyboard.type("kaisa@example.fi")  # the contact's own address again
    assert tab(page)["id"] == "members-0-organisation"
    assert tab(page)["text"] == t(language, "Add a person")
    page.keyboard.press("Enter")

    # The new row: the next Tab goes into it, and what was typed is kept.
    expect(page.locator("#members-1-name")).to_be_visible()
    record_rest_styles(page)
    assert tab(page)["id"] == "members-1-name"
    page.keyboard.type("Liisa Ilman")
    expect(page.locator("#members-0-email")).to_have_value("kaisa@example.fi")

    tab_to(page, text_is(t(language, "Send")))
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_be_focused()
    record_rest_styles(page)
    tab_to(page, text_is(t(language, "Enter the person’s full name, or leave the whole row empty")))
    page.keyboard.press("Enter")
    assert active_id(page) == "members-0-name"
    page.keyboard.type("Pekka Jäsen")
    assert tab(page)["id"] == "members-0-email"
    page.keyboard.press("Control+A")
    page.keyboard.type("pekka@example.fi")
    tab_to(page, id_is("members-1-organisation"))
    # The group is as large as it may be: no "Add a person", the privacy notice next.
    tab_through_privacy_notice_and_consent(page, language, event.slug)
    assert tab(page)["text"] == t(language, "Send")
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "You are registered"))
    expect_language(page, language)
