"""One's own account through the real server, in Chromium: a new email address confirmed
by the link mailed to it; two-step sign-in turned on with a code computed from the key the
page shows, then asked at sign-in (a wrong code refused at its field, a recovery code taken
once); and an admin requiring two-step sign-in of admins."""

import re
from datetime import timedelta

import pyotp
import pytest
from playwright.sync_api import Page, expect

from app import clock
from tests.conftest import PASSWORD
from tests.journeys.conftest import Kutsu, create_account, page_text, sign_in

pytestmark = pytest.mark.both_databases


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("alert")).to_contain_text("You have signed out.")


def enter_password(page: Page, email: str, password: str = PASSWORD) -> None:
    page.goto("/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def h1(page: Page):
    return page.get_by_role("heading", level=1)


def test_a_new_email_address_works_once_its_emailed_link_is_followed(kutsu: Kutsu, new_page):
    create_account(kutsu, "olli@example.fi", "Olli Organiser")
    page = new_page()
    sign_in(page, "olli@example.fi")
    page.get_by_role("link", name="Your account").click()
    expect(h1(page)).to_have_text("Your account")
    page.get_by_role("link", name="Change your email address").click()

    page.get_by_label("New email address").fill("olli.oja@example.fi")
    page.get_by_label("Your current password").fill("not my password")
    page.get_by_role("button", name="Send the link").click()
    expect(page.locator("#current_password-error")).to_contain_text(
        "Your current password is not right"
    )
    expect(page.get_by_label("New email address")).to_have_value("olli.oja@example.fi")
    page.get_by_label("Your current password").fill(PASSWORD)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("alert")).to_contain_text("We sent a link to olli.oja@example.fi")

    [notice] = kutsu.wait_for_mail("olli@example.fi", subject="change of your Kutsu email")
    assert "/account/email/confirm/" not in page_text(notice.as_string())
    [message] = kutsu.wait_for_mail("olli.oja@example.fi", subject="Confirm your new email")
    page.goto(kutsu.link_in(message, "/account/email/confirm/"))
    page.get_by_role("button", name="Use olli.oja@example.fi").click()
    expect(page.get_by_role("alert")).to_contain_text(
        "Your email address is now olli.oja@example.fi"
    )
    sign_out(page)

    enter_password(page, "olli@example.fi")
    expect(page.locator("#password-error")).to_contain_text("not right")
    enter_password(page, "olli.oja@example.fi")
    expect(h1(page)).to_have_text("Your events")


def test_two_step_sign_in_with_an_app_code_and_a_recovery_code(kutsu: Kutsu, new_page):
    create_account(kutsu, "olli@example.fi", "Olli Organiser")
    page = new_page()
    sign_in(page, "olli@example.fi")
    page.get_by_role("link", name="Your account").click()
    page.get_by_role("link", name="Two-step sign-in settings").click()
    page.get_by_role("button", name="Set up two-step sign-in").click()
    expect(h1(page)).to_have_text("Set up two-step sign-in")
    expect(page.get_by_role("img", name="QR code for your authenticator app")).to_be_visible()
    totp = pyotp.TOTP(page.locator("#two-step-key").inner_text().replace(" ", ""))

    page.get_by_label("Code from the app").fill("000000")
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(page.locator("#code-error")).to_contain_text("The code is not right")
    page.get_by_label("Code from the app").fill(totp.at(clock.now()))
    page.get_by_role("button", name="Turn on two-step sign-in").click()
    expect(h1(page)).to_have_text("Your recovery codes")
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10 and len(set(codes)) == 10
    page.get_by_role("link", name="I have saved the codes").click()
    sign_out(page)

    # The password alone opens nothing: the code is asked first.
    enter_password(page, "olli@example.fi")
    expect(h1(page)).to_have_text("Enter the code")
    page.goto("/organiser/")
    expect(page).to_have_url(re.compile("/login"))
    page.goto("/login/two-step")
    page.get_by_label("Code from your authenticator app").fill("123456")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator("#code-error")).to_contain_text("The code is not right")
    # The code of the setup was spent: the app's next one is needed.
    kutsu.clock.travel(clock.now() + timedelta(seconds=30))
    page.get_by_label("Code from your authenticator app").fill(totp.at(clock.now()))
    page.get_by_role("button", name="Sign in").click()
    expect(h1(page)).to_have_text("Your events")
    sign_out(page)

    for attempt in ("works", "used up"):
        enter_password(page, "olli@example.fi")
        page.get_by_label("Code from your authenticator app").fill(codes[0])
        page.get_by_role("button", name="Sign in").click()
        if attempt == "works":
            expect(page.get_by_role("alert")).to_contain_text("You used a recovery code.")
            expect(h1(page)).to_have_text("Your events")
            sign_out(page)
        else:
            expect(page.locator("#code-error")).to_contain_text("The code is not right")


def test_an_admin_requires_two_step_sign_in_of_admins(kutsu: Kutsu, new_page):
    create_account(kutsu, "anna@example.fi", "Anna Admin", admin=True)
    create_account(kutsu, "bea@example.fi", "Bea Admin", admin=True)
    create_account(kutsu, "olli@example.fi", "Olli Organiser")
    anna = new_page()
    sign_in(anna, "anna@example.fi")
    anna.get_by_role("link", name="Administration").click()
    anna.get_by_role("navigation", name="Administration").get_by_role(
        "link", name="Two-step sign-in"
    ).click()
    anna.get_by_label("Administrators").check()
    anna.get_by_role("button", name="Save").click()
    # Anna is an admin too: she is the first one sent to set it up.
    expect(h1(anna)).to_have_text("Two-step sign-in")

    bea = new_page()
    sign_in(bea, "bea@example.fi")
    expect(h1(bea)).to_have_text("Two-step sign-in")
    expect(bea.get_by_text("Your administrator requires two-step sign-in")).to_be_visible()
    bea.goto("/organiser/events/new")
    expect(h1(bea)).to_have_text("Two-step sign-in")

    olli = new_page()  # no admin, of no event with sensitive questions: not asked
    sign_in(olli, "olli@example.fi")
    expect(h1(olli)).to_have_text("Your events")
