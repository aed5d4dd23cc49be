"""Every focus state is easy to see: WCAG 1.4.3 (text at least 4.5:1) and 1.4.11 (the
focus ring at least 3:1 against what surrounds it), measured from the colours Chromium
computes for each element the keyboard reaches, on public and organiser pages.
"""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from app import clock
from app.models import Participation
from app.nominations import services as nominations
from app.signup import services
from tests.browser.conftest import write_beside_server
from tests.browser.language import t
from tests.conftest import COFFEE_QUESTION, DIET_QUESTION, PASSWORD

pytestmark = pytest.mark.browser

# The colours of the focused element: its text on its own (or inherited) background, and
# each colour that marks the focus (outline, shadows, a changed background) against the
# background around it. Colours are composited over white where they are transparent.
FOCUS_COLOURS = """() => {
  const parse = c => {
    const m = c.match(/rgba?\\(([^)]+)\\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,\\/]+/).filter(Boolean).map(Number);
    return [r, g, b, a];
  };
  const background = el => {
    for (; el; el = el.parentElement) {
      const c = parse(getComputedStyle(el).backgroundColor);
      if (c && c[3] > 0) return c.slice(0, 3);
    }
    return [255, 255, 255];
  };
  const luminance = ([r, g, b]) => [r, g, b].map(v => { v /= 255;
    return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4; })
    .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
  const contrast = (a, b) => { const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05); };
  const el = document.activeElement;
  const s = getComputedStyle(el);
  const own = background(el);
  const around = background(el.parentElement);
  const marks = [];
  if (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) marks.push(s.outlineColor);
  for (const shadow of (s.boxShadow === 'none' ? [] : s.boxShadow.split(/,(?![^(]*\\))/))) {
    if (!shadow.includes('inset')) marks.push(shadow);
  }
  if (contrast(own, around) > 1) marks.push(`rgb(${own.join(',')})`);
  const ring = Math.max(0, ...marks.map(parse).filter(c => c && c[3] > 0)
                                    .map(c => contrast(c.slice(0, 3), around)));
  const inset = s.boxShadow.split(/,(?![^(]*\\))/).filter(x => x.includes('inset'))
                 .map(parse).filter(c => c && c[3] > 0).map(c => contrast(c.slice(0, 3), own));
  const hasText = (el.innerText || el.value || '').trim() !== '' &&
                  !['checkbox', 'radio'].includes(el.type);
  return {
    where: `${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''}.${el.className} ` +
           `"${(el.innerText || el.value || '').trim().slice(0, 40)}"`,
    text: hasText ? contrast(parse(s.color).slice(0, 3), own) : null,
    ring: Math.max(ring, ...inset),
  };
}"""


def assert_focus_contrast(page: Page, stop: dict) -> None:
    if stop["text"] is not None:
        assert stop["text"] >= 4.5, (
            f"{page.url}: focused {stop['where']}: text {stop['text']:.2f}:1"
        )
    assert stop["ring"] >= 3, f"{page.url}: focused {stop['where']}: ring {stop['ring']:.2f}:1"


def tab_through(page: Page, key: str = "Tab", limit: int = 200) -> list[str]:
    """Tab (or Shift+Tab) from where the focus is to the end (or the top) of the page,
    checking each focus state on the way; what had the focus."""
    seen = []
    for _ in range(limit):
        page.keyboard.press(key)
        stop = page.evaluate(FOCUS_COLOURS)
        if page.evaluate("document.activeElement === document.body") or stop["where"] in seen:
            break
        assert_focus_contrast(page, stop)
        seen.append(stop["where"])
    return seen


@pytest.fixture
def organiser(make_organiser):
    return make_organiser(email="olli@example.fi", name="Olli Organiser", admin=True)


@pytest.fixture
def event(make_event, organiser):
    event = make_event(organiser, capacity=30, questions=[COFFEE_QUESTION, DIET_QUESTION])
    with write_beside_server():
        services.register_for_event(
            event,
            name="Aino Lehtinen",
            email="aino@example.fi",
            organisation="Hämeen Setlementti ry",
            answers={},
            locale="fi",
        )
    return event


@pytest.fixture
def workshop(make_event, organiser):
    workshop = make_event(
        organiser,
        title="Sidosryhmätyöpaja",
        participation=Participation.INVITATION,
        nominations_close_at=clock.now() + timedelta(days=20),
        themes=["Mielenterveys"],
        starts_in=timedelta(days=60),
    )
    with write_beside_server():
        nominations.submit_nominations(
            workshop,
            nominator_name="Nina Nominoija",
            nominator_email="nina@soste.example",
            nominator_organisation="SOSTE ry",
            nominees=[
                nominations.NomineeDetails(
                    name="Aino Aalto",
                    email="aino@example.fi",
                    region="Kanta-Häme",
                    themes=["Mielenterveys"],
                    justification="Kokemus.",
                )
            ],
            locale="fi",
        )
    return workshop


def test_every_focus_state_on_a_form_with_errors_is_easy_to_see(page: Page, language, event):
    page.goto(f"/events/{event.slug}/register")
    page.get_by_role("button", name=t(language, "Send")).press("Enter")

    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    assert_focus_contrast(page, page.evaluate(FOCUS_COLOURS))
    seen = tab_through(page, "Shift+Tab")  # up to the header
    summary.focus()
    seen += tab_through(page)  # and down to the footer
    # The header's links, the error summary's links, fields, tick boxes and the button.
    assert any('"Suomi"' in stop for stop in seen), seen
    assert any("a." in stop and t(language, "Enter your full name") in stop for stop in seen)
    assert any("input" in stop and "checkbox" not in stop for stop in seen)
    assert any(stop.startswith("button") for stop in seen)


def test_every_focus_state_on_organiser_pages_is_easy_to_see(
    page: Page, language, organiser, event, workshop
):
    page.goto("/login")
    page.get_by_label(t(language, "Email address")).fill(organiser.email)
    page.get_by_label(t(language, "Password")).fill(PASSWORD)
    page.get_by_role("button", name=t(language, "Sign in")).click()
    # An admin's home: every event.
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "All events"))

    for path in [
        "/organiser/",
        f"/organiser/events/{event.id}/attendees",
        f"/organiser/events/{workshop.id}/nominations",
        f"/organiser/events/{event.id}/edit",
    ]:
        page.goto(path)
        seen = tab_through(page)
        # The header's sign-out button, on black, is among them.
        assert any(t(language, "Sign out") in stop for stop in seen), (path, seen)
