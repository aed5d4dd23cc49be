"""How pages are laid out where it matters beyond the screen: printed, and on a phone."""

import pytest
from playwright.sync_api import Page, expect

from app.signup import services
from tests.browser.conftest import write_beside_server
from tests.conftest import DIET_QUESTION, PASSWORD

pytestmark = pytest.mark.browser
PHONE_WIDTH = 360  # CSS pixels: a small Android phone


@pytest.fixture
def organiser(make_organiser):
    return make_organiser(email="olli@example.fi", name="Olli Organiser")


@pytest.fixture
def event(make_event, organiser):
    event = make_event(organiser, capacity=30, questions=[DIET_QUESTION])
    with write_beside_server():
        for number in range(3):
            services.register_for_event(
                event,
                name=f"Osallistuja Numero{number} Pitkäsukunimi-Esimerkkinen",
                email=f"osallistuja{number}@hameen-setlementti.example.fi",
                organisation="Hämeen Setlementti ry, Kumppanuustalo Hämeenlinna",
                answers={event.questions[0].id: "gluteeniton ja laktoositon"},
                locale="fi",
            )
    return event


def sign_in(page: Page, organiser) -> None:
    page.goto("/login")
    page.locator("#email").fill(organiser.email)
    page.locator("#password").fill(PASSWORD)
    page.locator("main button[type=submit]").click()
    expect(page).to_have_url("/organiser/")


@pytest.mark.parametrize("language", ["en"], indirect=True)
def test_the_door_list_prints_as_names_with_a_box_to_tick(page: Page, organiser, event):
    sign_in(page, organiser)
    page.goto(f"/organiser/events/{event.id}/door-list")
    page.emulate_media(media="print")

    expect(page.locator(".site-header")).to_be_hidden()
    expect(page.locator(".sub-nav")).to_be_hidden()
    expect(page.locator(".site-footer")).to_be_hidden()
    boxes = page.locator(".door-list .tick-box")
    expect(boxes).to_have_count(3)
    for index in range(3):
        expect(boxes.nth(index)).to_be_visible()
    expect(page.locator(".door-list td", has_text="Numero0")).to_be_visible()
    # The header row repeats on every printed page.
    display = page.eval_on_selector(".door-list thead", "el => getComputedStyle(el).display")
    assert display == "table-header-group"


def overflows(page: Page) -> int:
    """How many CSS pixels the page is wider than the screen (0: nothing to scroll)."""
    return page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )


@pytest.mark.parametrize("language", ["fi"], indirect=True)
def test_pages_fit_a_phone_screen(page: Page, organiser, event):
    page.set_viewport_size({"width": PHONE_WIDTH, "height": 740})
    for path in ["/", f"/events/{event.slug}", f"/events/{event.slug}/register", "/login"]:
        page.goto(path)
        assert overflows(page) <= 0, f"{path} is wider than a phone"

    sign_in(page, organiser)
    for path in [
        f"/organiser/events/{event.id}",
        f"/organiser/events/{event.id}/attendees?sensitive=1",
        f"/organiser/events/{event.id}/edit",
        f"/organiser/events/{event.id}/check-in",
    ]:
        page.goto(path)
        assert overflows(page) <= 0, f"{path} is wider than a phone"
    # The wide attendee table scrolls inside its own region, which the keyboard can reach.
    region = page.locator(".table-scroll")
    page.goto(f"/organiser/events/{event.id}/attendees?sensitive=1")
    expect(region).to_have_attribute("tabindex", "0")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")
