"""An organiser adds a person who phoned and corrects their name with the keyboard alone:
Tab, typing, arrow keys, Space and Enter; in Finnish, Swedish and English. Every element
Tab lands on must show where the focus is."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Registration
from tests.browser.keyboard import id_is, record_rest_styles, tab, tab_to, text_is
from tests.browser.language import t
from tests.browser.test_accessibility import h1, sign_in
from tests.conftest import COFFEE_QUESTION, DIET_QUESTION

pytestmark = pytest.mark.browser


@pytest.fixture
def organiser(make_organiser):
    return make_organiser(email="olli@example.fi", name="Olli Organiser")


@pytest.fixture
def event(make_event, organiser):
    return make_event(organiser, capacity=10, questions=[COFFEE_QUESTION, DIET_QUESTION])


def arrived(page: Page, heading: str) -> None:
    """On the next page, its stylesheet applied (the focus styles are in it): then its
    elements' looks at rest are recorded."""
    expect(h1(page)).to_have_text(heading)
    page.wait_for_load_state()
    record_rest_styles(page)


def added(event) -> Registration:
    db.session.commit()  # a fresh snapshot: the server wrote since
    return db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event.id)
    ).one()


def test_a_person_is_added_and_their_name_corrected_with_the_keyboard_alone(
    page: Page, language, organiser, event
):
    coffee, diet = (f"q_{question.id}" for question in event.questions)
    sign_in(page, organiser, language)
    page.goto(f"/organiser/events/{event.id}/attendees")
    arrived(page, t(language, "Attendees"))

    tab_to(page, text_is(t(language, "Add a person")), limit=80)
    page.keyboard.press("Enter")
    arrived(page, t(language, "Add a person"))

    tab_to(page, id_is("name"), limit=60)
    page.keyboard.type("Pirko Puhelin")
    # From here on, Tab walks the form in reading order, one field at a time.
    assert tab(page)["id"] == "email"
    page.keyboard.type("pirkko@example.fi")
    assert tab(page)["id"] == "organisation"
    page.keyboard.type("Kylätalo ry")
    assert tab(page)["id"] == "locale-0"  # the radio already chosen: Finnish
    page.keyboard.press("ArrowDown")  # Swedish
    expect(page.locator("#locale-1")).to_be_checked()
    assert tab(page)["id"] == f"{coffee}-0"
    page.keyboard.press("Space")
    assert tab(page)["id"] == diet
    page.keyboard.type("gluteeniton")
    assert tab(page)["id"] == "sensitive_consent"
    page.keyboard.press("Space")
    assert tab(page)["id"] == "note"
    page.keyboard.type("Soitti maanantaina")
    assert tab(page)["id"] == "send_mail"
    expect(page.locator("#send_mail")).to_be_checked()  # an address was given
    assert tab(page)["text"] == t(language, "Add the person")
    page.keyboard.press("Enter")

    expect(page.get_by_text(t(language, "Added: confirmed"))).to_be_visible()
    arrived(page, "Pirko Puhelin")
    person = added(event)
    assert (person.locale, person.note) == ("sv", "Soitti maanantaina")
    assert person.sensitive_consent_at is not None
    assert {answer.value for answer in person.answers} == {True, "gluteeniton"}

    tab_to(page, text_is(t(language, "Edit details")), limit=60)
    page.keyboard.press("Enter")
    arrived(page, t(language, "Edit details"))
    tab_to(page, id_is("name"), limit=60)
    page.keyboard.press("ControlOrMeta+a")
    page.keyboard.type("Pirkko Puhelin")
    tab_to(page, text_is(t(language, "Save changes")))
    page.keyboard.press("Enter")

    expect(page.get_by_text(t(language, "Saved the changes."))).to_be_visible()
    expect(h1(page)).to_have_text("Pirkko Puhelin")
    assert added(event).name == "Pirkko Puhelin"
