"""The organiser's event form in a real browser, with the keyboard: dates and times typed
in text inputs, the parts of the form, and coming back to a question just added."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Event
from tests.browser.keyboard import id_is, record_rest_styles, tab, tab_to, text_is
from tests.browser.language import t
from tests.browser.test_accessibility import h1, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def organiser(make_organiser):
    return make_organiser(email="olli@example.fi", name="Olli Organiser")


def test_an_event_is_created_with_dates_typed_and_a_question_added_by_keyboard(
    page: Page, language, organiser
):
    sign_in(page, organiser, language)
    page.goto("/organiser/events/new")
    record_rest_styles(page)

    tab_to(page, id_is("title"))
    page.keyboard.type("Järjestöjen joulukahvit")
    tab_to(page, id_is("starts_at-date"))
    page.keyboard.type("17.12.2030")
    assert tab(page)["id"] == "starts_at-time"
    page.keyboard.type("17.00")
    assert tab(page)["id"] == "ends_at-date"
    page.keyboard.type("17.12.2030")
    assert tab(page)["id"] == "ends_at-time"
    page.keyboard.type("19:00")
    tab_to(page, id_is("venue_name"))
    page.keyboard.type("Kumppanuustalo")

    # "Add a question" shows the form again and comes back to the new question.
    tab_to(page, text_is(t(language, "Add a question")), limit=80)
    page.keyboard.press("Enter")
    expect(page.locator("#question-1")).to_be_focused()
    assert page.evaluate("window.scrollY") > 0
    expect(page.locator("#starts_at-time")).to_have_value("17.00")  # typed values stay
    record_rest_styles(page)
    assert tab(page)["id"] == "questions-0-label"
    page.keyboard.type("Erityisruokavalio")

    # Enter in a text field saves the form (it does not add another question).
    page.keyboard.press("Enter")
    expect(h1(page)).to_have_text("Järjestöjen joulukahvit")
    db.session.commit()  # a fresh snapshot: the server wrote since
    event = db.session.scalars(sa.select(Event)).one()
    assert [q.label for q in event.questions] == ["Erityisruokavalio"]


def test_a_wrong_date_is_corrected_from_the_error_summary(page: Page, language, organiser):
    sign_in(page, organiser, language)
    page.goto("/organiser/events/new")
    page.locator("#title").fill("Kahvit")
    page.locator("#starts_at-date").fill("31.2.2030")
    page.locator("#starts_at-time").fill("17.00")
    page.get_by_role("button", name=t(language, "Save as draft")).click()

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    message = t(
        language,
        "Enter %(date)s as day.month.year, for example 17.3.2026",
        date=t(language, "the start date"),
    )
    summary.get_by_role("link", name=message).click()
    expect(page.locator("#starts_at-date")).to_be_focused()
    expect(page.locator("#starts_at-date")).to_have_value("31.2.2030")
    expect(page.locator("#starts_at-date")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#starts_at-time")).not_to_have_attribute("aria-invalid", "true")


def test_workshop_settings_show_only_when_participation_is_by_invitation(
    page: Page, language, organiser
):
    sign_in(page, organiser, language)
    page.goto("/organiser/events/new")
    workshop = page.locator("#workshop")
    expect(workshop).to_be_hidden()
    expect(page.locator(".form-sections").get_by_role("link")).to_have_count(5)

    page.locator("#participation-1").check()
    expect(workshop).to_be_visible()
    expect(page.locator(".form-sections").get_by_role("link")).to_have_count(6)

    page.locator(".form-sections").get_by_role(
        "link", name=t(language, "Questions on the sign-up form")
    ).click()
    expect(page).to_have_url(page.url.split("#")[0] + "#questions")
