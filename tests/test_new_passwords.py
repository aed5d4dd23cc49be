"""A new password is refused when it is common, follows a common pattern, or carries the
account's own name or address: at the reset form's field (through gunicorn), and in
`flask organiser create`."""

import pytest
import sqlalchemy as sa

from app.auth.passwords import NAMES_THE_ACCOUNT, TOO_GUESSABLE, weakness
from app.auth.services import issue_password_reset_token
from app.extensions import db
from app.models import Organiser
from tests.conftest import PASSWORD
from tests.servers import running_server
from tests.test_concurrency import Browser

NAME, EMAIL = "Liisa Järvinen", "liisa.jarvinen@example.fi"


@pytest.mark.parametrize(
    "password",
    [
        "aaaaaaaaaa",
        "1234567890",
        "qwertyuiop",
        "password123",
        "Password1234!",
        "salasana123",
        "Salasana2026",
        "iloveyou2024",
        "abcdefghij",
        "kesäkuu2026",
    ],
)
def test_common_and_patterned_passwords_are_too_guessable(app, password):
    with app.test_request_context():
        assert weakness(password, name=NAME, email=EMAIL) == str(TOO_GUESSABLE)


@pytest.mark.parametrize(
    "password", ["Järvinen12345", "liisa.jarvinen!", "LIISA kahvikuppi 7", "jarvinen-example"]
)
def test_a_password_with_the_accounts_name_or_address_is_refused(app, password):
    with app.test_request_context():
        assert weakness(password, name=NAME, email=EMAIL) == str(NAMES_THE_ACCOUNT)


@pytest.mark.parametrize(
    "password", [PASSWORD, "kaksi kuppia kahvia ja pulla", "Hämeen linnan 3 tornia!", "x" * 200]
)
def test_long_unrelated_passwords_are_kept(app, password):
    with app.test_request_context():
        problem = weakness(password, name=NAME, email=EMAIL)
    assert problem is None or password == "x" * 200  # one letter repeated is a pattern


def reset_page(browser: Browser, link: str, password: str, confirm: str | None = None):
    data = {"csrf_token": browser.form(link), "password": password}
    data["confirm"] = password if confirm is None else confirm
    return browser.post(link, data)


def test_the_reset_form_refuses_weak_passwords_at_the_field(app, database_url, make_organiser):
    organiser = make_organiser(email=EMAIL, name=NAME)
    old_hash = organiser.password_hash
    link = f"/login/reset/{issue_password_reset_token(organiser)}"
    db.session.commit()
    with running_server(database_url, workers=1, threads=2) as url:
        browser = Browser(url)
        common = reset_page(browser, link, "aaaaaaaaaa")
        own_name = reset_page(browser, link, "jarvinen2026!")
        in_finnish = Browser(url)
        in_finnish.session.headers["Accept-Language"] = "fi"
        finnish = reset_page(in_finnish, link, "aaaaaaaaaa")
        good = reset_page(browser, link, "kaksi kuppia kahvia ja pulla")

    with app.test_request_context(headers={"Accept-Language": "en"}):
        expected = [(common, str(TOO_GUESSABLE)), (own_name, str(NAMES_THE_ACCOUNT))]
    for page, message in expected:
        assert page.status_code == 200
        assert page.text.startswith("<!doctype html>") or "<html" in page.text
        assert "<title>Error:" in page.text
        # In the summary at the top, and at the field.
        assert page.text.count(message) == 2
        assert 'id="password-error"' in page.text
    assert "liian helppo arvata" in finnish.text
    assert good.status_code == 303 and good.headers["Location"] == "/login"
    db.session.commit()
    stored = db.session.scalar(sa.select(Organiser).where(Organiser.email == EMAIL))
    assert stored.password_hash != old_hash


def test_organiser_create_refuses_a_weak_password(runner):
    for password, said in [
        ("aaaaaaaaaa", "too easy to guess"),
        ("liisa-jarvinen-2026", "your name or email address"),
    ]:
        result = runner.invoke(
            args=["organiser", "create", EMAIL, "--name", NAME, "--password-stdin"],
            input=password + "\n",
        )
        assert result.exit_code != 0 and said in result.output
    assert db.session.scalar(sa.select(sa.func.count(Organiser.id))) == 0
