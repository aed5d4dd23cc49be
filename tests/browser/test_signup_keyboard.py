"""Signing up and cancelling with the keyboard alone: Tab, typing, Space and Enter.

No clicks, no page.fill: every step is a key a person without a mouse would press, and
every element Tab lands on must show where the focus is.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from app.signup import services
from tests.browser.conftest import write_beside_server
from tests.conftest import COFFEE_QUESTION, DIET_QUESTION, deliver_mail, link_in

pytestmark = pytest.mark.browser

FOCUSABLE = "a[href], button, input:not([type=hidden]), select, textarea, [tabindex]"

# Each focusable element's look at rest, so a focus style can be told from a static one
# (buttons always have a box-shadow; links always have a colour).
RECORD_REST_STYLES = """(selector) => {
  window.__restStyles = new Map();
  for (const el of document.querySelectorAll(selector)) {
    const s = getComputedStyle(el);
    window.__restStyles.set(el, [s.outlineStyle, s.outlineWidth, s.boxShadow,
                                 s.backgroundColor, s.color].join('|'));
  }
}"""

FOCUSED = """() => {
  const el = document.activeElement;
  const s = getComputedStyle(el);
  const rect = el.getBoundingClientRect();
  const rest = window.__restStyles && window.__restStyles.get(el);
  const now = [s.outlineStyle, s.outlineWidth, s.boxShadow, s.backgroundColor, s.color].join('|');
  return {
    tag: el.tagName.toLowerCase(),
    id: el.id,
    type: el.getAttribute('type'),
    text: (el.innerText || '').trim().replace(/\\s+/g, ' '),
    in_main: el.closest('main') !== null && el.tagName !== 'MAIN',
    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
    shadow: s.boxShadow !== 'none',
    changed: rest === undefined ? null : rest !== now,
    visible: rect.width > 0 && rect.height > 0 && rect.right > 0 && rect.bottom > 0
             && rect.left < innerWidth && rect.top < innerHeight,
  };
}"""


def record_rest_styles(page: Page) -> None:
    """Call once a page has loaded and before Tab moves the focus."""
    page.evaluate(RECORD_REST_STYLES, FOCUSABLE)


def focused(page: Page) -> dict:
    return page.evaluate(FOCUSED)


def assert_focus_visible(stop: dict) -> None:
    where = f"{stop['tag']}#{stop['id']} {stop['text']!r}"
    assert stop["visible"], f"the focused {where} is off screen or has no size"
    assert stop["outline"] or stop["shadow"], f"the focused {where} has no outline or shadow"
    assert stop["changed"] is not False, f"the focused {where} looks the same as at rest"


def tab(page: Page) -> dict:
    """Press Tab once; the element that then has focus, checked for a visible focus style."""
    page.keyboard.press("Tab")
    stop = focused(page)
    assert_focus_visible(stop)
    return stop


def tab_to(page: Page, matches, limit: int = 40) -> dict:
    """Press Tab until `matches(stop)` holds; every stop on the way must show its focus."""
    for _ in range(limit):
        stop = tab(page)
        if matches(stop):
            return stop
    raise AssertionError(f"{limit} presses of Tab never reached the element")


def text_is(text: str):
    return lambda stop: stop["text"] == text


def id_is(element_id: str):
    return lambda stop: stop["id"] == element_id


def active_id(page: Page) -> str:
    return page.evaluate("document.activeElement.id")


@pytest.fixture
def event(make_event):
    return make_event(
        title="Järjestöjen kevätpäivä",
        capacity=10,
        questions=[COFFEE_QUESTION, DIET_QUESTION],
    )


def test_sign_up_from_the_home_page_with_the_keyboard_alone(page: Page, event):
    coffee, diet = (f"q_{question.id}" for question in event.questions)
    page.goto("/")
    record_rest_styles(page)

    tab_to(page, text_is(event.title))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(event.title)
    record_rest_styles(page)

    tab_to(page, text_is("Sign up"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign up")
    record_rest_styles(page)

    tab_to(page, id_is("name"))
    page.keyboard.type("Sara Löyttyjärvi")
    # From here on, Tab must walk the form in reading order, one field at a time.
    assert tab(page)["id"] == "email"
    page.keyboard.type("sara@example.fi")
    assert tab(page)["id"] == "organisation"
    page.keyboard.type("Hämeen Setlementti ry")
    assert tab(page)["id"] == f"{coffee}-0"  # Tab enters the radio group at its first radio
    page.keyboard.press("Space")
    assert tab(page)["id"] == diet
    page.keyboard.type("gluteeniton")
    assert tab(page)["id"] == "consent"
    page.keyboard.press("Space")
    expect(page.locator("#consent")).to_be_checked()
    expect(page.locator(f"#{coffee}-0")).to_be_checked()
    assert tab(page)["text"] == "Send"
    page.keyboard.press("Enter")

    expect(page.get_by_role("heading", level=1)).to_have_text("You are registered")
    assert page.url.endswith(f"/events/{event.slug}/registered")


def test_errors_take_focus_to_the_summary_and_its_links_to_the_fields(page: Page, event):
    diet = f"q_{event.questions[1].id}"
    page.goto(f"/events/{event.slug}/register")
    record_rest_styles(page)

    # Name and email left empty, the coffee question unanswered, no consent.
    tab_to(page, id_is("organisation"))
    page.keyboard.type("Hämeen Setlementti ry")
    tab_to(page, id_is(diet))
    page.keyboard.type("laktoositon")
    tab_to(page, text_is("Send"))
    page.keyboard.press("Enter")

    expect(page).to_have_title(re.compile(r"^Error: "))
    summary = page.locator(".error-summary")
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    # The summary takes focus on load, so a screen reader reads it first.
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        [
            "Enter your full name",
            "Enter your email address",
            "Choose yes or no",
            "Confirm that you have read the privacy notice",
        ]
    )
    # What the person typed is still there.
    expect(page.locator("#organisation")).to_have_value("Hämeen Setlementti ry")
    expect(page.locator(f"#{diet}")).to_have_value("laktoositon")
    expect(page.locator("#name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#name-error")).to_have_text("Error: Enter your full name")

    record_rest_styles(page)
    assert tab(page)["text"] == "Enter your full name"
    page.keyboard.press("Enter")
    expect(page.locator("#name")).to_be_focused()
    page.keyboard.type("Sara Löyttyjärvi")
    assert tab(page)["id"] == "email"
    page.keyboard.type("sara@example.fi")
    page.keyboard.press("Enter")  # Enter in a text field submits the form too

    # Still the coffee question and consent; the name and email typed now are kept. The
    # summary takes focus again although the URL had #name from the error link.
    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator(".error-summary").get_by_role("link")).to_have_count(2)
    expect(page.locator("#name")).to_have_value("Sara Löyttyjärvi")
    expect(page.locator("#email")).to_have_value("sara@example.fi")
    expect(page.locator("#organisation")).to_have_value("Hämeen Setlementti ry")

    # A question's error link goes to its first radio.
    record_rest_styles(page)
    assert tab(page)["text"] == "Choose yes or no"
    page.keyboard.press("Enter")
    expect(page.locator(f"#q_{event.questions[0].id}-0")).to_be_focused()


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page: Page, event):
    for path in ("/", f"/events/{event.slug}", f"/events/{event.slug}/register"):
        page.goto(path)
        record_rest_styles(page)
        stop = tab(page)
        assert (stop["tag"], stop["text"]) == ("a", "Skip to main content"), path
        page.keyboard.press("Enter")
        expect(page.locator("main#main")).to_be_focused()
        # The next Tab continues from main, not from the top of the page.
        assert tab(page)["in_main"], path


def test_cancel_through_the_manage_link_with_the_keyboard(
    page: Page, app, live_server, event, mailbox
):
    with write_beside_server():
        services.register_for_event(
            event,
            name="Sara Löyttyjärvi",
            email="sara@example.fi",
            organisation="",
            answers={event.questions[0].id: True, event.questions[1].id: ""},
            locale="en",
        )
    assert deliver_mail(app) == 1
    [message] = mailbox.to("sara@example.fi")
    page.goto(live_server(link_in(message, "/manage/")))
    expect(page.get_by_text("Confirmed: you have a place")).to_be_visible()
    record_rest_styles(page)

    tab_to(page, text_is("Cancel my registration"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Cancel your registration?")
    record_rest_styles(page)
    tab_to(page, text_is("Yes, cancel my registration"))
    page.keyboard.press("Enter")

    expect(page.get_by_role("status")).to_have_text("Your registration has been cancelled.")
    expect(page.locator(".status")).to_have_text("Cancelled")
    expect(page.get_by_role("link", name="Cancel my registration")).to_have_count(0)


@pytest.mark.parametrize("path", ["/", "/events/{slug}", "/events/{slug}/register"])
def test_every_tab_stop_shows_a_visible_focus_style(page: Page, event, path):
    """Tab through the whole page, from the skip link to the footer and back to the top."""
    page.goto(path.format(slug=event.slug))
    record_rest_styles(page)
    seen = []
    for _ in range(60):
        page.keyboard.press("Tab")
        stop = focused(page)
        if stop["tag"] == "body":  # past the last stop: focus has left the document
            break
        assert_focus_visible(stop)
        seen.append((stop["tag"], stop["type"]))
        if len(seen) > 1 and stop["text"] == "Skip to main content":
            break
    else:
        raise AssertionError("Tab never left the page")
    kinds = {tag if tag != "input" else f"input[{kind}]" for tag, kind in seen}
    assert "a" in kinds
    if path.endswith("/register"):
        assert {"input[text]", "input[email]", "input[radio]", "input[checkbox]", "button"} <= kinds
