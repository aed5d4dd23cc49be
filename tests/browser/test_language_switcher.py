"""The language switcher in the page header, used with the keyboard: the choice takes the
person back to the same page in the new language, and later pages keep it, whatever
language the browser asks for."""

from urllib.parse import parse_qs, urlsplit

import pytest
from playwright.sync_api import Page, expect

from tests.browser.keyboard import record_rest_styles, tab_to, text_is
from tests.browser.language import LANGUAGE_NAMES, expect_language, t

pytestmark = pytest.mark.browser


@pytest.fixture
def event(make_event):
    return make_event(title="Järjestöjen kevätpäivä", capacity=10)


def expect_switcher(page: Page, current: str, here: str) -> None:
    """Suomi, Svenska, English: each in its own language, the current one marked."""
    switcher = page.get_by_role("navigation", name=t(current, "Language"))
    expect(switcher.get_by_role("link")).to_have_text(list(LANGUAGE_NAMES.values()))
    for code, name in LANGUAGE_NAMES.items():
        link = switcher.get_by_role("link", name=name, exact=True)
        expect(link).to_have_attribute("lang", code)
        expect(link).to_have_attribute("hreflang", code)
        href = urlsplit(link.get_attribute("href"))
        assert href.path == f"/language/{code}"
        assert parse_qs(href.query) == {"next": [here]}
        if code == current:
            expect(link).to_have_attribute("aria-current", "true")
        else:
            expect(link).not_to_have_attribute("aria-current", "true")


@pytest.mark.parametrize("language", ["fi"])  # the browser asks for Finnish
def test_switch_to_swedish_with_the_keyboard_and_keep_it(page: Page, language, event):
    form = f"/events/{event.slug}/register"
    page.goto(form)
    expect_language(page, "fi")
    expect(page.get_by_role("heading", level=1)).to_have_text(t("fi", "Sign up"))
    expect_switcher(page, "fi", form)
    record_rest_styles(page)

    tab_to(page, text_is("Svenska"))
    with page.expect_request(lambda request: request.resource_type == "document") as chosen:
        page.keyboard.press("Enter")
    assert urlsplit(chosen.value.url).path == "/language/sv"

    # Back on the sign-up form, now in Swedish.
    expect(page.get_by_role("heading", level=1)).to_have_text(t("sv", "Sign up"))
    expect_language(page, "sv")
    assert urlsplit(page.url).path == form
    expect_switcher(page, "sv", form)

    # The next page, reached by the keyboard too, is Swedish although the browser still
    # asks for Finnish.
    record_rest_styles(page)
    tab_to(page, text_is(t("sv", "Events")))
    with page.expect_request(lambda request: request.resource_type == "document") as next_page:
        page.keyboard.press("Enter")
    assert next_page.value.all_headers()["accept-language"].startswith("fi")
    assert urlsplit(next_page.value.url).path == "/"
    expect(page.get_by_role("heading", level=1)).to_have_text(t("sv", "Upcoming events"))
    expect_language(page, "sv")
    expect_switcher(page, "sv", "/")
