"""An organiser narrows the period report with the keyboard alone, in Swedish (every
language is in the axe walk): from the top navigation to the report, the days typed, a
county chosen with the arrow keys, "Show" pressed with Enter, then the XLSX link reached;
every element Tab lands on must show where the focus is."""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.keyboard import id_is, record_rest_styles, tab_to
from tests.browser.language import t
from tests.browser.test_accessibility import h1, sign_in
from tests.report_scenario import build

pytestmark = pytest.mark.browser


@pytest.fixture
def organiser(make_organiser):
    return make_organiser(email="olli@example.fi", name="Olli Organiser")


@pytest.mark.parametrize("language", ["sv"])
def test_narrow_the_report_with_the_keyboard_alone(
    page: Page, language, organiser, make_event, make_organiser
):
    scenario = build(make_event, organiser, make_organiser(email="eeva@example.fi"))
    sign_in(page, organiser, language)
    page.goto("/organiser/")
    record_rest_styles(page)
    reports = t(language, "Reports")
    tab_to(page, lambda stop: stop["text"] == reports)
    page.keyboard.press("Enter")
    expect(h1(page)).to_have_text(t(language, "Report for a period"))

    record_rest_styles(page)
    tab_to(page, id_is("first_day"))
    page.keyboard.type(f"{scenario.first_day:%-d.%-m.%Y}")
    tab_to(page, id_is("last_day"))
    page.keyboard.type(f"{scenario.last_day:%-d.%-m.%Y}")
    tab_to(page, id_is("region"))
    # "Any region", then the counties in the order of their (stored) Finnish names:
    # Etelä-Karjala, Etelä-Pohjanmaa, Etelä-Savo, Helsinki, Itä-Uusimaa, Kainuu, Kanta-Häme.
    for _ in range(7):
        page.keyboard.press("ArrowDown")
    expect(page.locator("#region")).to_have_value("Kanta-Häme")
    show = t(language, "Show")
    tab_to(page, lambda stop: stop["tag"] == "button" and stop["text"] == show)
    page.keyboard.press("Enter")

    expect(page.locator("dl.counts dd").first).to_have_text("1")
    record_rest_styles(page)
    download = t(language, "Download the report (Excel, XLSX)")
    stop = tab_to(page, lambda stop: stop["text"] == download, limit=60)
    assert "region=Kanta-H" in stop["href"]
