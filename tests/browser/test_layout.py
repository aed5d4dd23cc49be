"""How pages are laid out where it matters beyond the screen: printed, and on a phone."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app import clock
from app.extensions import db
from app.messages.services import plan_message
from app.models import Audience, Participation, Registration
from app.nominations import services as nominations
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
    # An organiser's changes to a registration, at the smallest width WCAG reflows to.
    page.set_viewport_size({"width": SMALLEST_WIDTH, "height": 640})
    ids = db.session.scalars(sa.select(Registration.id).where(Registration.event_id == event.id))
    first, *others = ids.all()
    everyone = "&".join(f"person={id_}" for id_ in (first, *others))
    for change in (f"cancel?{everyone}", f"{first}/resend"):
        page.goto(f"/organiser/events/{event.id}/attendees/{change}")
        assert overflows(page) <= 0, f"{change} scrolls sideways at {SMALLEST_WIDTH} px"
    # The wide attendee table scrolls inside its own region, which the keyboard can reach.
    region = page.locator(".table-scroll")
    page.goto(f"/organiser/events/{event.id}/attendees?sensitive=1")
    expect(region).to_have_attribute("tabindex", "0")
    assert region.evaluate("el => el.scrollWidth > el.clientWidth")


SMALLEST_WIDTH = 320  # CSS pixels: WCAG 1.4.10 reflow (1280 px at 400 % zoom)

# Word pieces of a table cell that the browser laid out on more than one line: a word
# broken mid-word ("Vahviste/ttu", "Aino Lehtine/n"). A hyphen or a space may end a line.
BROKEN_WORDS = """table => {
    const broken = [];
    for (const cell of table.querySelectorAll("th, td")) {
        const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
            for (const match of node.data.matchAll(/[^\\s\\-\\u2013,:;()\\/]+/g)) {
                const range = document.createRange();
                range.setStart(node, match.index);
                range.setEnd(node, match.index + match[0].length);
                const tops = new Set([...range.getClientRects()].map(rect => Math.round(rect.top)));
                if (tops.size > 1) broken.push(match[0]);
            }
        }
    }
    return broken;
}"""


@pytest.fixture
def workshop(make_event, organiser):
    workshop = make_event(
        organiser,
        title="Tulevaisuuden sote-keskus: sidosryhmätyöpaja",
        participation=Participation.INVITATION,
        nominations_close_at=clock.now() + timedelta(days=20),
        themes=["Mielenterveys", "Ikäihmiset"],
        starts_in=timedelta(days=60),
    )
    with write_beside_server():
        nominations.submit_nominations(
            workshop,
            nominator_name="Nina Nominoija",
            nominator_email="nina@soste.example",
            nominator_organisation="Sosiaali- ja terveysturvan keskusliitto SOSTE ry",
            nominees=[
                nominations.NomineeDetails(
                    name="Aino Lehtinen",
                    email="aino.lehtinen@hameen-setlementti.example.fi",
                    region="Kanta-Häme",
                    themes=["Mielenterveys"],
                    justification="Pitkä kokemus vertaistuesta ja kokemusasiantuntijuudesta.",
                )
            ],
            locale="fi",
        )
    return workshop


@pytest.mark.parametrize("language", ["fi"], indirect=True)
def test_organiser_tables_scroll_in_their_own_region_and_never_break_a_word(
    page: Page, organiser, event, workshop
):
    with write_beside_server():
        services.register_for_event(
            event,
            name="Aino Lehtinen",
            email="aino.lehtinen@hameen-setlementti.example.fi",
            organisation="Hämeen Setlementti ry",
            answers={},
            locale="fi",
        )
        plan_message(event, organiser, Audience.CONFIRMED, "Ohjelma on valmis", "Tervetuloa!", None)
    sign_in(page, organiser)
    page.set_viewport_size({"width": SMALLEST_WIDTH, "height": 640})
    scrolling = {
        "/organiser/": False,
        f"/organiser/events/{event.id}/attendees?sensitive=1": True,
        f"/organiser/events/{event.id}/check-in": False,
        f"/organiser/events/{event.id}/door-list": False,
        f"/organiser/events/{event.id}/messages": True,
        f"/organiser/events/{event.id}/outbox": True,
        f"/organiser/events/{workshop.id}/nominations": True,
    }
    for path, wide in scrolling.items():
        page.goto(path)
        assert overflows(page) <= 0, f"{path} scrolls sideways at {SMALLEST_WIDTH} px"
        tables = page.locator("main table:visible")
        assert tables.count() >= 1, path
        for table in tables.all():
            region = table.locator("xpath=..")
            # A region the keyboard can reach and scroll, named by the table's caption.
            expect(region).to_have_attribute("role", "region")
            expect(region).to_have_attribute("tabindex", "0")
            caption = table.locator("caption").text_content().strip()
            expect(region).to_have_accessible_name(caption)
            assert region.evaluate("el => getComputedStyle(el).overflowX") == "auto", path
            assert table.evaluate(BROKEN_WORDS) == [], f"{path}: words broken mid-word"
        if wide:
            widest = max(
                table.evaluate("el => el.parentElement.scrollWidth - el.parentElement.clientWidth")
                for table in tables.all()
            )
            assert widest > 0, f"{path}: the table should scroll inside its region"
    # The name of a nominee keeps its words whole, on a page that was 1-3 letters a line.
    page.goto(f"/organiser/events/{workshop.id}/nominations")
    name = page.get_by_role("link", name="Aino Lehtinen")
    assert name.evaluate("el => el.getClientRects().length") == 1
