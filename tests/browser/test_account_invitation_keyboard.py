"""An admin invites an organiser, who makes the account and later signs in, with the
keyboard alone; in Finnish, Swedish and English (one run per language).

No clicks, no page.fill: Tab, typing, Space and Enter, and every element Tab lands on
must show where the focus is.
"""

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import BROWSER_LOCALES, TIMEOUT_MS
from tests.browser.keyboard import id_is, record_rest_styles, tab, tab_to
from tests.browser.language import expect_language, t
from tests.conftest import PASSWORD, deliver_mail, link_in

pytestmark = pytest.mark.browser

NEW_PASSWORD = "lumiukko kantaa kahvia torille"


def h1(page: Page):
    return page.get_by_role("heading", level=1)


def sign_in_with_keys(
    page: Page, language: str, email: str, password: str, *, heading: str = "Your events"
) -> None:
    page.goto("/login")
    record_rest_styles(page)
    tab_to(page, id_is("email"))
    page.keyboard.type(email)
    assert tab(page)["id"] == "password"
    page.keyboard.type(password)
    button = tab(page)
    assert (button["tag"], button["text"]) == ("button", t(language, "Sign in"))
    page.keyboard.press("Enter")
    expect(h1(page)).to_have_text(t(language, heading))


@pytest.fixture
def fresh_page(browser, live_server, language):
    """Another person's browser, in the same language."""
    contexts = []

    def open_page() -> Page:
        context = browser.new_context(base_url=live_server.url, locale=BROWSER_LOCALES[language])
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


def test_invite_make_the_account_and_sign_in_with_the_keyboard_alone(
    page: Page, fresh_page, language, app, make_organiser, mailbox
):
    make_organiser(email="anna@example.fi", name="Anna Admin", admin=True)
    sign_in_with_keys(page, language, "anna@example.fi", PASSWORD, heading="All events")

    page.goto("/admin/accounts/invite")
    expect(h1(page)).to_have_text(t(language, "Invite a person"))
    record_rest_styles(page)
    tab_to(page, id_is("email"))
    page.keyboard.type("uuno@example.fi")
    assert tab(page)["id"] == "role-0"  # Organiser, chosen already
    page.keyboard.press("ArrowDown")  # a check-in helper instead
    expect(page.locator("#role-1")).to_be_checked()
    page.keyboard.press("ArrowUp")
    expect(page.locator("#role-0")).to_be_checked()
    language_choice = tab(page)  # the page's own language, chosen already
    assert language_choice["id"].startswith("language-")
    expect(page.locator(f"#{language_choice['id']}")).to_be_checked()
    send = tab(page)
    assert (send["tag"], send["text"]) == ("button", t(language, "Send the invitation"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("alert")).to_contain_text(
        t(language, "An invitation was sent to %(email)s.", email="uuno@example.fi")
    )

    deliver_mail(app)
    [message] = mailbox.to("uuno@example.fi")
    assert message["Subject"] == t(language, "You are invited to Kutsu")
    uuno = fresh_page()
    uuno.goto(link_in(message, "/join/"))
    expect_language(uuno, language)
    expect(h1(uuno)).to_have_text(t(language, "Make your account"))
    record_rest_styles(uuno)
    tab_to(uuno, id_is("name"))
    uuno.keyboard.type("Uuno Uusi")
    assert tab(uuno)["id"] == "password"
    uuno.keyboard.type(NEW_PASSWORD)
    assert tab(uuno)["id"] == "confirm"
    uuno.keyboard.type(NEW_PASSWORD)
    make = tab(uuno)
    assert (make["tag"], make["text"]) == ("button", t(language, "Make the account"))
    uuno.keyboard.press("Space")
    expect(h1(uuno)).to_have_text(t(language, "Your events"))
    expect(uuno.get_by_role("alert")).to_contain_text(
        t(language, "Welcome to Kutsu, %(name)s. You are signed in.", name="Uuno Uusi")
    )

    # Another day, another browser: Uuno signs in with the password chosen.
    sign_in_with_keys(fresh_page(), language, "uuno@example.fi", NEW_PASSWORD)
