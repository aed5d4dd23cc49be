"""Forgotten passwords: a one-time emailed link; a new password ends every old session."""

from datetime import timedelta

from app import clock
from tests.conftest import PASSWORD, deliver_mail, link_in, submit, text_of

NEW_PASSWORD = "kaksi kuppia kahvia ja pulla"


def ask_for_a_link(client, email: str):
    return submit(client, "/login/forgot", {"email": email}, form_page="/login/forgot")


def reset_link(app, mailbox, email: str) -> str:
    deliver_mail(app)
    [message] = mailbox.to(email)
    assert message["Subject"] == "Set a new password for Kutsu"
    return link_in(message, "/login/reset/")


def sign_in(client, email: str, password: str):
    return submit(client, "/login", {"email": email, "password": password}, form_page="/login")


def test_a_forgotten_password_is_reset_through_the_emailed_link(
    app, client, make_organiser, mailbox
):
    organiser = make_organiser(email="olli@example.fi")
    login_page = client.get("/login")
    assert 'href="/login/forgot"' in login_page.text

    asked = ask_for_a_link(client, "OLLI@example.fi")
    assert "If OLLI@example.fi belongs to an organiser account" in text_of(asked)
    link = reset_link(app, mailbox, organiser.email)

    form = client.get(link)
    assert form.headers["Cache-Control"] == "no-store"
    assert form.headers["Referrer-Policy"] == "no-referrer"
    done = submit(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 303 and done.headers["Location"] == "/login"

    assert sign_in(client, organiser.email, PASSWORD).status_code == 200  # the old one: no
    assert sign_in(client, organiser.email, NEW_PASSWORD).status_code == 303
    # The link worked once.
    again = client.get(link)
    assert again.status_code == 404 and "The link has expired" in text_of(again)


def test_an_unknown_address_gets_the_same_answer_and_no_email(app, client, mailbox):
    asked = ask_for_a_link(client, "nobody@example.fi")
    assert "If nobody@example.fi belongs to an organiser account" in text_of(asked)
    deliver_mail(app)
    assert mailbox.to("nobody@example.fi") == []


def test_asking_again_and_again_sends_one_email_a_quarter_of_an_hour(
    app, client, make_organiser, mailbox
):
    organiser = make_organiser()
    for _ in range(3):
        ask_for_a_link(client, organiser.email)
    deliver_mail(app)
    assert len(mailbox.to(organiser.email)) == 1


def test_a_link_older_than_an_hour_has_expired(app, client, make_organiser, mailbox):
    organiser = make_organiser()
    ask_for_a_link(client, organiser.email)
    link = reset_link(app, mailbox, organiser.email)

    clock.travel(clock.now() + timedelta(minutes=61))

    page = submit(
        client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, form_page="/login"
    )
    assert page.status_code == 404
    assert sign_in(client, organiser.email, PASSWORD).status_code == 303


def test_a_short_or_mistyped_new_password_is_refused_at_the_field(
    app, client, make_organiser, mailbox
):
    organiser = make_organiser()
    ask_for_a_link(client, organiser.email)
    link = reset_link(app, mailbox, organiser.email)

    short = submit(client, link, {"password": "lyhyt", "confirm": "lyhyt"})
    assert "Use from 10 to 200 characters" in text_of(short)
    mistyped = submit(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD + "!"})
    assert "The passwords are not the same" in text_of(mistyped)
    assert sign_in(client, organiser.email, PASSWORD).status_code == 303


def test_a_new_password_signs_out_every_session(app, client, make_organiser, mailbox):
    organiser = make_organiser()
    elsewhere = app.test_client()
    elsewhere.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert sign_in(elsewhere, organiser.email, PASSWORD).status_code == 303
    assert elsewhere.get("/organiser/").status_code == 200

    ask_for_a_link(client, organiser.email)
    link = reset_link(app, mailbox, organiser.email)
    submit(client, link, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})

    after = elsewhere.get("/organiser/")
    assert after.status_code == 302 and after.headers["Location"].startswith("/login")


def test_known_and_unknown_addresses_get_the_same_page_and_the_same_work(
    app, client, make_organiser, mailbox
):
    """The same page, and the same work behind it: each ask plans one message (so neither
    answer comes sooner), and the mail worker sends only the known address's."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.models import EmailStatus, OutboundEmail

    make_organiser(email="olli@example.fi")
    known = ask_for_a_link(client, "olli@example.fi")
    unknown = ask_for_a_link(client, "nobody@example.fi")

    assert known.status_code == unknown.status_code == 200
    assert known.text.replace("olli@example.fi", "@") == unknown.text.replace(
        "nobody@example.fi", "@"
    ).replace(csrf_in(unknown.text), csrf_in(known.text))
    planned = db.session.scalars(sa.select(OutboundEmail).order_by(OutboundEmail.id)).all()
    assert [row.recipient for row in planned] == ["olli@example.fi", "nobody@example.fi"]
    deliver_mail(app)
    assert len(mailbox.to("olli@example.fi")) == 1 and mailbox.to("nobody@example.fi") == []
    db.session.expire_all()
    assert [row.status for row in planned] == [EmailStatus.SENT, EmailStatus.SKIPPED]


def csrf_in(html: str) -> str:
    from tests.conftest import CSRF_FIELD

    match = CSRF_FIELD.search(html)
    return next(group for group in match.groups() if group) if match else ""
