"""A conditional question with the keyboard alone, in Finnish, Swedish and English: "Yes"
to "Special diet?" shows "Which diet?" right after it, and the polite status says so; "No"
hides it again, the focus staying on "No", and Tab then passes it by; the answer typed
into it before is not stored. And the organiser ticks the answer in the question editor."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Event, Registration
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
from tests.browser.test_accessibility import sign_in
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


def test_the_organiser_sets_a_condition_in_the_question_editor_with_the_keyboard_alone(
    page: Page, language, make_organiser, make_event
):
    organiser = make_organiser(email="olli@example.fi", name="Olli Organiser")
    plain_which = {key: value for key, value in WHICH.items() if not key.startswith("shown_if")}
    event = make_event(organiser, questions=[DIET, plain_which])
    sign_in(page, organiser, language)
    page.goto(f"/organiser/events/{event.id}/edit")
    record_rest_styles(page)

    tab_to(page, id_is("questions-1-sensitive"), limit=120)
    assert tab(page)["text"] == t(language, "Ask this question only after some answers")
    page.keyboard.press("Enter")  # opens it
    assert tab(page)["id"] == "questions-1-shown_if-0"  # "Yes" of question 1
    page.keyboard.press("Space")
    tab_to(page, text_is(t(language, "Save changes")), limit=80)
    page.keyboard.press("Enter")
    expect(page.get_by_text(t(language, "Your changes were saved."))).to_be_visible()

    db.session.rollback()
    diet, which = db.session.get(Event, event.id).questions
    assert (which.shown_if_question_id, which.shown_if_options) == (diet.id, ["yes"])
