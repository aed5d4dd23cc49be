"""The waiting list reordered, and an offered place accepted, with the keyboard alone, in
Finnish, Swedish and English (one run per language): Tab and Enter, and every element Tab
lands on must show where the focus is."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import Registration, RegistrationStatus
from app.places import services as places
from app.signup import services
from tests.browser.conftest import write_beside_server
from tests.browser.keyboard import record_rest_styles, tab_to, text_is
from tests.browser.language import t
from tests.browser.test_accessibility import h1, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def organiser(make_organiser):
    return make_organiser(email="olli@example.fi", name="Olli Organiser")


def test_reorder_the_waiting_list_and_accept_an_offer_with_the_keyboard_alone(
    page: Page, language, organiser, make_event
):
    event = make_event(organiser, title="Verkostokokous", capacity=1, offer_hours=24)
    with write_beside_server():
        people = {
            name: services.register_for_event(
                event,
                name=name,
                email=f"{name.split()[0].lower()}@example.fi",
                organisation="",
                answers={},
                locale=language,
            ).registration
            for name in ("Aino Aalto", "Sara Löyttyjärvi", "Kalle Korhonen")
        }
    sign_in(page, organiser, language)
    page.goto(f"/organiser/events/{event.id}/waiting-list")
    expect(h1(page)).to_have_text(t(language, "Waiting list"))
    record_rest_styles(page)

    # Kalle, second in line, moves up: Tab to his button, Enter.
    move_up = t(language, "Move up")
    stop = tab_to(page, lambda stop: stop["text"].startswith(move_up) and "Kalle" in stop["text"])
    assert stop["tag"] == "button"
    page.keyboard.press("Enter")
    moved = t(
        language,
        "%(name)s is now number %(position)d on the waiting list.",
        name="Kalle Korhonen",
        position=1,
    )
    expect(page.get_by_text(moved)).to_be_visible()
    rows = page.locator(".waiting-order tbody tr")
    expect(rows.nth(0)).to_contain_text("Kalle Korhonen")
    expect(rows.nth(1)).to_contain_text("Sara Löyttyjärvi")

    # Aino cancels: the place is offered to Kalle, who accepts it from his page.
    with write_beside_server():
        places.cancel_registration(db.session.merge(people["Aino Aalto"]))
        token = services.issue_manage_link_token(db.session.merge(people["Kalle Korhonen"]))
    page.goto(f"/manage/{token}")
    expect(h1(page)).to_have_text(t(language, "Your registration"))
    record_rest_styles(page)
    tab_to(page, text_is(t(language, "Accept the place")))
    page.keyboard.press("Enter")
    expect(page.get_by_text(t(language, "Confirmed: you have a place"))).to_be_visible()
    db.session.commit()  # a fresh read of what the server wrote
    kalle = db.session.scalar(
        sa.select(Registration).where(Registration.email_normalised == "kalle@example.fi")
    )
    assert kalle.status == RegistrationStatus.CONFIRMED
