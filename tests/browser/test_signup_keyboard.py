"""Signing up and cancelling with the keyboard alone: Tab, typing, Space and Enter; in
Finnish, Swedish and English (each test runs once per language).

No clicks, no page.fill: every step is a key a person without a mouse would press, and
every element Tab lands on must show where the focus is.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from app.signup import services
from tests.browser.conftest import write_beside_server
from tests.browser.keyboard import (
    assert_focus_visible,
    focused,
    id_is,
    record_rest_styles,
    tab,
    tab_through_privacy_notice_and_consent,
    tab_to,
    text_is,
)
from tests.browser.language import expect_language, t
from tests.conftest import COFFEE_QUESTION, DIET_QUESTION, deliver_mail, link_in

pytestmark = pytest.mark.browser


@pytest.fixture
def event(make_event):
    return make_event(
        title="Järjestöjen kevätpäivä",
        capacity=10,
        questions=[COFFEE_QUESTION, DIET_QUESTION],
    )


def h1(page: Page):
    return page.get_by_role("heading", level=1)


def test_sign_up_from_the_home_page_with_the_keyboard_alone(page: Page, language, event):
    coffee, diet = (f"q_{question.id}" for question in event.questions)
    page.goto("/")
    expect_language(page, language)
    expect(h1(page)).to_have_text(t(language, "Upcoming events"))
    record_rest_styles(page)

    tab_to(page, text_is(event.title))
    page.keyboard.press("Enter")
    expect(h1(page)).to_have_text(event.title)
    expect_language(page, language)
    record_rest_styles(page)

    tab_to(page, text_is(t(language, "Sign up")))
    page.keyboard.press("Enter")
    expect(h1(page)).to_have_text(t(language, "Sign up"))
    expect_language(page, language)
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
    # A diet can be health data: answered only with its own consent, asked right after.
    assert tab(page)["id"] == "sensitive_consent"
    page.keyboard.press("Space")
    tab_through_privacy_notice_and_consent(page, language, event.slug)
    expect(page.locator("#sensitive_consent")).to_be_checked()
    expect(page.locator(f"#{coffee}-0")).to_be_checked()
    assert tab(page)["text"] == t(language, "Send")
    page.keyboard.press("Enter")

    expect(h1(page)).to_have_text(t(language, "You are registered"))
    expect_language(page, language)
    assert page.url.endswith(f"/events/{event.slug}/registered")


def test_errors_take_focus_to_the_summary_and_its_links_to_the_fields(page: Page, language, event):
    diet = f"q_{event.questions[1].id}"
    page.goto(f"/events/{event.slug}/register")
    record_rest_styles(page)

    # Name and email left empty, the coffee question unanswered, a diet but no consent to
    # it, no consent to the privacy notice.
    tab_to(page, id_is("organisation"))
    page.keyboard.type("Hämeen Setlementti ry")
    tab_to(page, id_is(diet))
    page.keyboard.type("laktoositon")
    tab_to(page, text_is(t(language, "Send")))
    page.keyboard.press("Enter")

    expect_language(page, language)
    expect(page).to_have_title(re.compile("^" + re.escape(t(language, "Error:") + " ")))
    summary = page.locator(".error-summary")
    expect(summary.get_by_role("heading")).to_have_text(t(language, "There is a problem"))
    # The summary takes focus on load, so a screen reader reads it first.
    expect(summary).to_be_focused()
    expect(summary.get_by_role("link")).to_have_text(
        [
            t(language, "Enter your full name"),
            t(language, "Enter your email address"),
            t(language, "Choose yes or no"),
            t(
                language,
                "Tick this to give your answers to the sensitive questions, or leave them empty",
            ),
            t(language, "Confirm that you have read the privacy notice"),
        ]
    )
    # What the person typed is still there.
    expect(page.locator("#organisation")).to_have_value("Hämeen Setlementti ry")
    expect(page.locator(f"#{diet}")).to_have_value("laktoositon")
    expect(page.locator("#name")).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#name-error")).to_have_text(
        f"{t(language, 'Error:')} {t(language, 'Enter your full name')}"
    )

    record_rest_styles(page)
    assert tab(page)["text"] == t(language, "Enter your full name")
    page.keyboard.press("Enter")
    expect(page.locator("#name")).to_be_focused()
    page.keyboard.type("Sara Löyttyjärvi")
    assert tab(page)["id"] == "email"
    page.keyboard.type("sara@example.fi")
    page.keyboard.press("Enter")  # Enter in a text field submits the form too

    # Still the coffee question and both consents; the name and email typed now are kept.
    # The summary takes focus again although the URL had #name from the error link.
    expect(page).to_have_title(re.compile("^" + re.escape(t(language, "Error:") + " ")))
    expect(page.locator(".error-summary")).to_be_focused()
    expect(page.locator(".error-summary").get_by_role("link")).to_have_count(3)
    expect(page.locator("#name")).to_have_value("Sara Löyttyjärvi")
    expect(page.locator("#email")).to_have_value("sara@example.fi")
    expect(page.locator("#organisation")).to_have_value("Hämeen Setlementti ry")

    # A question's error link goes to its first radio.
    record_rest_styles(page)
    assert tab(page)["text"] == t(language, "Choose yes or no")
    page.keyboard.press("Enter")
    expect(page.locator(f"#q_{event.questions[0].id}-0")).to_be_focused()


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_main(page: Page, language, event):
    for path in ("/", f"/events/{event.slug}", f"/events/{event.slug}/register"):
        page.goto(path)
        expect_language(page, language)
        record_rest_styles(page)
        stop = tab(page)
        assert (stop["tag"], stop["text"]) == ("a", t(language, "Skip to main content")), path
        page.keyboard.press("Enter")
        expect(page.locator("main#main")).to_be_focused()
        # The next Tab continues from main, not from the top of the page.
        assert tab(page)["in_main"], path


def test_cancel_through_the_manage_link_with_the_keyboard(
    page: Page, language, app, live_server, event, mailbox
):
    with write_beside_server():
        services.register_for_event(
            event,
            name="Sara Löyttyjärvi",
            email="sara@example.fi",
            organisation="",
            answers={event.questions[0].id: True, event.questions[1].id: ""},
            locale=language,
        )
    assert deliver_mail(app) == 1
    [message] = mailbox.to("sara@example.fi")
    assert message["Subject"] == t(language, "You are registered: %(title)s", title=event.title)
    page.goto(live_server(link_in(message, "/manage/")))
    expect_language(page, language)
    expect(h1(page)).to_have_text(t(language, "Your registration"))
    expect(page.locator(".status")).to_have_text(t(language, "Confirmed: you have a place"))
    record_rest_styles(page)

    tab_to(page, text_is(t(language, "Cancel my registration")))
    page.keyboard.press("Enter")
    expect(h1(page)).to_have_text(t(language, "Cancel your registration?"))
    expect_language(page, language)
    record_rest_styles(page)
    tab_to(page, text_is(t(language, "Yes, cancel my registration")))
    page.keyboard.press("Enter")

    expect_language(page, language)
    banner = page.get_by_role("alert")
    expect(banner).to_contain_text(t(language, "Your registration has been cancelled."))
    expect(banner).to_be_focused()
    expect(page.locator(".status")).to_have_text(t(language, "Cancelled"))
    cancel = page.get_by_role("link", name=t(language, "Cancel my registration"))
    expect(cancel).to_have_count(0)


@pytest.mark.parametrize("path", ["/", "/events/{slug}", "/events/{slug}/register"])
def test_every_tab_stop_shows_a_visible_focus_style(page: Page, language, event, path):
    """Tab through the whole page, from the skip link to the footer and back to the top."""
    page.goto(path.format(slug=event.slug))
    expect_language(page, language)
    record_rest_styles(page)
    skip_link = t(language, "Skip to main content")
    seen = []
    for _ in range(60):
        page.keyboard.press("Tab")
        stop = focused(page)
        if stop["tag"] == "body":  # past the last stop: focus has left the document
            break
        assert_focus_visible(stop)
        seen.append((stop["tag"], stop["type"]))
        if len(seen) > 1 and stop["text"] == skip_link:
            break
    else:
        raise AssertionError("Tab never left the page")
    kinds = {tag if tag != "input" else f"input[{kind}]" for tag, kind in seen}
    assert "a" in kinds
    if path.endswith("/register"):
        assert {"input[text]", "input[email]", "input[radio]", "input[checkbox]", "button"} <= kinds
