"""Keyboard-only steps for browser tests: Tab, typing, Space and Enter, no clicks.

`tab` and `tab_to` check, at every stop, that the element with focus shows it: an outline
or shadow that differs from how the element looks at rest, on screen.
"""

from playwright.sync_api import Page, expect

from tests.browser.language import t

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
    href: el.getAttribute('href'),
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
    """Call once a page has loaded and before Tab moves the focus. Waits for the page's
    load event first: the focus styles are in the stylesheet, which on a busy machine may
    come after the heading a test waited for (a stop then had "no outline")."""
    page.wait_for_load_state()
    page.evaluate(RECORD_REST_STYLES, FOCUSABLE)


def focused(page: Page) -> dict:
    return page.evaluate(FOCUSED)


def assert_focus_visible(stop: dict) -> None:
    where = f"{stop['tag']}#{stop['id']} {stop['text']!r}"
    assert stop["visible"], f"the focused {where} is off screen or has no size"
    assert stop["outline"] or stop["shadow"], f"the focused {where} has no outline or shadow"
    assert stop["changed"] is not False, f"the focused {where} looks the same as at rest"


def tab(page: Page) -> dict:
    """Press Tab once; the element that then has focus, checked for a visible focus style.
    After a page's load event only: before it, the stylesheet with the focus styles may not
    have arrived (CI once found the skip link "without outline" on a page just opened)."""
    page.wait_for_load_state()
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


def tab_through_privacy_notice_and_consent(page: Page, language: str, slug: str) -> None:
    """From the last question: the link to the event's privacy notice, then the box that
    says it was read, ticked with Space."""
    notice = tab(page)
    assert (notice["text"], notice["href"]) == (
        t(language, "Read the whole privacy notice"),
        f"/events/{slug}/privacy",
    )
    assert tab(page)["id"] == "consent"
    page.keyboard.press("Space")
    expect(page.locator("#consent")).to_be_checked()
