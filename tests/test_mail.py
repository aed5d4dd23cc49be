"""The outbox and the worker: mail survives SMTP trouble and is sent once."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app import clock
from app.extensions import db
from app.mail.worker import claim_due_messages, send_due_messages
from app.models import EmailStatus, EventFormat, OutboundEmail
from tests.conftest import Mailbox, deliver_mail, free_port, sign_up, text_of


def outbox():
    """The outbox but for reminders, which are due days later."""
    return db.session.scalars(
        sa.select(OutboundEmail).where(OutboundEmail.kind != "reminder").order_by(OutboundEmail.id)
    ).all()


@pytest.fixture
def smtp_at(app):
    """Point the app's mail at another port for one test."""
    state = app.extensions["mail"]
    original = state.port

    def point(port):
        state.port = port

    yield point
    state.port = original


class RefusingMailbox(Mailbox):
    """A mail server that refuses some recipients, permanently or for now."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("gone@"):
            return "550 5.1.1 No such user"
        if address.startswith("busy@"):
            return "451 4.3.0 Try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def refusing_server():
    handler = RefusingMailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller
    controller.stop()


def test_sign_up_works_while_smtp_is_down_and_mail_goes_out_later(
    client, app, make_event, mailbox, smtp_at
):
    event = make_event()
    smtp_at(free_port())  # nothing listens there

    page = sign_up(client, event)

    assert "You are registered" in text_of(page)
    assert deliver_mail(app) == 0
    [waiting] = outbox()
    assert waiting.status == EmailStatus.PENDING
    assert "SMTP unavailable" in waiting.last_error
    assert waiting.send_after > clock.now(), "retried later, with backoff"

    smtp_at(app.config["MAIL_PORT"])
    clock.travel(clock.now() + timedelta(hours=1))
    assert deliver_mail(app) == 1
    assert len(mailbox.to("sara@example.fi")) == 1
    assert outbox()[0].status == EmailStatus.SENT


def test_permanent_refusal_marks_the_message_failed_with_the_reason(
    client, app, make_event, refusing_server, smtp_at
):
    event = make_event()
    smtp_at(refusing_server.port)
    sign_up(client, event, email="gone@example.fi")
    sign_up(client, event, email="fine@example.fi")

    deliver_mail(app)

    by_recipient = {email.recipient: email for email in outbox()}
    assert by_recipient["gone@example.fi"].status == EmailStatus.FAILED
    assert "550" in by_recipient["gone@example.fi"].last_error
    assert by_recipient["fine@example.fi"].status == EmailStatus.SENT
    assert len(refusing_server.handler.to("fine@example.fi")) == 1


def test_temporary_refusal_is_retried_and_ends_dead_after_the_last_attempt(
    client, app, make_event, refusing_server, smtp_at
):
    event = make_event()
    smtp_at(refusing_server.port)
    sign_up(client, event, email="busy@example.fi")
    first_try = clock.now()

    for _ in range(app.config["MAIL_MAX_ATTEMPTS"]):
        last_try = clock.now()
        deliver_mail(app)
        [email] = outbox()
        clock.travel(email.send_after + timedelta(seconds=1))

    [email] = outbox()
    assert email.status == EmailStatus.DEAD
    assert "451" in email.last_error
    assert email.attempts == app.config["MAIL_MAX_ATTEMPTS"]
    assert last_try - first_try >= timedelta(days=3), "tried for at least three days"


def test_a_leased_message_is_not_claimed_twice(client, app, make_event):
    event = make_event()
    sign_up(client, event)
    db.session.commit()

    first = claim_due_messages(10)
    second = claim_due_messages(10)

    assert len(first) == 1
    assert second == []


def test_a_lease_that_ran_out_is_claimed_again(client, app, make_event, mailbox):
    """A worker killed mid-batch loses nothing: its leased mail goes out later."""
    event = make_event()
    sign_up(client, event)
    db.session.commit()
    claim_due_messages(10)  # a worker that then died

    clock.travel(clock.now() + timedelta(seconds=app.config["MAIL_LEASE_SECONDS"] + 1))

    assert send_due_messages() == 1
    assert len(mailbox.to("sara@example.fi")) == 1


def test_confirmation_email_is_multipart_with_absolute_links(client, app, make_event, mailbox):
    link = "https://teams.example.invalid/l/meetup-join/kutsu"
    event = make_event(format=EventFormat.ONLINE, venue_name="", join_link=link, capacity=1)
    sign_up(client, event, email="first@example.fi")
    sign_up(client, event, email="second@example.fi")

    deliver_mail(app)

    [confirmed] = mailbox.to("first@example.fi")
    assert confirmed.get_content_type() == "multipart/alternative" or confirmed.is_multipart()
    assert link in Mailbox.text(confirmed), "confirmed people get the join link"
    assert "http://kutsu.test/manage/" in Mailbox.html(confirmed)
    [waiting] = mailbox.to("second@example.fi")
    assert link not in Mailbox.text(waiting) and link not in Mailbox.html(waiting)
    assert "place 1 in the queue" in Mailbox.text(waiting)
    # Each message has an id of its own, in the sender's domain, not the sending machine's.
    ids = {confirmed["Message-ID"], waiting["Message-ID"]}
    assert len(ids) == 2 and all(id.endswith("@test.example>") for id in ids), ids


def test_every_event_email_can_be_replied_to_at_the_events_contact_address(
    client, app, make_event, mailbox
):
    from app.organiser.services import cancel_event

    event = make_event(capacity=1, contact_email="info@hameenjarjestot.fi")
    sign_up(client, event, email="first@example.fi")
    sign_up(client, event, email="second@example.fi")
    cancel_event(event)
    deliver_mail(app)

    kinds = {message["Subject"].split(":")[0]: message["Reply-To"] for message in mailbox.messages}
    assert kinds == {
        "You are registered": "info@hameenjarjestot.fi",
        "You are on the waiting list": "info@hameenjarjestot.fi",
        "Cancelled": "info@hameenjarjestot.fi",
    }


def test_without_a_contact_address_an_event_email_has_no_reply_to(
    client, app, make_event, make_organiser, mailbox
):
    owner = make_organiser(email="olli.private@example.fi")
    event = make_event(owner, contact_email="")
    sign_up(client, event)
    deliver_mail(app)

    [message] = mailbox.to("sara@example.fi")
    assert message["Reply-To"] is None
    assert "olli.private@example.fi" not in message.as_string()


def test_manage_token_is_stored_only_as_a_hash(client, app, make_event, mailbox):
    from app.models import Token

    event = make_event()
    sign_up(client, event)
    deliver_mail(app)
    raw = Mailbox.text(mailbox.messages[0]).split("/manage/")[1].split()[0]

    stored = db.session.scalars(sa.select(Token.hash)).all()
    assert len(raw) >= 43, "at least 256 bits"
    assert raw not in stored
    assert all(len(value) == 64 for value in stored)


def test_dev_mail_page_is_off_unless_in_development(client, app):
    assert client.get("/dev/mail/").status_code == 404
    app.config["DEV_MAIL_PAGE"] = True
    assert client.get("/dev/mail/").status_code == 200


def test_dev_mail_catcher_keeps_messages_for_the_dev_page(client, app, make_event, smtp_at):
    from pathlib import Path

    from app.mail.catcher import SaveToFolder

    catcher = Controller(
        SaveToFolder(Path(app.config["DEV_MAIL_DIR"])), hostname="127.0.0.1", port=free_port()
    )
    catcher.start()
    try:
        smtp_at(catcher.port)
        app.config["DEV_MAIL_PAGE"] = True
        event = make_event(title="POPup-aamukahvit")
        sign_up(client, event)
        deliver_mail(app)
    finally:
        catcher.stop()

    listing = client.get("/dev/mail/")
    assert "You are registered: POPup-aamukahvit" in text_of(listing)
    message_path = listing.get_data(as_text=True).split('href="/dev/mail/')[1].split('"')[0]
    shown = client.get(f"/dev/mail/{message_path}")
    assert "http://kutsu.test/manage/" in shown.get_data(as_text=True)


def test_the_dev_mail_page_shows_the_html_as_sent_apart_from_the_site_and_gives_the_ics(
    client, app, make_event, smtp_at
):
    from pathlib import Path

    import icalendar

    from app.mail.catcher import SaveToFolder

    catcher = Controller(
        SaveToFolder(Path(app.config["DEV_MAIL_DIR"])), hostname="127.0.0.1", port=free_port()
    )
    catcher.start()
    try:
        smtp_at(catcher.port)
        app.config["DEV_MAIL_PAGE"] = True
        event = make_event(title="POPup-aamukahvit", contact_email="info@example.fi")
        sign_up(client, event)
        deliver_mail(app)
    finally:
        catcher.stop()
    listing = client.get("/dev/mail/").get_data(as_text=True)
    message_id = listing.split('href="/dev/mail/')[1].split('"')[0]

    page = client.get(f"/dev/mail/{message_id}")

    html = page.get_data(as_text=True)
    assert "Replies go to info@example.fi" in text_of(page)
    frame = re.search(r"<iframe [^>]*>", html).group(0)
    assert f'src="/dev/mail/{message_id}/html"' in frame
    assert " sandbox " in frame and "allow-" not in frame
    assert 'title="The email as HTML"' in frame
    # The HTML part itself: as sent, under a policy that lets it run nothing as this site.
    shown = client.get(f"/dev/mail/{message_id}/html")
    assert shown.mimetype == "text/html"
    assert '<html lang="en">' in shown.get_data(as_text=True)
    assert 'href="http://kutsu.test/manage/' in shown.get_data(as_text=True)
    policy = shown.headers["Content-Security-Policy"]
    assert policy.startswith("sandbox;") and "default-src 'none'" in policy
    assert "script-src" not in policy and "frame-ancestors 'self'" in policy
    # The calendar invitation downloads as a file, and is one.
    link = re.search(r'<a href="([^"]+)" download="invite.ics">Download invite.ics</a>', html)
    assert link, "a download link for the .ics"
    download = client.get(link.group(1))
    assert download.headers["Content-Disposition"] == 'attachment; filename="invite.ics"'
    assert download.mimetype == "text/calendar"
    [entry] = icalendar.Calendar.from_ical(download.data).walk("VEVENT")
    assert entry["SUMMARY"] == "POPup-aamukahvit"
    assert client.get(f"/dev/mail/{message_id}/attachments/2").status_code == 404


def test_a_long_subject_with_finnish_letters_arrives_whole(app, client, make_event, mailbox):
    title = "Tulevaisuuden sote-keskus: kansallinen sidosryhmätyöpaja ja järjestöjen yhteistyö"
    event = make_event(title=title)
    sign_up(client, event)
    deliver_mail(app)

    [message] = mailbox.to("sara@example.fi")

    assert message["Subject"] == f"You are registered: {title}"


def test_an_address_with_letters_mail_cannot_carry_fails_alone_and_the_rest_is_sent(
    app, client, make_event, mailbox
):
    from app.signup.services import register_for_event

    event = make_event()
    sign_up(client, event, email="first@example.fi")
    # Written past the form, as an older version of Kutsu let it through.
    register_for_event(
        event, name="Äiti", email="äiti@example.fi", organisation="", answers={}, locale="fi"
    )
    db.session.commit()
    sign_up(client, event, email="dora@exämple.fi")  # a domain with letters is fine

    deliver_mail(app)

    assert {m["To"] for m in mailbox.messages} == {"first@example.fi", "dora@xn--exmple-cua.fi"}
    [failed] = [e for e in outbox() if e.recipient == "äiti@example.fi"]
    assert failed.status == EmailStatus.FAILED
    assert failed.last_error == "the address has letters like ä or ö before the @"
