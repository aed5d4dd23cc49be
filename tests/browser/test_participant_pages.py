"""What a participant sees in Chromium, in each language: how a sensitive question's note
stands on the sign-up form."""

import pytest
from playwright.sync_api import Page, expect

from app.models import QuestionKind
from tests.browser.language import expect_language, t

pytestmark = pytest.mark.browser


def test_a_sensitive_questions_note_is_a_line_of_its_own_below_the_hint(
    page: Page, language, make_event
):
    event = make_event(
        questions=[
            {
                "label": "Erityisruokavalio",
                "hint": "esimerkiksi vegaaninen",
                "kind": QuestionKind.SHORT_TEXT,
                "sensitive": True,
            }
        ]
    )
    field = f"q_{event.questions[0].id}"

    page.goto(f"/events/{event.slug}/register")
    expect_language(page, language)

    hint = page.locator(f"#{field}-hint")
    note = page.locator(f"#{field}-sensitive")
    expect(hint).to_have_text("esimerkiksi vegaaninen")
    expect(note).to_have_text(t(language, "Sensitive: answered only if you agree below."))
    assert note.bounding_box()["y"] >= hint.bounding_box()["y"] + hint.bounding_box()["height"]
    expect(page.get_by_label("Erityisruokavalio")).to_have_accessible_description(
        "esimerkiksi vegaaninen " + t(language, "Sensitive: answered only if you agree below.")
    )
