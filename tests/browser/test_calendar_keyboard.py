"""The calendar's filters with the keyboard alone: a select chosen with the arrow keys,
Enter on "Show", the month changed by its link, the filter kept."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from app import clock
from tests.browser.keyboard import id_is, record_rest_styles, tab, tab_to
from tests.browser.language import t

pytestmark = pytest.mark.browser


def test_the_calendar_is_filtered_and_paged_by_keyboard(page: Page, language, make_event):
    online = make_event(
        title="Verkkotapaaminen", starts_in=timedelta(days=3), format="online", venue_name=""
    )
    make_event(title="Kahvit paikan päällä", starts_in=timedelta(days=3))
    month = clock.to_local(online.starts_at).strftime("%Y-%m")
    page.goto(f"/calendar?month={month}")
    record_rest_styles(page)

    tab_to(page, id_is("format"))
    # In person, Online: the second step down from "Any format".
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowDown")
    tab_to(page, lambda stop: stop["tag"] == "button")
    page.keyboard.press("Enter")

    expect(page).to_have_url(re.compile(r"format=online"))
    expect(page.get_by_role("link", name="Verkkotapaaminen")).to_be_visible()
    expect(page.get_by_role("link", name="Kahvit paikan päällä")).to_have_count(0)
    record_rest_styles(page)
    following = tab_to(page, lambda stop: stop["text"].endswith("→"))
    assert "format=online" in following["href"]
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(re.escape(following["href"]) + "$"))
    expect(page.get_by_label(t(language, "Format"))).to_have_value("online")
    # The new month's page: its stylesheet loaded before the first Tab (CI once pressed Tab
    # while it was still coming, and the skip link had "no outline").
    record_rest_styles(page)
    assert tab(page)["visible"]
