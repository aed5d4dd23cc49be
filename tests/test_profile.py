"""One's own account: name, email address (enumeration-safe), password, sessions; and the
rules of two-step sign-in (codes once only, recovery codes once, required by an admin)."""

from datetime import UTC, datetime, timedelta

import pyotp
import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import AuditAction, AuditEntry, Organiser, Token
from app.privacy.services import run_retention
from tests.conftest import PASSWORD, deliver_mail, link_in, submit, text_of

pytestmark = pytest.mark.both_databases

NEW_PASSWORD = "kaksi kuppia kahvia ja pulla"


def sign_in(client, email: str, password: str = PASSWORD):
    return submit(client, "/login", {"email": email, "password": password}, form_page="/login")


@pytest.fixture(autouse=True)
def at_the_start_of_a_time_step(app):
    """Each test starts a second into a 30-second step: the codes it computes are those of
    the step the server is in, however long the test before took (the `app` fixture puts
    the clock back)."""
    step = int(clock.now().timestamp()) // 30 + 1
    clock.travel(datetime.fromtimestamp(step * 30 + 1, UTC))


def new_browser(app):
    """Another browser, in English as `client` is."""
    browser = app.test_client()
    browser.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    return browser


def actions() -> list[AuditAction]:
    db.session.commit()
    return list(db.session.scalars(sa.select(AuditEntry.action).order_by(AuditEntry.id)))


def account(email: str) -> Organiser:
    db.session.commit()
    return db.session.scalar(sa.select(Organiser).where(Organiser.email == email))


# --- name, email address, password, sessions -------------------------------------------


def test_the_account_page_is_linked_from_the_header_and_changes_the_name(
    client, make_organiser, login
):
    login(make_organiser(email="olli@example.fi"))
    assert 'href="/account/"' in client.get("/organiser/").text
    done = submit(client, "/account/name", {"name": "Olli Oja"})
    assert done.status_code == 303
    page = client.get("/account/")
    assert "Your name was changed." in text_of(page) and "Olli Oja" in text_of(page)
    assert actions() == [AuditAction.CHANGED_NAME]
    empty = submit(client, "/account/name", {"name": ""})
    assert empty.status_code == 200 and "Enter your name" in text_of(empty)
    # Spaces only were saved as an empty name.
    blank = submit(client, "/account/name", {"name": "  \u00a0 "})
    assert blank.status_code == 200 and "Enter your name" in text_of(blank)
    # A right-to-left override would turn around what follows the name on every list.
    turned = submit(client, "/account/name", {"name": "\u202eajO illO"})
    assert "Remove the special characters that cannot be saved" in text_of(turned)
    assert account("olli@example.fi").name == "Olli Oja"


def test_changing_the_email_address_asks_the_current_password(
    app, client, make_organiser, login, mailbox
):
    login(make_organiser(email="olli@example.fi"))
    wrong = submit(
        client, "/account/email", {"email": "uusi@example.fi", "current_password": "arvaus"}
    )
    assert wrong.status_code == 200
    assert "Your current password is not right" in text_of(wrong)
    assert 'value="uusi@example.fi"' in wrong.text  # what was typed stays
    deliver_mail(app)
    assert mailbox.messages == []


def test_the_new_address_is_confirmed_by_the_link_mailed_to_it(
    app, client, make_organiser, login, mailbox
):
    login(make_organiser(email="olli@example.fi"))
    asked = submit(
        client, "/account/email", {"email": "Uusi@Example.fi", "current_password": PASSWORD}
    )
    assert asked.status_code == 303
    assert "We sent a link to uusi@example.fi" in text_of(client.get("/account/"))
    deliver_mail(app)
    [notice] = mailbox.to("olli@example.fi")
    assert notice["Subject"] == "A change of your Kutsu email address was asked"
    [mail] = mailbox.to("uusi@example.fi")
    assert mail["Subject"] == "Confirm your new email address for Kutsu"
    link = link_in(mail, "/account/email/confirm/")
    assert account("olli@example.fi") is not None  # nothing changed before the link

    assert "Use uusi@example.fi" in text_of(client.get(link))
    done = submit(client, link, {})
    assert done.status_code == 303
    assert "Your email address is now uusi@example.fi" in text_of(client.get("/account/"))
    assert account("olli@example.fi") is None and account("uusi@example.fi") is not None
    assert AuditAction.CHANGED_EMAIL in actions()
    used = client.get(link)
    assert used.status_code == 404 and "The link has expired" in text_of(used)

    client.post("/logout", data={"csrf_token": _token(client)})
    assert sign_in(client, "olli@example.fi").status_code == 200  # the old address: no
    assert sign_in(client, "uusi@example.fi").status_code == 303


def _token(client) -> str:
    from tests.conftest import csrf_token_in

    return csrf_token_in(client.get("/account/").text)


def test_an_address_with_an_account_gets_the_same_answer_and_no_link(
    app, client, make_organiser, login, mailbox
):
    make_organiser(email="anna@example.fi", name="Anna Admin")
    login(make_organiser(email="olli@example.fi"))
    asked = submit(
        client, "/account/email", {"email": "anna@example.fi", "current_password": PASSWORD}
    )
    assert asked.status_code == 303
    assert "We sent a link to anna@example.fi" in text_of(client.get("/account/"))
    deliver_mail(app)
    [mail] = mailbox.to("anna@example.fi")
    assert mail["Subject"] == "A change of email address for Kutsu"
    assert "/account/email/confirm/" not in mail.as_string()
    assert "already has an account" in text_of_mail(mail)
    assert len(mailbox.to("olli@example.fi")) == 1  # the notice, as for a free address
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Token)) == 0


def text_of_mail(message) -> str:
    from tests.conftest import Mailbox

    return " ".join(Mailbox.text(message).split())


def test_a_link_works_only_for_its_own_account_and_is_forgotten_after_its_time(
    app, client, make_organiser, login, mailbox
):
    login(make_organiser(email="olli@example.fi"))
    submit(client, "/account/email", {"email": "uusi@example.fi", "current_password": PASSWORD})
    deliver_mail(app)
    link = link_in(mailbox.to("uusi@example.fi")[0], "/account/email/confirm/")
    other = new_browser(app)
    login_other = submit(other, "/login", {"email": "anna@example.fi", "password": PASSWORD})
    assert login_other.status_code == 200  # no such account yet
    make_organiser(email="anna@example.fi")
    sign_in(other, "anna@example.fi")
    assert other.get(link).status_code == 404

    clock.travel(clock.now() + timedelta(hours=25))
    assert client.get(link).status_code == 404
    with app.app_context():
        run_retention(clock.now())
        db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Token)) == 0


def test_a_new_password_ends_the_other_sessions_and_is_mailed_about(
    app, client, make_organiser, login, mailbox
):
    organiser = make_organiser(email="olli@example.fi")
    login(organiser)
    elsewhere = new_browser(app)
    assert sign_in(elsewhere, organiser.email).status_code == 303
    assert "2 sign-ins" in text_of(client.get("/account/"))

    wrong = submit(
        client,
        "/account/password",
        {"current_password": "arvaus", "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert "Your current password is not right" in text_of(wrong)
    done = submit(
        client,
        "/account/password",
        {"current_password": PASSWORD, "password": NEW_PASSWORD, "confirm": NEW_PASSWORD},
    )
    assert done.status_code == 303
    assert client.get("/organiser/").status_code == 200  # this one stays
    assert "/login" in elsewhere.get("/organiser/").headers["Location"]  # the other ended
    deliver_mail(app)
    [mail] = mailbox.to("olli@example.fi")
    assert mail["Subject"] == "Your Kutsu password was changed"
    assert AuditAction.CHANGED_PASSWORD in actions()


def test_signing_out_everywhere_else(app, client, make_organiser, login):
    organiser = make_organiser(email="olli@example.fi")
    login(organiser)
    elsewhere = new_browser(app)
    sign_in(elsewhere, organiser.email)
    page = text_of(client.get("/account/"))
    assert "2 sign-ins" in page and "This one" in page
    submit(client, "/account/sessions/end-others", {}, form_page="/account/")
    assert "1 sign-in" in text_of(client.get("/account/"))
    assert "/login" in elsewhere.get("/organiser/").headers["Location"]


# --- two-step sign-in ------------------------------------------------------------------


def turn_on_two_step(client) -> tuple[str, list[str]]:
    """Set it up as a person would; the secret and the recovery codes shown."""
    submit(client, "/account/two-step/start", {}, form_page="/account/two-step")
    page = client.get("/account/two-step/setup")
    assert "<svg" in page.text
    secret = page.text.split('id="two-step-key" class="two-step-key">')[1].split("<")[0]
    secret = secret.replace(" ", "")
    shown = submit(client, "/account/two-step/setup", {"code": code_now(secret)})
    assert "Two-step sign-in is on." in text_of(shown)
    codes = [part.split("</code>")[0] for part in shown.text.split("<li><code>")[1:]]
    assert len(codes) == 10
    return secret, codes


def code_now(secret: str, steps_on: int = 0) -> str:
    return pyotp.TOTP(secret).at(clock.now() + timedelta(seconds=30 * steps_on))


def test_two_step_sign_in_asks_a_code_once_the_password_is_right(
    app, client, make_organiser, login
):
    organiser = make_organiser(email="olli@example.fi")
    login(organiser)
    wrong = submit(client, "/account/two-step/start", {}, form_page="/account/two-step")
    wrong = submit(client, "/account/two-step/setup", {"code": "000000"})
    assert "The code is not right" in text_of(wrong)
    secret, _codes = turn_on_two_step(client)
    assert AuditAction.TWO_STEP_ON in actions()

    browser = new_browser(app)
    password_done = sign_in(browser, organiser.email)
    assert password_done.headers["Location"] == "/login/two-step"
    # Half signed in is not signed in.
    assert "/login" in browser.get("/organiser/").headers["Location"]
    wrong = submit(browser, "/login/two-step", {"code": "123456"})
    assert wrong.status_code == 200 and "The code is not right" in text_of(wrong)
    clock.travel(clock.now() + timedelta(seconds=31))
    done = submit(browser, "/login/two-step", {"code": code_now(secret)})
    assert done.status_code == 303 and done.headers["Location"] == "/organiser/"
    assert browser.get("/organiser/").status_code == 200


def test_a_code_is_taken_once_only(app, client, make_organiser, login):
    organiser = make_organiser(email="olli@example.fi")
    login(organiser)
    secret, _codes = turn_on_two_step(client)  # took this step's code
    browser = new_browser(app)
    sign_in(browser, organiser.email)
    again = submit(browser, "/login/two-step", {"code": code_now(secret)})
    assert again.status_code == 200 and "The code is not right" in text_of(again)
    # The next step's code works, and then not a second time.
    clock.travel(clock.now() + timedelta(seconds=30))
    assert submit(browser, "/login/two-step", {"code": code_now(secret)}).status_code == 303
    other = new_browser(app)
    sign_in(other, organiser.email)
    assert submit(other, "/login/two-step", {"code": code_now(secret)}).status_code == 200


def test_a_recovery_code_works_once(app, client, make_organiser, login):
    organiser = make_organiser(email="olli@example.fi")
    login(organiser)
    _secret, codes = turn_on_two_step(client)
    first = new_browser(app)
    sign_in(first, organiser.email)
    assert submit(first, "/login/two-step", {"code": codes[0].upper()}).status_code == 303
    assert AuditAction.USED_RECOVERY_CODE in actions()
    second = new_browser(app)
    sign_in(second, organiser.email)
    refused = submit(second, "/login/two-step", {"code": codes[0]})
    assert refused.status_code == 200 and "The code is not right" in text_of(refused)
    assert "9 recovery codes are left" in text_of(client.get("/account/two-step"))


def test_a_code_in_other_digits_is_read_as_its_digits(app, client, make_organiser, login):
    """A phone keyboard may write Arabic-Indic or full-width digits; they were a 500 (the
    comparison of the codes refuses text beyond ASCII), and mean the same digits."""
    organiser = make_organiser(email="olli@example.fi")
    login(organiser)
    secret, _codes = turn_on_two_step(client)
    browser = new_browser(app)
    sign_in(browser, organiser.email)
    for wrong in (
        "\u0661\u0662\u0663\u0664\u0665\u0666",
        "\uff11\uff12\uff13\uff14\uff15\uff16",
        "\u00b9\u00b2\u00b3456",
    ):
        refused = submit(browser, "/login/two-step", {"code": wrong})
        assert refused.status_code == 200 and "The code is not right" in text_of(refused)
    clock.travel(clock.now() + timedelta(seconds=30))
    arabic_indic = code_now(secret).translate({ord(d): 0x0660 + int(d) for d in "0123456789"})
    done = submit(browser, "/login/two-step", {"code": arabic_indic})
    assert done.status_code == 303 and done.headers["Location"] == "/organiser/"


def test_the_half_done_sign_in_ends_after_five_minutes(app, client, make_organiser, login):
    organiser = make_organiser(email="olli@example.fi")
    login(organiser)
    secret, _codes = turn_on_two_step(client)
    browser = new_browser(app)
    sign_in(browser, organiser.email)
    clock.travel(clock.now() + timedelta(minutes=6))
    late = submit(browser, "/login/two-step", {"code": code_now(secret)}, form_page="/login")
    assert late.status_code == 303 and late.headers["Location"] == "/login"


def test_turning_two_step_off_asks_the_password_and_a_code(client, make_organiser, login):
    login(make_organiser(email="olli@example.fi"))
    secret, _codes = turn_on_two_step(client)
    clock.travel(clock.now() + timedelta(seconds=30))
    refused = submit(
        client, "/account/two-step/off", {"current_password": PASSWORD, "code": "000000"}
    )
    assert "The code is not right" in text_of(refused)
    done = submit(
        client, "/account/two-step/off", {"current_password": PASSWORD, "code": code_now(secret)}
    )
    assert done.status_code == 303
    assert "Two-step sign-in is off." in text_of(client.get("/account/two-step"))
    assert AuditAction.TWO_STEP_OFF in actions()


def test_an_admin_requires_two_step_and_others_are_sent_to_set_it_up(
    app, client, make_organiser, login, make_event
):
    login(make_organiser(email="anna@example.fi", name="Anna Admin", admin=True))
    assert 'href="/admin/two-step"' in client.get("/admin/people").text
    saved = submit(client, "/admin/two-step", {"admins": "y"})
    assert saved.status_code == 303
    assert AuditAction.TWO_STEP_REQUIRED in actions()
    # The admin saving it is sent to set it up too.
    assert client.get("/organiser/").headers["Location"] == "/account/two-step"

    other = new_browser(app)
    make_organiser(email="bea@example.fi", name="Bea Admin", admin=True)
    sign_in(other, "bea@example.fi")
    sent = other.get("/organiser/")
    assert sent.status_code == 303 and sent.headers["Location"] == "/account/two-step"
    assert "Your administrator requires two-step sign-in" in text_of(other.get(sent.location))
    # An organiser who is no admin, of no sensitive event, is not asked.
    plain = new_browser(app)
    make_organiser(email="olli@example.fi")
    sign_in(plain, "olli@example.fi")
    assert plain.get("/organiser/").status_code == 200


def test_organisers_of_events_with_sensitive_questions_can_be_required(
    app, client, make_organiser, login, make_event
):
    from tests.conftest import DIET_QUESTION

    owner = make_organiser(email="olli@example.fi")
    make_event(owner, questions=[DIET_QUESTION])
    login(make_organiser(email="anna@example.fi", name="Anna Admin", admin=True))
    submit(client, "/admin/two-step", {"sensitive": "y"})
    audit_log = text_of(client.get("/admin/audit"))  # the admin organises nothing: not asked
    assert "Changed whom two-step sign-in is required of" in audit_log
    browser = new_browser(app)
    sign_in(browser, owner.email)
    assert browser.get("/organiser/").headers["Location"] == "/account/two-step"


def test_an_admin_resets_a_lost_phones_two_step(app, client, make_organiser, login):
    olli = make_organiser(email="olli@example.fi")
    own = new_browser(app)
    sign_in(own, olli.email)
    turn_on_two_step(own)
    login(make_organiser(email="anna@example.fi", name="Anna Admin", admin=True))
    url = f"/admin/accounts/{olli.id}/two-step/reset"
    assert "Reset the two-step sign-in of Olli Organiser?" in text_of(client.get(url))
    assert submit(client, url, {}).status_code == 303
    assert AuditAction.TWO_STEP_RESET in actions()
    browser = new_browser(app)
    assert sign_in(browser, olli.email).headers["Location"] == "/organiser/"
    # Not for anyone but admins.
    assert own.get(url).status_code == 404


def test_codes_are_rate_limited_as_passwords_are(app, client, make_organiser, login):
    from app import create_app

    organiser = make_organiser(email="olli@example.fi")
    login(organiser)
    turn_on_two_step(client)
    db.session.commit()  # the test's own read ends: the other app writes
    limited_app = create_app(
        {
            **app.config,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "RATELIMIT_LOGIN_PER_ACCOUNT_AND_ADDRESS": "3 per minute",
        }
    )
    limited = limited_app.test_client()
    limited.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    try:
        assert sign_in(limited, organiser.email).status_code == 303
        codes = [submit(limited, "/login/two-step", {"code": "000000"}) for _ in range(4)]
    finally:
        with limited_app.app_context():  # its own engine: its connections close with the test
            db.engine.dispose()
    assert [answer.status_code for answer in codes] == [200, 200, 200, 429]


def test_the_two_step_key_and_the_recovery_codes_are_not_cached(client, make_organiser, login):
    login(make_organiser(email="olli@example.fi"))
    submit(client, "/account/two-step/start", {}, form_page="/account/two-step")
    assert client.get("/account/two-step/setup").headers["Cache-Control"] == "no-store"
    assert client.get("/account/").headers["Cache-Control"] == "no-store"


def test_erasing_an_address_forgets_the_links_that_would_give_it_to_an_account(
    app, client, make_organiser, login, mailbox
):
    from app.privacy.services import erase_person

    login(make_organiser(email="olli@example.fi"))
    submit(client, "/account/email", {"email": "uusi@example.fi", "current_password": PASSWORD})
    deliver_mail(app)
    link = link_in(mailbox.to("uusi@example.fi")[0], "/account/email/confirm/")
    erase_person("Uusi@example.fi")
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Token)) == 0
    assert client.get(link).status_code == 404
