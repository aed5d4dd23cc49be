"""Mail through trouble, as it is deployed (gunicorn, `flask mail work`, aiosmtpd):

- the mail server is down for longer than the tries a message used to have, then back:
  the mail that waited arrives, its tries untouched by the outage;
- a password-reset email (which has no event) the mail server refused appears on the
  admins' Undelivered email page, and sending it again from there delivers it;
- ten sign-ups in a row naming one address send it no more than the hourly limit of mail,
  and no subject carries the name the form was given.
"""

import re
import time
from collections.abc import Iterator
from datetime import timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app import clock
from app.extensions import db
from app.models import EmailStatus, OutboundEmail
from tests.conftest import PASSWORD, Mailbox, free_port, pending_mail
from tests.journeys.conftest import Kutsu, create_account, page_text
from tests.servers import running_gunicorn, running_mail_worker

pytestmark = pytest.mark.both_databases

OLD_TRIES = 8  # MAIL_MAX_ATTEMPTS before: a refused connection used one each time
WAIT = 20.0


class ChoosyMailbox(Mailbox):
    """Refuses, for good (550), the recipients in `refusing`; takes the rest."""

    def __init__(self) -> None:
        super().__init__()
        self.refusing: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refusing:
            return "550 5.1.1 Mailbox unavailable"
        envelope.rcpt_tos.append(address)
        return "250 OK"


class MailServer:
    """aiosmtpd on a port of its own, which the test stops (the port refuses) and starts."""

    def __init__(self) -> None:
        self.mailbox = ChoosyMailbox()
        self.port = free_port()
        self.controller: Controller | None = None

    def start(self) -> None:
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def mail_server() -> Iterator[MailServer]:
    server = MailServer()
    yield server
    server.stop()


@pytest.fixture
def kutsu_of_own_mail(app, database_url, mail_server, shared_clock) -> Iterator[Kutsu]:
    """The journeys' Kutsu, but sending to mail_server, which starts down."""
    config = {"CLOCK_OFFSET_FILE": str(shared_clock.path)}
    serving = running_gunicorn(database_url, workers=2, threads=2, config=config)
    sending = running_mail_worker(database_url, smtp_port=mail_server.port, config=config)
    with serving as (url, server), sending as worker:
        kutsu = Kutsu(url, mail_server.mailbox, server, worker, shared_clock, database_url)
        yield kutsu
        for visitor in kutsu.opened:
            visitor.close()
        for process in (server, worker):
            assert "Traceback" not in process.output(limit=10**6), process.name


def outbox_row(kind: str) -> OutboundEmail:
    """The one email of this kind, as the database has it now."""
    db.session.rollback()  # a fresh look at what the worker committed
    [row] = db.session.scalars(sa.select(OutboundEmail).where(OutboundEmail.kind == kind))
    db.session.rollback()
    return row


def wait_until(condition, what: str, kutsu: Kutsu) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():
        kutsu.worker.check_running()
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up after {WAIT:.0f} s waiting for {what}")
        time.sleep(0.05)


def sign_up(kutsu: Kutsu, event, name: str, email: str) -> None:
    answer = kutsu.visitor().submit(
        f"/events/{event.slug}/register", {"name": name, "email": email, "consent": "y"}
    )
    assert re.search("You are (registered|on the waiting list)", page_text(answer.text))


def test_mail_waits_out_a_mail_server_outage_longer_than_its_tries_and_arrives(
    kutsu_of_own_mail: Kutsu, mail_server: MailServer, make_event
):
    kutsu = kutsu_of_own_mail
    event = make_event(title="Verkostokokous")
    sign_up(kutsu, event, "Aino Aalto", "aino@example.fi")
    first_due = outbox_row("registration_confirmed").send_after

    # Each worker cycle finds the port closed; the clock then moves past the mail's new
    # due time, for more cycles than a message once had tries, and past the hours they spanned.
    for cycle in range(OLD_TRIES + 4):
        wait_until(
            lambda: (
                "SMTP unavailable" in outbox_row("registration_confirmed").last_error
                and outbox_row("registration_confirmed").send_after > clock.now()
            ),
            f"the worker's try {cycle + 1}",
            kutsu,
        )
        kutsu.clock.travel(outbox_row("registration_confirmed").send_after + timedelta(seconds=1))
    waiting = outbox_row("registration_confirmed")
    assert waiting.status == EmailStatus.PENDING
    assert waiting.attempts == 0, "the outage used none of its tries"
    kutsu.clock.travel(clock.now() + timedelta(hours=5))
    assert clock.now() - first_due > timedelta(hours=5)

    mail_server.start()
    kutsu.clock.travel(outbox_row("registration_confirmed").send_after + timedelta(seconds=1))
    [message] = kutsu.wait_for_mail("aino@example.fi", subject="Verkostokokous")
    assert "Aino Aalto" in Mailbox.text(message)
    # The worker writes what became of a group once it has been sent.
    wait_until(
        lambda: outbox_row("registration_confirmed").status == EmailStatus.SENT, "SENT", kutsu
    )
    delivered = outbox_row("registration_confirmed")
    assert (delivered.status, delivered.attempts) == (EmailStatus.SENT, 1)


def test_an_admin_sends_a_refused_password_reset_again_from_undelivered_email(
    kutsu_of_own_mail: Kutsu, mail_server: MailServer
):
    kutsu = kutsu_of_own_mail
    mail_server.start()
    create_account(kutsu, "anna@example.fi", "Anna Admin", admin=True)
    create_account(kutsu, "olli@example.fi", "Olli Organiser")
    mail_server.mailbox.refusing.add("olli@example.fi")
    kutsu.visitor().submit("/login/forgot", {"email": "olli@example.fi"})
    wait_until(
        lambda: outbox_row("password_reset").status == EmailStatus.FAILED,
        "the refusal",
        kutsu,
    )

    admin = kutsu.visitor()
    admin.sign_in("anna@example.fi", PASSWORD)
    listing = admin.get("/admin/mail/")
    assert listing.status_code == 200
    shown = page_text(listing.text)
    # The row: what, to whom, the event (none), status, tries, the reason, when queued.
    row = "Password reset olli@example.fi No event Failed 1 550 5.1.1 Mailbox unavailable"
    assert row in shown, shown
    assert "/login/reset/" not in listing.text, "no link, nor its token"

    mail_server.mailbox.refusing.clear()
    email_id = outbox_row("password_reset").id
    retried = admin.submit(f"/admin/mail/{email_id}/retry", {}, form_page="/admin/mail/")
    assert "The email to olli@example.fi will be sent again." in page_text(retried.text)
    [message] = kutsu.wait_for_mail("olli@example.fi", subject="Kutsu")
    reset = admin.get(kutsu.link_in(message, "/login/reset/"))
    assert reset.status_code == 200
    assert "No undelivered email." in page_text(admin.get("/admin/mail/").text)
    log = page_text(admin.get("/admin/audit").text)
    line = f"Anna Admin Sent undelivered email again password_reset #{email_id}"
    assert line in log.replace("&lt;anna@example.fi&gt; ", ""), log


def test_ten_sign_ups_naming_one_address_send_it_no_more_than_the_hourly_limit(
    kutsu: Kutsu, make_event, app
):
    limit = app.config["MAIL_PUBLIC_FORM_LIMIT_PER_HOUR"]
    spam = "Visit spam.example for cheap pills"
    events = [make_event(title=f"Tapahtuma {n}") for n in range(10)]
    for event in events:
        sign_up(kutsu, event, spam, "victim@example.fi")

    wait_until(lambda: not pending_mail(), "the worker to take every message", kutsu)
    arrived = kutsu.mail_to("victim@example.fi")
    assert len(arrived) == limit
    assert all(spam not in message["Subject"] for message in arrived)
    held = db.session.scalars(
        sa.select(OutboundEmail).where(OutboundEmail.status == EmailStatus.FAILED)
    ).all()
    assert len(held) == len(events) - limit
    assert all("MAIL_PUBLIC_FORM_LIMIT_PER_HOUR" in row.last_error for row in held)
