"""Two-step sign-in with the keyboard alone: set up from the account page, then signing in
with the password and the app's code, a wrong code first; in Finnish, Swedish and English.
No clicks, no page.fill: Tab, typing and Enter, and every element Tab lands on must show
where the focus is."""

from datetime import timedelta

import pyotp
import pytest
from playwright.sync_api import Page, expect

from app import clock
from tests.browser.keyboard import id_is, record_rest_styles, tab_to, text_is
from tests.browser.language import t
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def h1(page: Page):
    return page.get_by_role("heading", level=1)


def test_turn_on_two_step_and_sign_in_with_the_keyboard_alone(page: Page, language, make_organiser):
    organiser = make_organiser(email="olli@example.fi", name="Olli Organiser")

    def sign_in_with_password() -> None:
        page.goto("/login")
        record_rest_styles(page)
        tab_to(page, id_is("email"))
        page.keyboard.type(organiser.email)
        tab_to(page, id_is("password"))
        page.keyboard.type(PASSWORD)
        page.keyboard.press("Enter")

    sign_in_with_password()
    expect(h1(page)).to_have_text(t(language, "Your events"))
    record_rest_styles(page)
    tab_to(page, text_is(t(language, "Your account")))
    page.keyboard.press("Enter")
    expect(h1(page)).to_have_text(t(language, "Your account"))
    record_rest_styles(page)
    tab_to(page, text_is(t(language, "Two-step sign-in settings")))
    page.keyboard.press("Enter")
    expect(h1(page)).to_have_text(t(language, "Two-step sign-in"))
    record_rest_styles(page)
    tab_to(page, text_is(t(language, "Set up two-step sign-in")))
    page.keyboard.press("Enter")

    expect(h1(page)).to_have_text(t(language, "Set up two-step sign-in"))
    totp = pyotp.TOTP(page.locator("#two-step-key").inner_text().replace(" ", ""))
    record_rest_styles(page)
    tab_to(page, id_is("code"))
    page.keyboard.type(totp.at(clock.now()))
    page.keyboard.press("Enter")
    expect(h1(page)).to_have_text(t(language, "Your recovery codes"))
    record_rest_styles(page)
    tab_to(page, text_is(t(language, "I have saved the codes")))
    page.keyboard.press("Enter")
    expect(h1(page)).to_have_text(t(language, "Two-step sign-in"))
    record_rest_styles(page)
    tab_to(page, text_is(t(language, "Sign out")))
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text(t(language, "You have signed out."))

    sign_in_with_password()
    expect(h1(page)).to_have_text(t(language, "Enter the code"))
    record_rest_styles(page)
    tab_to(page, id_is("code"))
    page.keyboard.type("000000")
    page.keyboard.press("Enter")
    expect(page.locator("#code-error")).to_contain_text(
        t(language, "The code is not right. Enter the code your app shows now, or a recovery code.")
    )
    # The error summary has the focus; its link leads to the field.
    record_rest_styles(page)
    tab_to(page, lambda stop: stop["href"] == "#code")
    page.keyboard.press("Enter")
    page.keyboard.press("Control+A")
    clock.travel(clock.now() + timedelta(seconds=30))  # the setup's code was spent
    page.keyboard.type(totp.at(clock.now()))
    page.keyboard.press("Enter")
    expect(h1(page)).to_have_text(t(language, "Your events"))
