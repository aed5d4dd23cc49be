"""What happened is announced: a form's errors, and the outcome after a redirect.

The error summary takes the focus and holds an alert (GOV.UK's error summary); a message
after a redirect is a banner with role="alert" that takes the focus (GOV.UK's notification
banner), so a screen reader reads it first; a page with errors says so in its title.
"""

import re

import pytest
from playwright.sync_api import Page, expect

from app.signup import services
from tests.browser.conftest import write_beside_server
from tests.browser.language import t
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser


def sign_in(page: Page, person, language: str) -> None:
    page.goto("/login")
    page.get_by_label(t(language, "Email address")).fill(person.email)
    page.get_by_label(t(language, "Password")).fill(PASSWORD)
    page.get_by_role("button", name=t(language, "Sign in")).click()


def expect_banner(page: Page, language: str, heading: str, text: str) -> None:
    banner = page.locator("main > [role=alert]").first
    expect(banner).to_be_focused()
    expect(banner).to_have_accessible_name(t(language, heading))
    expect(banner).to_contain_text(text)


def test_an_organiser_hears_what_their_action_did(page: Page, language, make_organiser, make_event):
    organiser = make_organiser(email="olli@example.fi")
    draft = make_event(organiser, title="Syysseminaari", published=False)
    sign_in(page, organiser, language)

    page.goto(f"/organiser/events/{draft.id}")
    page.get_by_role("button", name=t(language, "Publish")).click()

    expect_banner(
        page, language, "Success", t(language, "The event is published. People can now sign up.")
    )


def test_erasing_a_persons_data_says_error_in_the_title_and_announces_the_outcome(
    page: Page, language, make_organiser, make_event
):
    admin = make_organiser(email="anna@example.fi", admin=True)
    event = make_event(admin)
    with write_beside_server():
        services.register_for_event(
            event,
            name="Sara Sukunimi",
            email="sara@example.fi",
            organisation="",
            answers={},
            locale=language,
        )
    sign_in(page, admin, language)
    page.goto("/admin/people?email=sara@example.fi")
    erase = page.get_by_role(
        "button", name=t(language, "Erase everything about %(email)s", email="sara@example.fi")
    )

    erase.click()  # without ticking "I understand"

    error, heading = t(language, "Error:"), t(language, "A person's data")
    # Waited for: the title is read only once the answer to the click has arrived.
    expect(page).to_have_title(re.compile("^" + re.escape(f"{error} {heading}")))
    summary = page.locator(".error-summary")
    expect(summary).to_be_focused()
    expect(summary.get_by_role("alert")).to_contain_text(t(language, "There is a problem"))
    assert summary.get_attribute("aria-labelledby") is None  # a name needs a role

    page.get_by_label(t(language, "I understand that this cannot be undone")).check()
    erase.click()

    counts = [
        t(language, "%(num)d registration", num=1),
        t(language, "%(num)d nomination of them", num=0),
        t(language, "%(num)d nomination by them", num=0),
        t(language, "%(num)d invitation", num=0),
    ]
    erased = t(language, "Erased: %(what)s.", what=", ".join(counts))
    expect_banner(page, language, "Success", erased)
    # Read once the outcome is there: the page after the redirect is no error page.
    expect(page).not_to_have_title(re.compile("^" + re.escape(t(language, "Error:"))))
