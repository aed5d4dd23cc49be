"""Nominating people with the keyboard alone: Tab, typing, Space and Enter, no clicks; in
Finnish, Swedish and English (each test runs once per language).

"Add another nominee" is a button that shows the form again with one more block; no
JavaScript. Every element Tab lands on must show where the focus is.
"""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app import clock
from app.extensions import db
from app.models import Candidate, Participation
from tests.browser.keyboard import id_is, record_rest_styles, tab, tab_to, text_is
from tests.browser.language import expect_language, t

pytestmark = pytest.mark.browser


@pytest.fixture
def workshop(make_event):
    return make_event(
        title="Tulevaisuuden sote-keskus: kansallinen sidosryhmätyöpaja",
        participation=Participation.INVITATION,
        nominations_close_at=clock.now() + timedelta(days=20),
        themes=["Mielenterveys", "Ikäihmiset"],
        starts_in=timedelta(days=60),
    )


def h1(page: Page):
    return page.get_by_role("heading", level=1)


def test_nominate_two_people_with_the_keyboard_alone(page: Page, language, workshop):
    page.goto(f"/events/{workshop.slug}")
    expect_language(page, language)
    record_rest_styles(page)
    tab_to(page, text_is(t(language, "Nominate participants")))
    page.keyboard.press("Enter")
    expect(h1(page)).to_have_text(t(language, "Nominate participants"))
    expect_language(page, language)
    record_rest_styles(page)

    tab_to(page, id_is("name"))
    page.keyboard.type("Nina Nominator")
    assert tab(page)["id"] == "email"
    page.keyboard.type("nina@soste.example")
    assert tab(page)["id"] == "organisation"
    page.keyboard.type("SOSTE ry")
    # The first nominee, field by field in reading order.
    assert tab(page)["id"] == "nominees-0-name"
    page.keyboard.type("Aino Aalto")
    assert tab(page)["id"] == "nominees-0-email"
    page.keyboard.type("aino@example.fi")
    assert tab(page)["id"] == "nominees-0-organisation"
    page.keyboard.type("Hämeen Setlementti ry")
    assert tab(page)["id"] == "nominees-0-role"
    assert tab(page)["id"] == "nominees-0-region"
    # A closed select picks the option typed: Kanta-Häme by its name in the page's language.
    page.keyboard.type({"sv": "Egentliga T"}.get(language, "Kanta"))
    assert tab(page)["id"] == "nominees-0-themes-0"
    page.keyboard.press("Space")
    assert tab(page)["id"] == "nominees-0-themes-1"
    assert tab(page)["id"] == "nominees-0-justification"
    page.keyboard.type("Pitkä kokemus järjestötyöstä.")
    add_another = t(language, "Add another nominee")
    assert tab(page)["text"] == add_another  # one block: nothing to remove
    page.keyboard.press("Enter")

    # The form again, with everything typed and a second block, which has the focus.
    expect_language(page, language)
    expect(page.locator("fieldset.question-block")).to_have_count(2)
    expect(page.locator("fieldset#nominee-1")).to_be_focused()
    expect(page.locator(".error-summary")).to_have_count(0)
    expect(page.locator("#organisation")).to_have_value("SOSTE ry")
    expect(page.locator("#nominees-0-name")).to_have_value("Aino Aalto")
    expect(page.locator("#nominees-0-region")).to_have_value("Kanta-Häme")
    expect(page.locator("#nominees-0-themes-0")).to_be_checked()
    expect(page.locator("#nominees-0-justification")).to_have_value("Pitkä kokemus järjestötyöstä.")
    assert db.session.scalar(sa.select(sa.func.count(Candidate.id))) == 0

    record_rest_styles(page)
    assert tab(page)["id"] == "nominees-1-name"
    page.keyboard.type("Bertta Berg")
    assert tab(page)["id"] == "nominees-1-email"
    page.keyboard.type("bertta@example.fi")
    tab_to(page, id_is("nominees-1-justification"))
    page.keyboard.type("Asiantuntija.")
    remove = f"{t(language, 'Remove this nominee')} ({t(language, 'Nominee %(number)d', number=2)})"
    assert tab(page)["text"] == remove
    assert tab(page)["text"] == add_another
    tab_to(page, id_is("confirm"))
    page.keyboard.press("Space")
    expect(page.locator("#confirm")).to_be_checked()
    assert tab(page)["text"] == t(language, "Send nominations")
    page.keyboard.press("Enter")

    expect(h1(page)).to_have_text(t(language, "Thank you for your nominations"))
    expect_language(page, language)
    assert page.url.endswith(f"/events/{workshop.slug}/nominated")
    expect(page.locator("main").get_by_role("listitem")).to_have_text(["Aino Aalto", "Bertta Berg"])
    db.session.commit()  # a fresh read of what the server wrote
    names = db.session.scalars(sa.select(Candidate.name).order_by(Candidate.name))
    assert list(names) == ["Aino Aalto", "Bertta Berg"]


def test_enter_in_a_text_field_sends_the_form_and_does_not_add_or_remove(
    page: Page, language, workshop
):
    page.goto(f"/events/{workshop.slug}/nominate")
    expect_language(page, language)
    record_rest_styles(page)
    tab_to(page, id_is("name"))
    page.keyboard.type("Nina Nominator")
    tab_to(page, text_is(t(language, "Add another nominee")))
    page.keyboard.press("Enter")
    expect(page.locator("fieldset.question-block")).to_have_count(2)

    # Two blocks: "Remove this nominee" buttons now come before Send in the page.
    record_rest_styles(page)
    tab_to(page, id_is("nominees-1-name"))
    page.keyboard.type("Bertta Berg")
    page.keyboard.press("Enter")

    expect(page).to_have_title(re.compile("^" + re.escape(t(language, "Error:") + " ")))
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator(".error-summary").get_by_role("heading")).to_have_text(
        t(language, "There is a problem")
    )
    expect(page.locator("fieldset.question-block")).to_have_count(2)
    expect(page.locator("#nominees-1-name")).to_have_value("Bertta Berg")
