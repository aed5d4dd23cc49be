"""An organiser cancels a registration and moves someone from the waiting list with the
keyboard alone, in Finnish, Swedish and English (one run per language): Tab, arrows, Space
and Enter, and every element Tab lands on must show where the focus is."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Event, Registration, RegistrationStatus
from app.signup import services
from tests.browser.conftest import write_beside_server
from tests.browser.keyboard import record_rest_styles, tab, tab_to
from tests.browser.language import t
from tests.browser.test_accessibility import h1, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def organiser(make_organiser):
    return make_organiser(email="olli@example.fi", name="Olli Organiser")


@pytest.fixture
def people(make_event, organiser, language):
    """Two places: Aino and Pekka confirmed, Sara and Kalle waiting."""
    event = make_event(organiser, title="Verkostokokous", capacity=2)
    with write_beside_server():
        registered = {
            name: services.register_for_event(
                event,
                name=name,
                email=f"{name.split()[0].lower()}@example.fi",
                organisation="",
                answers={},
                locale=language,
            ).registration.id
            for name in ("Aino Aalto", "Pekka Virtanen", "Sara Löyttyjärvi", "Kalle Korhonen")
        }
    return event.id, registered


def href_is(path: str):
    return lambda stop: stop["href"] == path


def status_of(registration_id: int) -> RegistrationStatus:
    db.session.commit()  # a fresh read of what the server wrote
    return db.session.get(Registration, registration_id).status


def test_cancel_and_move_from_the_waiting_list_with_the_keyboard_alone(
    page: Page, language, organiser, people
):
    event_id, ids = people
    attendees = f"/organiser/events/{event_id}/attendees"
    sign_in(page, organiser, language)
    page.goto(attendees)
    record_rest_styles(page)

    # Aino's registration cancelled, without an email: the arrow keys choose "No".
    tab_to(page, href_is(f"{attendees}/cancel?person={ids['Aino Aalto']}"), limit=80)
    page.keyboard.press("Enter")
    expect(h1(page)).to_have_text(t(language, "Cancel %(num)d registration?", num=1))
    record_rest_styles(page)
    tab_to(page, lambda stop: stop["id"] == "tell-0")
    expect(page.locator("#tell-0")).to_be_checked()  # emailing them is the default
    page.keyboard.press("ArrowDown")
    expect(page.locator("#tell-1")).to_be_checked()
    button = tab(page)
    assert (button["tag"], button["text"]) == ("button", t(language, "Yes, cancel"))
    page.keyboard.press("Enter")
    done = t(language, "%(num)d registration cancelled without an email.", num=1)
    expect(page.get_by_text(done)).to_be_visible()
    assert status_of(ids["Aino Aalto"]) == RegistrationStatus.CANCELLED
    assert status_of(ids["Sara Löyttyjärvi"]) == RegistrationStatus.CONFIRMED  # moved up

    # Kalle moved up past the two places, after the page says by how much.
    record_rest_styles(page)
    tab_to(page, href_is(f"{attendees}/move?person={ids['Kalle Korhonen']}"), limit=80)
    page.keyboard.press("Enter")
    expect(h1(page)).to_have_text(t(language, "Move %(num)d person to confirmed?", num=1))
    over = t(
        language,
        "This makes %(confirmed)d confirmed for %(num)d place: %(over)d over.",
        confirmed=3,
        num=2,
        over=1,
    )
    expect(page.get_by_text(over)).to_be_visible()
    record_rest_styles(page)
    yes = t(language, "Yes, move them, %(over)d over the places", over=1)
    tab_to(page, lambda stop: stop["tag"] == "button" and stop["text"] == yes)
    page.keyboard.press("Space")
    moved = t(
        language, "%(num)d person moved from the waiting list; they are told by email.", num=1
    )
    expect(page.get_by_text(moved)).to_be_visible()
    assert status_of(ids["Kalle Korhonen"]) == RegistrationStatus.CONFIRMED
    assert db.session.get(Event, event_id).confirmed_count == 3
    confirmed = db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.event_id == event_id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    )
    assert confirmed == 3


def test_cancel_those_ticked_on_the_list_with_the_keyboard_alone(
    page: Page, language, organiser, people
):
    event_id, ids = people
    sign_in(page, organiser, language)
    page.goto(f"/organiser/events/{event_id}/attendees")
    record_rest_styles(page)

    # Pekka and Kalle ticked with Space, then the list's button for those chosen.
    for name in ("Pekka Virtanen", "Kalle Korhonen"):
        tab_to(page, lambda stop, name=name: stop["id"] == f"choose-{ids[name]}", limit=80)
        page.keyboard.press("Space")
    cancel_chosen = t(language, "Cancel the chosen")
    tab_to(page, lambda stop: stop["tag"] == "button" and stop["text"] == cancel_chosen)
    page.keyboard.press("Enter")

    expect(h1(page)).to_have_text(t(language, "Cancel %(num)d registration?", num=2))
    expect(page.locator("main ul li")).to_have_text(
        [
            f"Pekka Virtanen (pekka@example.fi) – {t(language, 'Confirmed')}",
            f"Kalle Korhonen (kalle@example.fi) – {t(language, 'Waiting list')}",
        ]
    )
    record_rest_styles(page)
    tab_to(
        page, lambda stop: stop["tag"] == "button" and stop["text"] == t(language, "Yes, cancel")
    )
    page.keyboard.press("Enter")
    done = t(language, "%(num)d registration cancelled; the person is told by email.", num=2)
    expect(page.get_by_text(done)).to_be_visible()
    assert status_of(ids["Pekka Virtanen"]) == RegistrationStatus.CANCELLED
    assert status_of(ids["Kalle Korhonen"]) == RegistrationStatus.CANCELLED
    # Pekka's place went to Sara, the first in the queue.
    assert status_of(ids["Sara Löyttyjärvi"]) == RegistrationStatus.CONFIRMED
