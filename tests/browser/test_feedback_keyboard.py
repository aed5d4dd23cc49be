"""A person answers the feedback form with the keyboard alone, in Finnish (each language's
page is in the axe walk, tests/browser/test_accessibility.py): a score chosen with the
arrow keys, the yes/no answers with Space, the comment typed, the form sent with Enter; the
error summary takes the focus first; every element Tab lands on must show where the focus is."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import FeedbackResponse
from tests.browser.keyboard import active_id, id_is, record_rest_styles, tab_to
from tests.browser.language import t
from tests.browser.test_accessibility import feedback_ready, h1

pytestmark = pytest.mark.browser


@pytest.fixture
def organiser(make_organiser):
    return make_organiser(email="olli@example.fi", name="Olli Organiser")


@pytest.mark.parametrize("language", ["fi"])
def test_answer_the_feedback_form_with_the_keyboard_alone(
    page: Page, language, organiser, make_event
):
    _event, raw = feedback_ready(make_event, organiser, language)
    page.goto(f"/feedback/{raw}")
    expect(h1(page)).to_have_text(t(language, "How was it?"))
    send = t(language, "Send my feedback")

    # Sent empty: the error summary takes the focus, its link leads to the score.
    record_rest_styles(page)
    tab_to(page, lambda stop: stop["tag"] == "button" and stop["text"] == send, limit=60)
    page.keyboard.press("Enter")
    expect(page.get_by_text(t(language, "There is a problem"))).to_be_visible()
    assert page.evaluate("document.activeElement.className") == "error-summary"

    record_rest_styles(page)
    tab_to(page, id_is("score-0"), limit=60)
    for _ in range(3):  # from 1 to 4
        page.keyboard.press("ArrowRight")
    expect(page.locator("#score-3")).to_be_checked()
    tab_to(page, id_is("would_recommend-0"))
    page.keyboard.press("Space")
    tab_to(page, id_is("comment"))
    page.keyboard.type("Hyvä tilaisuus, kiitos!")
    tab_to(page, id_is("q_1-0"))
    page.keyboard.press("Space")
    tab_to(page, lambda stop: stop["tag"] == "button" and stop["text"] == send)
    page.keyboard.press("Enter")
    expect(
        page.get_by_text(t(language, "Thank you! Your feedback has been saved."))
    ).to_be_visible()
    assert active_id(page) != "comment"

    db.session.commit()  # a fresh read of what the server wrote
    [response] = db.session.scalars(sa.select(FeedbackResponse)).all()
    assert (response.score, response.would_recommend, response.comment) == (
        4,
        True,
        "Hyvä tilaisuus, kiitos!",
    )
    assert response.answers == {"1": True}
