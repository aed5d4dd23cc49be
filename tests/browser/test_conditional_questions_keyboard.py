"""A conditional question with the keyboard alone, in Finnish, Swedish and English: "Yes"
to "Special diet?" shows "Which diet?" right after it, and the polite status says so; "No"
hides it again, the focus staying on "No", and Tab then passes it by; the answer typed
into it before is not stored."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Registration
from tests.browser.keyboard import (
    active_id,
    focused,
    id_is,
    record_rest_styles,
    tab,
    tab_through_privacy_notice_and_consent,
    tab_to,
    text_is,
)
from tests.browser.language import t
from tests.test_conditional_questions import DIET, WHICH

pytestmark = pytest.mark.browser


def test_a_follow_up_appears_and_goes_with_the_keyboard_alone(page: Page, language, make_event):
    event = make_event(capacity=10, questions=[DIET, WHICH])
    diet, which = (f"q_{question.id}" for question in event.questions)
    page.goto(f"/events/{event.slug}/register")
    record_rest_styles(page)
    status = page.locator(".condition-status")
    expect(page.locator(f"#{which}")).to_be_hidden()  # the script hides it at once

    tab_to(page, id_is("name"))
    page.keyboard.type("Sara Löyttyjärvi")
    assert tab(page)["id"] == "email"
    page.keyboard.type("sara@example.fi")
    assert tab(page)["id"] == "organisation"
    assert tab(page)["id"] == f"{diet}-0"  # "Yes"
    page.keyboard.press("Space")
    expect(page.locator(f"#{which}")).to_be_visible()
    expect(status).to_have_text(
        t(language, "Question shown: %(question)s", question="Mikä ruokavalio?")
    )
    assert active_id(page) == f"{diet}-0"  # the focus stays where it was

    assert tab(page)["id"] == which
    page.keyboard.type("vegaani")
    page.keyboard.press("Shift+Tab")
    assert focused(page)["id"] == f"{diet}-0"
    page.keyboard.press("ArrowDown")  # "No"
    expect(page.locator(f"#{which}")).to_be_hidden()
    expect(status).to_have_text(
        t(language, "Question hidden: %(question)s", question="Mikä ruokavalio?")
    )
    assert active_id(page) == f"{diet}-1"

    tab_through_privacy_notice_and_consent(page, language, event.slug)
    tab_to(page, text_is(t(language, "Send")))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "You are registered"))

    db.session.rollback()
    person = db.session.scalar(sa.select(Registration).where(Registration.event_id == event.id))
    assert {answer.question_id: answer.value for answer in person.answers} == {
        event.questions[0].id: False,
        event.questions[1].id: "",
    }
