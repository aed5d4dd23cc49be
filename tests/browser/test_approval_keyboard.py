"""An organiser approves and declines sign-ups with the keyboard alone, in Finnish (the
page in each language is in the axe walk, tests/browser/test_accessibility.py): from the
event overview to the approvals page, ticking people with Space, a message typed, the
buttons pressed with Enter; every element Tab lands on must show where the focus is."""

import pytest
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Event, Registration, RegistrationStatus
from app.signup import services
from tests.browser.conftest import write_beside_server
from tests.browser.keyboard import id_is, record_rest_styles, tab_to
from tests.browser.language import t
from tests.browser.test_accessibility import h1, sign_in

pytestmark = pytest.mark.browser

NAMES = ("Aino Aalto", "Pekka Virtanen", "Sara Löyttyjärvi")


@pytest.fixture
def organiser(make_organiser):
    return make_organiser(email="olli@example.fi", name="Olli Organiser")


@pytest.fixture
def asked(make_event, organiser, language):
    """Three sign-ups awaiting approval, for two places."""
    event = make_event(
        organiser, title="Vertaisohjaajien koulutus", capacity=2, requires_approval=True
    )
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
    return event.id, ids


def status_of(registration_id: int) -> RegistrationStatus:
    db.session.commit()  # a fresh read of what the server wrote
    return db.session.get(Registration, registration_id).status


@pytest.mark.parametrize("language", ["fi"])
def test_approve_and_decline_with_the_keyboard_alone(page: Page, language, organiser, asked):
    event_id, ids = asked
    approvals = f"/organiser/events/{event_id}/approvals"
    sign_in(page, organiser, language)
    page.goto(f"/organiser/events/{event_id}")
    record_rest_styles(page)

    tab_to(page, lambda stop: stop["href"] == approvals, limit=60)
    page.keyboard.press("Enter")
    expect(h1(page)).to_have_text(t(language, "Sign-ups awaiting approval"))

    # Aino and Sara ticked with Space, a message typed, then "Approve the chosen".
    record_rest_styles(page)
    tab_to(page, id_is("person-0"), limit=60)
    page.keyboard.press("Space")
    tab_to(page, id_is("person-2"))
    page.keyboard.press("Space")
    tab_to(page, id_is("message"))
    page.keyboard.type("Tervetuloa!")
    approve = t(language, "Approve the chosen")
    tab_to(page, lambda stop: stop["tag"] == "button" and stop["text"] == approve)
    page.keyboard.press("Enter")
    approved = t(
        language,
        "%(num)d person approved: they have a place, and are told so by email.",
        num=2,
    )
    expect(page.get_by_text(approved)).to_be_visible()
    assert status_of(ids["Aino Aalto"]) == RegistrationStatus.CONFIRMED
    assert status_of(ids["Sara Löyttyjärvi"]) == RegistrationStatus.CONFIRMED

    # Pekka, now first on the list, declined.
    record_rest_styles(page)
    tab_to(page, id_is("person-0"), limit=60)
    page.keyboard.press("Space")
    decline = t(language, "Decline the chosen")
    tab_to(page, lambda stop: stop["tag"] == "button" and stop["text"] == decline)
    page.keyboard.press("Enter")
    declined = t(language, "%(num)d person declined, and told so by email.", num=1)
    expect(page.get_by_text(declined)).to_be_visible()
    expect(page.get_by_text(t(language, "No one is awaiting approval."))).to_be_visible()
    assert status_of(ids["Pekka Virtanen"]) == RegistrationStatus.DECLINED
    assert db.session.get(Event, event_id).confirmed_count == 2
