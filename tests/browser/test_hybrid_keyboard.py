"""Choosing in person or online with the keyboard alone, in Finnish, Swedish and English: on
a hybrid event's sign-up form Tab reaches the choice after the person's fields, an error
takes the focus to the summary, whose link leads to the first option, and the arrow keys
choose; on the manage link's page the same choice switches the mode."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import EventFormat, Registration
from app.signup.services import issue_manage_link_token
from tests.browser.conftest import write_beside_server
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


# One language: the keys are the same in each, and the words come from the catalogues
# (tests/browser/test_accessibility.py walks these pages in all three).
@pytest.mark.parametrize("language", ["sv"])
def test_choose_in_person_or_online_and_switch_with_the_keyboard_alone(
    page: Page, language, make_event
):
    event = make_event(format=EventFormat.HYBRID, capacity=1, online_capacity=None)
    page.goto(f"/events/{event.slug}/register")
    expect_language(page, language)
    record_rest_styles(page)

    # Sent with no mode chosen: the summary takes the focus, its link the first option.
    tab_to(page, id_is("name"))
    page.keyboard.type("Sara Löyttyjärvi")
    tab_to(page, text_is(t(language, "Send")))
    page.keyboard.press("Enter")
    expect(page.locator(".error-summary")).to_be_focused()
    message = t(language, "Choose whether you take part in person or online")
    tab_to(page, text_is(message))
    page.keyboard.press("Enter")
    assert active_id(page) == "mode-0"
    expect(page.locator("#name")).to_have_value("Sara Löyttyjärvi")

    page.keyboard.press("ArrowDown")  # a radio group: the arrow keys choose
    expect(page.locator("#mode-1")).to_be_checked()
    assert active_id(page) == "mode-1"
    page.keyboard.press("Shift+Tab")
    assert active_id(page) == "organisation"
    page.keyboard.press("Shift+Tab")
    page.keyboard.type("sara@example.fi")
    assert tab(page)["id"] == "organisation"
    assert tab(page)["id"] == "mode-1"  # the group's chosen option takes the Tab stop
    tab_through_privacy_notice_and_consent(page, language, event.slug)
    assert tab(page)["text"] == t(language, "Send")
    page.keyboard.press("Enter")
    expect(h1(page)).to_have_text(t(language, "You are registered"))

    # Through the manage link: back to the hall, where the seat is still free.
    page.goto(f"/manage/{manage_token(event)}")
    record_rest_styles(page)
    change = t(language, "Change how you take part")
    tab_to(page, text_is(change))
    page.keyboard.press("Enter")
    expect(h1(page)).to_have_text(t(language, "How you take part"))
    record_rest_styles(page)

    assert tab_to(page, id_is("mode-1"))["type"] == "radio"  # checked: the one Tab stop
    page.keyboard.press("ArrowUp")
    expect(page.locator("#mode-0")).to_be_checked()
    assert tab(page)["text"] == t(language, "Save")
    page.keyboard.press("Enter")

    expect(page.get_by_text(t(language, "You now take part in person."))).to_be_visible()
    expect_language(page, language)


def manage_token(event) -> str:
    """Sara's manage link, as her confirmation email carries it."""
    with write_beside_server():
        registration = db.session.scalar(
            sa.select(Registration).where(Registration.event_id == event.id)
        )
        token = issue_manage_link_token(registration)
    db.session.close()
    return token
