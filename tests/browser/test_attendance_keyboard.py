"""An organiser marks attendance with the keyboard alone, in Finnish (the pages in each
language are in the axe walk, tests/browser/test_accessibility.py): from the event
overview to the Attendance page, one person's choice moved with the arrow keys, another
person ticked with Space, and the button pressed with Enter; every element Tab lands on
must show where the focus is."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from app import clock
from app.extensions import db
from app.models import AttendanceSource, Registration
from app.signup import services
from tests.browser.conftest import write_beside_server
from tests.browser.keyboard import id_is, record_rest_styles, tab_to
from tests.browser.language import t
from tests.browser.test_accessibility import h1, sign_in

pytestmark = pytest.mark.browser

NAMES = ("Aino Aalto", "Pekka Virtanen", "Sara Löyttyjärvi")  # as the page lists them


@pytest.fixture
def organiser(make_organiser):
    return make_organiser(email="olli@example.fi", name="Olli Organiser")


@pytest.fixture
def held(make_event, organiser, language):
    """Three people with a place at an event that ended an hour ago."""
    event = make_event(organiser, title="Keskusteluilta", starts_in=timedelta(hours=1))
    with write_beside_server():
        ids = {
            name: services.register_for_event(
                event,
                name=name,
                email=f"{name.split()[0].lower()}@example.fi",
                organisation="",
                answers={},
                locale=language,
            ).registration_id
            for name in NAMES
        }
    clock.travel(event.ends_at + timedelta(hours=1))
    return event.id, ids


def marked(registration_id: int):
    db.session.commit()  # a fresh read of what the server wrote
    person = db.session.get(Registration, registration_id)
    return person.attended, person.attendance_source


@pytest.mark.parametrize("language", ["fi"])
def test_mark_attendance_with_the_keyboard_alone(page: Page, language, organiser, held):
    event_id, ids = held
    attendance = f"/organiser/events/{event_id}/attendance"
    sign_in(page, organiser, language)
    page.goto(f"/organiser/events/{event_id}")
    record_rest_styles(page)

    tab_to(page, lambda stop: stop["href"] == attendance, limit=60)
    page.keyboard.press("Enter")
    expect(h1(page)).to_have_text(t(language, "Attendance"))

    # Aino's choice moved from "Not marked" up to "Did not attend"; Pekka ticked.
    record_rest_styles(page)
    aino = ids["Aino Aalto"]
    tab_to(page, id_is(f"attended-{aino}-unmarked"), limit=60)
    page.keyboard.press("ArrowUp")
    expect(page.locator(f"#attended-{aino}-no")).to_be_checked()
    tab_to(page, id_is("person-1"))
    page.keyboard.press("Space")
    button = t(language, "Mark the ticked as attended")
    tab_to(page, lambda stop: stop["tag"] == "button" and stop["text"] == button, limit=60)
    page.keyboard.press("Enter")

    saved = t(language, "Saved: %(num)d person marked.", num=2)
    expect(page.get_by_text(saved)).to_be_visible()
    assert marked(aino) == (False, AttendanceSource.BY_HAND)
    assert marked(ids["Pekka Virtanen"]) == (True, AttendanceSource.BY_HAND)
    assert marked(ids["Sara Löyttyjärvi"]) == (None, None)
    expect(page.locator(f"#attended-{aino}-no")).to_be_checked()
