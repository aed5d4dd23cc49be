"""Organisers' messages to the people of an event, and the event's outbox: writing, the
preview, sending now or later, progress, failures and retries, and who may do what.

Every email goes through the real SMTP server of the tests."""

import re
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from app import clock
from app.extensions import db
from app.messages.services import plan_message
from app.models import Audience, EmailStatus, MessageBatch, OutboundEmail
from app.signup.services import register_for_event
from tests.conftest import (
    PASSWORD,
    Mailbox,
    csrf_token_in,
    deliver_mail,
    free_port,
    link_in,
    sign_up,
    submit,
    text_of,
)
from tests.servers import running_server
from tests.test_concurrency import Browser, at_the_same_moment, settle
from tests.test_organiser import form_values

TITLE = "Järjestöjen kevätpäivä"
# As a browser sends a textarea: \r\n line breaks.
BODY = (
    "Hei!\r\n\r\nOhjelma alkaa klo 9.00 aulassa.\r\nKahvia on tarjolla.\r\n\r\n"
    "Ota mukaan <oma muki> & hyvä mieli!"
)


# --- helpers --------------------------------------------------------------------------


def new_message_url(event) -> str:
    return f"/organiser/events/{event.id}/messages/new"


def message(**overrides) -> dict:
    """What an organiser types into the message form (no button pressed yet). send_at:
    a moment as helsinki() gives it, typed into the date and time inputs as a Finn would
    (1.12.2026 and 9.30), or any other text, typed as the date."""
    typed = {
        "audience": "confirmed",
        "subject": "Ohjelma on valmis",
        "body": BODY,
        "when": "now",
        "send_at": "",
        **overrides,
    }
    send_at = typed.pop("send_at")
    try:
        moment = datetime.strptime(send_at, "%Y-%m-%dT%H:%M")
    except ValueError:
        return typed | {"send_at-date": send_at, "send_at-time": "9.00" if send_at else ""}
    day, time = f"{moment.day}.{moment.month}.{moment.year}", f"{moment.hour}.{moment.minute:02d}"
    return typed | {"send_at-date": day, "send_at-time": time}


def preview(client, event, **fields):
    """Fill in the message form and press "Preview the message"."""
    return submit(client, new_message_url(event), message(**fields))


def confirm(client, event, preview_page):
    """Press the preview's Send (or Schedule) button; follows to the messages page."""
    fields = form_values(preview_page, "body")
    return client.post(
        new_message_url(event), data={**fields, "confirm": "1"}, follow_redirects=True
    )


def send_message(client, event, **fields):
    page = preview(client, event, **fields)
    assert page.status_code == 200 and "Check your message" in text_of(page), text_of(page)
    return confirm(client, event, page)


def helsinki(moment: datetime) -> str:
    """A moment in Helsinki, to the minute (message() types it into the form)."""
    return clock.to_local(moment).strftime("%Y-%m-%dT%H:%M")


def shown_time(typed: str) -> str:
    """A typed 2026-12-01T09:30 as the English pages show it (after the weekday):
    1 Dec 2026, 09:30."""
    moment = datetime.strptime(typed, "%Y-%m-%dT%H:%M")
    return f"{moment.day} {moment:%b %Y}, {moment:%H:%M}"


def messages_in_outbox(**where) -> int:
    query = sa.select(sa.func.count(OutboundEmail.id)).where(
        OutboundEmail.kind == "organiser_message"
    )
    for name, value in where.items():
        query = query.where(getattr(OutboundEmail, name) == value)
    return db.session.scalar(query)


def batch_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(MessageBatch.id)))


class _TableReader(HTMLParser):
    """The first table on a page: its header cells and the text of each body row's cells."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.headers: list[str] = []
        self.rows: list[list[str]] = []
        self._cell: list[str] | None = None
        self._in_head = False
        self._tables = 0

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self._tables += 1
        elif self._tables != 1:
            return
        elif tag == "thead":
            self._in_head = True
        elif tag == "tr" and not self._in_head:
            self.rows.append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)

    def handle_endtag(self, tag):
        if self._tables != 1:
            return
        if tag == "thead":
            self._in_head = False
        elif tag in ("td", "th") and self._cell is not None:
            text = re.sub(r"\s+", " ", "".join(self._cell)).strip()
            (self.headers if self._in_head else self.rows[-1]).append(text)
            self._cell = None
        elif tag == "table":
            self._tables += 1


def table_rows(response) -> list[dict[str, str]]:
    """Each row of the page's table as {column heading: cell text}."""
    reader = _TableReader()
    reader.feed(response.get_data(as_text=True))
    return [dict(zip(reader.headers, row, strict=False)) for row in reader.rows]


def message_rows(client, event) -> list[dict[str, str]]:
    return table_rows(client.get(f"/organiser/events/{event.id}/messages"))


def outbox_rows(client, event, query: str = "") -> list[dict[str, str]]:
    return table_rows(client.get(f"/organiser/events/{event.id}/outbox{query}"))


def retry_form_action(response, recipient: str) -> str:
    """The action of the Retry button in the outbox row of `recipient`."""
    html = response.get_data(as_text=True)
    row = next(row for row in html.split("<tr>") if f"<td>{recipient}</td>" in row)
    found = re.search(r'<form method="post" action="([^"]+/retry)"', row)
    assert found, f"no Retry button for {recipient}"
    return found.group(1)


@pytest.fixture
def event(make_event, make_organiser):
    owner = make_organiser(email="olli@example.fi", name="Olli Organiser")
    return make_event(owner, title=TITLE, capacity=2, contact_email="info@example.fi")


@pytest.fixture
def owner(event):
    return event.organiser_links[0].organiser


@pytest.fixture
def people(client, app, event, mailbox) -> dict[str, str]:
    """Sara and Aino have places, Pekka waits, Kalle cancelled; their own mail delivered.

    Each person's manage link, by email address."""
    links = {}
    for name, email in [
        ("Sara Löyttyjärvi", "sara@example.fi"),
        ("Aino Mäkinen", "aino@example.fi"),
        ("Pekka Virtanen", "pekka@example.fi"),
        ("Kalle Korhonen", "kalle@example.fi"),
    ]:
        sign_up(client, event, name=name, email=email)
        deliver_mail(app)
        links[email] = link_in(mailbox.to(email)[0], "/manage/")
    cancel_through_manage_link(client, app, links["kalle@example.fi"])
    mailbox.clear()
    return links


def cancel_through_manage_link(client, app, manage_link: str) -> None:
    done = submit(client, manage_link + "/cancel", {}, follow_redirects=True)
    assert "cancelled" in text_of(done).lower()
    deliver_mail(app)


class RefusingMailbox(Mailbox):
    """A mail server that refuses the addresses in `refused` for good (550)."""

    def __init__(self):
        super().__init__()
        self.refused: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refused:
            return "550 No such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def refusing_server(app):
    """The app's mail goes to a server that refuses the addresses the test names."""
    controller = Controller(RefusingMailbox(), hostname="127.0.0.1", port=free_port())
    controller.start()
    state = app.extensions["mail"]
    original = state.port
    state.port = controller.port
    yield controller.handler
    state.port = original
    controller.stop()


# --- writing and previewing -----------------------------------------------------------


def test_the_preview_shows_the_email_as_it_will_be_sent_and_saves_nothing(
    client, login, owner, event, people
):
    login(owner)
    form = client.get(new_message_url(event))
    assert "Write a message" in text_of(form)
    assert "People with a confirmed place (2)" in text_of(form)
    assert "People on the waiting list (1)" in text_of(form)
    assert "Everyone: confirmed and on the waiting list (3)" in text_of(form)

    page = preview(client, event)

    shown = text_of(page)
    assert page.status_code == 200
    assert "Check your message" in shown
    assert "To People with a confirmed place: 2 people Aino Mäkinen, Sara Löyttyjärvi" in shown
    assert "When Now" in shown
    assert f"Subject Ohjelma on valmis – {TITLE}" in shown
    assert "This is the email Aino Mäkinen gets." in shown
    html = page.get_data(as_text=True)
    email = html[
        html.index('<div class="mail-text" lang="en">') : html.index(
            "</div>", html.index("mail-text")
        )
    ]
    # The message is in the event's language, Finnish, inside an English email: marked so.
    assert '<span lang="fi">Hei!' in email
    email = re.sub(r"</?span[^>]*>", "", email)
    assert "Aino Mäkinen,\n\nHei!\n\nOhjelma alkaa klo 9.00 aulassa.\nKahvia on tarjolla." in email
    assert "Ota mukaan &lt;oma muki&gt; &amp; hyvä mieli!\n\n– Olli Organiser" in email
    assert "Kumppanuustalo, auditorio, Hämeenlinna" in email
    assert "Change your answers or cancel: [a personal link for each person]" in email
    assert "Questions: info@example.fi" in email
    assert "Send" in text_of(page) and "Schedule" not in text_of(page)
    assert batch_count() == 0
    assert messages_in_outbox() == 0

    # "Change" goes back to the form with everything as typed.
    again = client.post(new_message_url(event), data={**form_values(page, "body"), "change": "1"})

    assert "Write a message" in text_of(again)
    assert "There is a problem" not in text_of(again)
    typed = form_values(again, "subject")
    assert typed["audience"] == "confirmed"
    assert typed["subject"] == "Ohjelma on valmis"
    assert typed["body"] == BODY.replace("\r\n", "\n")
    assert typed["when"] == "now"
    assert batch_count() == 0
    assert messages_in_outbox() == 0


@pytest.mark.parametrize(
    ("language", "link_line"),
    [
        ("en", "Change your answers or cancel: [a personal link for each person]"),
        (
            "fi",
            "Muuta vastauksiasi tai peru ilmoittautuminen: [jokaisen oma henkilökohtainen linkki]",
        ),
        ("sv", "Ändra dina svar eller avboka: [en personlig länk till var och en]"),
    ],
)
def test_the_preview_names_the_personal_link_in_the_organisers_language(
    client, login, owner, event, people, language, link_line
):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
    login(owner)

    page = preview(client, event)

    html = page.get_data(as_text=True)
    email = html[html.index('<div class="mail-text"') :]
    assert link_line in email
    if language != "en":
        assert "a personal link" not in html


def test_bad_input_gives_errors_at_the_fields_and_keeps_what_was_typed(
    client, login, owner, event, people
):
    login(owner)
    now = clock.now()
    cases = [
        ({"subject": "   "}, "subject", "Enter a subject"),
        ({"subject": "x" * 201}, "subject", "Use 200 characters or fewer"),
        ({"subject": "Ohjelma\nBcc: everyone@example.fi"}, "subject", "Remove the special"),
        ({"body": ""}, "body", "Enter the message"),
        ({"body": "x" * 10001}, "body", "Use 10000 characters or fewer"),
        ({"body": "Hei\x00 kaikki"}, "body", "Remove the special characters"),
        ({"audience": ""}, "audience-0", "Choose who gets the message"),
        ({"audience": "cancelled"}, "audience-0", "Choose who gets the message"),
        ({"when": "later", "send_at": ""}, "send_at-date", "Enter the date and time to send"),
        (
            {"when": "later", "send_at": "ensi tiistaina"},
            "send_at-date",
            "Enter the date to send it as day.month.year, for example 17.3.2026",
        ),
        (
            {"when": "later", "send_at": helsinki(now - timedelta(hours=1))},
            "send_at-date",
            "The date and time must be in the future",
        ),
        (
            {"when": "later", "send_at": helsinki(now + timedelta(days=400))},
            "send_at-date",
            "The date and time must be within a year from now",
        ),
    ]

    for fields, target, problem in cases:
        page = preview(client, event, **fields)

        html = page.get_data(as_text=True)
        assert page.status_code == 200, fields
        assert "<title>Error:" in html, fields
        start = html.index("There is a problem")
        summary = html[start : html.index("</ul>", start)]
        assert f'href="#{target}"' in summary, fields
        assert problem in summary, fields
        field = target.removesuffix("-0").removesuffix("-date")
        assert f'id="{field}-error"' in html, fields
        assert "Check your message" not in text_of(page), fields
        typed = form_values(page, "subject")
        for name, value in message(**fields).items():
            if name != "audience" and "\x00" not in value:
                expected = value.replace("\r\n", "\n").strip()
                assert typed[name].strip() == expected, (fields, name)

    # A 10,000-character message is fine, also when the browser sends \r\n line breaks.
    long_body = ("x" * 99 + "\r\n") * 100
    assert len(long_body.replace("\r\n", "\n")) == 10000
    assert "Check your message" in text_of(preview(client, event, body=long_body))
    assert batch_count() == 0
    assert messages_in_outbox() == 0


def test_a_group_with_no_one_in_it_cannot_be_chosen(client, app, login, owner, event, people):
    login(owner)
    page = preview(client, event, audience="waiting")
    assert "Check your message" in text_of(page)

    # Sara cancels: Pekka gets her place, and no one is waiting any more.
    cancel_through_manage_link(client, app, people["sara@example.fi"])
    refused = confirm(client, event, page)

    assert "No one is in that group. Choose another group." in text_of(refused)
    assert "People on the waiting list (0)" in text_of(refused)
    assert batch_count() == 0


# --- sending --------------------------------------------------------------------------


@pytest.mark.both_databases
def test_sending_now_emails_the_confirmed_people_with_their_own_manage_link(
    client, app, login, owner, event, people, mailbox
):
    login(owner)

    done = send_message(client, event)

    assert done.request.path == f"/organiser/events/{event.id}/messages"
    assert "Your message is being sent to 2 people." in text_of(done)
    assert deliver_mail(app) == 2
    for name, address in [
        ("Sara Löyttyjärvi", "sara@example.fi"),
        ("Aino Mäkinen", "aino@example.fi"),
    ]:
        [email] = mailbox.to(address)
        assert email["Subject"] == f"Ohjelma on valmis – {TITLE}"
        text = mailbox.text(email).replace("\r\n", "\n")
        assert text.startswith(f"{name},\n\nHei!\n\nOhjelma alkaa klo 9.00 aulassa.\n")
        assert "Ota mukaan <oma muki> & hyvä mieli!\n\n– Olli Organiser" in text
        assert "Ota mukaan &lt;oma muki&gt; &amp; hyvä mieli!" in mailbox.html(email)
        assert "<p>Ohjelma alkaa klo 9.00 aulassa.<br>Kahvia on tarjolla.</p>" in mailbox.html(
            email
        )
        manage = client.get(link_in(email, "/manage/"))
        assert "Your registration" in text_of(manage)
        assert name in manage.get_data(as_text=True)
    assert mailbox.to("pekka@example.fi") == []
    assert mailbox.to("kalle@example.fi") == []
    [row] = message_rows(client, event)
    assert row["Subject"] == "Ohjelma on valmis"
    # Written in Finnish, listed on an English page: marked as Finnish.
    assert '<td><span lang="fi">Ohjelma on valmis</span></td>' in (
        client.get(f"/organiser/events/{event.id}/messages").get_data(as_text=True)
    )
    assert row["To"] == "People with a confirmed place"
    assert row["When"].startswith("Sent ")
    assert row["Written by"] == "Olli Organiser"
    assert (row["Sent"], row["Pending"], row["Failed"], row["Skipped"]) == ("2", "0", "0", "0")


def test_a_reply_to_a_message_goes_to_the_events_contact_address(
    client, app, login, owner, event, people, mailbox
):
    login(owner)
    send_message(client, event)
    deliver_mail(app)

    [email] = mailbox.to("sara@example.fi")
    assert email["Reply-To"] == "info@example.fi"
    assert email["From"] == "Kutsu <kutsu@test.example>"


# --- a version per language -----------------------------------------------------------

SWEDISH = {"text_sv-subject": "Programmet är klart", "text_sv-body": "Hej!\r\n\r\nVälkommen."}


def mail_text(email) -> str:
    return Mailbox.text(email).replace("\r\n", "\n")


@pytest.fixture
def readers(client, app, event, mailbox) -> None:
    """Sara signed up in Finnish, Åsa in Swedish, John in English; all have places."""
    event.capacity = None
    db.session.commit()
    for name, email, language in [
        ("Sara Löyttyjärvi", "sara@example.fi", "fi"),
        ("Åsa Lindqvist", "asa@example.fi", "sv"),
        ("John Smith", "john@example.fi", "en"),
    ]:
        client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language
        sign_up(client, event, name=name, email=email)
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    deliver_mail(app)
    mailbox.clear()


def test_the_form_offers_a_version_in_each_other_language(client, login, owner, event):
    login(owner)

    page = text_of(client.get(new_message_url(event)))

    assert "The event's language: Finnish Subject Message" in page
    assert "In other languages" in page
    assert "Subject (Swedish) (optional)" in page and "Message (English) (optional)" in page
    assert "Subject (Finnish)" not in page


def test_each_person_gets_the_message_in_their_language_else_in_the_events(
    client, app, login, owner, event, readers, mailbox
):
    login(owner)

    send_message(client, event, **SWEDISH)
    deliver_mail(app)

    [sara] = mailbox.to("sara@example.fi")
    assert sara["Subject"] == f"Ohjelma on valmis – {TITLE}"
    assert mail_text(sara).startswith("Sara Löyttyjärvi,\n\nHei!")
    assert '<html lang="fi">' in mailbox.html(sara) and "<div lang=" not in mailbox.html(sara)
    [asa] = mailbox.to("asa@example.fi")
    assert asa["Subject"] == f"Programmet är klart – {TITLE}"
    assert mail_text(asa).startswith("Åsa Lindqvist,\n\nHej!\n\nVälkommen.\n")
    assert "Ohjelma" not in mail_text(asa)
    html = mailbox.html(asa)
    assert '<html lang="sv">' in html and "<p>Hej!</p>" in html and "<div lang=" not in html
    # No English version: John gets the Finnish one, marked as Finnish in his English email.
    [john] = mailbox.to("john@example.fi")
    assert john["Subject"] == f"Ohjelma on valmis – {TITLE}"
    assert "Change your answers or cancel" in mailbox.text(john)
    html = mailbox.html(john)
    assert '<html lang="en">' in html
    assert '<h1 style="font-size: 24px;"><span lang="fi">Ohjelma on valmis</span></h1>' in html
    assert re.search(r'<div lang="fi">\s*<p>Hei!</p>', html)


def test_a_scheduled_message_keeps_its_versions_whatever_the_event_says_later(
    client, app, login, owner, event, readers, mailbox
):
    login(owner)
    typed = helsinki(clock.now() + timedelta(days=1))
    send_message(client, event, when="later", send_at=typed, **SWEDISH)
    event.language = "sv"
    event.title = "Organisationernas vårdag"
    db.session.commit()

    clock.travel(clock.now() + timedelta(days=1, minutes=1))
    deliver_mail(app)

    [sara] = mailbox.to("sara@example.fi")
    assert sara["Subject"].startswith("Ohjelma on valmis – ")
    assert mail_text(sara).startswith("Sara Löyttyjärvi,\n\nHei!")
    [asa] = mailbox.to("asa@example.fi")
    assert asa["Subject"].startswith("Programmet är klart – ")
    [john] = mailbox.to("john@example.fi")
    assert re.search(r'<div lang="fi">\s*<p>Hei!</p>', mailbox.html(john))


def test_a_version_needs_both_its_subject_and_its_message(client, login, owner, event, readers):
    login(owner)

    page = preview(client, event, **{"text_sv-subject": "Programmet är klart"})

    assert "<title>Error:" in page.get_data(as_text=True)
    assert "Enter the message (Swedish), or leave the subject in that language empty" in (
        text_of(page)
    )
    assert 'href="#text_sv-body"' in page.get_data(as_text=True)
    assert form_values(page, "subject")["text_sv-subject"] == "Programmet är klart"
    assert '<details class="translations" open>' in page.get_data(as_text=True)


def test_the_preview_shows_the_email_as_each_language_gets_it(client, login, owner, event, readers):
    login(owner)

    page = preview(client, event, audience="confirmed", **SWEDISH)

    shown = text_of(page)
    assert "Finnish: 1 person, who gets the message in Finnish" in shown
    assert "Swedish: 1 person, who gets the message in Swedish" in shown
    assert "English: 1 person, who gets the message in Finnish" in shown
    assert "The email in English" in shown and "This is the email John Smith gets." in shown

    fields = form_values(page, "body")
    in_swedish = client.post(new_message_url(event), data={**fields, "preview_in": "sv"})

    shown = text_of(in_swedish)
    assert "The email in Swedish" in shown and "This is the email Åsa Lindqvist gets." in shown
    assert "Subject Programmet är klart" in shown
    html = in_swedish.get_data(as_text=True)
    email = html[html.index('<div class="mail-text" lang="sv">') :]
    assert email.startswith('<div class="mail-text" lang="sv">Åsa Lindqvist,\n\nHej!')
    assert "Ändra dina svar eller avboka: [en personlig länk till var och en]" in email
    assert batch_count() == 0


def test_a_message_to_everyone_reaches_confirmed_and_waiting_but_not_cancelled(
    client, app, login, owner, event, people, mailbox
):
    login(owner)

    done = send_message(client, event, audience="everyone", subject="Muutos ohjelmaan")

    assert "Your message is being sent to 3 people." in text_of(done)
    assert deliver_mail(app) == 3
    for address in ("sara@example.fi", "aino@example.fi", "pekka@example.fi"):
        [email] = mailbox.to(address)
        assert email["Subject"] == f"Muutos ohjelmaan – {TITLE}"
    assert mailbox.to("kalle@example.fi") == []
    assert message_rows(client, event)[0]["To"] == "Everyone: confirmed and on the waiting list"


def test_a_message_to_the_waiting_list_reaches_only_those_waiting(
    client, app, login, owner, event, people, mailbox
):
    login(owner)

    send_message(client, event, audience="waiting")

    assert deliver_mail(app) == 1
    assert len(mailbox.to("pekka@example.fi")) == 1


@pytest.mark.both_databases
def test_pressing_send_twice_sends_the_message_once(
    client, app, login, owner, event, people, mailbox
):
    login(owner)
    page = preview(client, event)

    first = confirm(client, event, page)
    second = confirm(client, event, page)

    assert "Your message is being sent to 2 people." in text_of(first)
    assert "You had just sent this message, so it was not sent again." in text_of(second)
    assert batch_count() == 1
    assert deliver_mail(app) == 2
    assert len(mailbox.to("sara@example.fi")) == 1


@pytest.mark.slow
@pytest.mark.both_databases
def test_several_presses_of_send_at_the_same_moment_send_the_message_once(
    app, database_url, owner, event, people
):
    """Send pressed in several tabs at once: the batches are planned one after another,
    and each later one finds the first."""
    event_id, email = event.id, owner.email
    settle(event)
    path = f"/organiser/events/{event_id}/messages/new"

    def pressing_send(browser: Browser):
        def get_ready():
            token = browser.form("/login")
            signed_in = browser.post(
                "/login", {"csrf_token": token, "email": email, "password": PASSWORD}
            )
            assert signed_in.status_code == 303
            shown = browser.post(path, {"csrf_token": browser.form(path), **message()})
            assert "Check your message" in shown.text
            fields = dict(re.findall(r'type="hidden" name="([^"]+)" value="([^"]*)"', shown.text))
            fields["csrf_token"] = csrf_token_in(shown.text)
            fields["body"] = unescape(fields["body"])
            return lambda: browser.post(path, {**fields, "confirm": "1"})

        return get_ready

    with running_server(database_url) as base_url, ExitStack() as browsers_open:
        browsers = [Browser(base_url) for _ in range(3)]
        for browser in browsers:
            browsers_open.callback(browser.close)
        answers = at_the_same_moment([pressing_send(browser) for browser in browsers])

    assert [answer.status_code for answer in answers] == [303] * 3
    assert batch_count() == 1
    assert messages_in_outbox() == 2


@pytest.mark.both_databases
def test_a_scheduled_message_is_sent_when_its_time_comes(
    client, app, login, owner, event, people, mailbox
):
    login(owner)
    day = clock.to_local(clock.now() + timedelta(days=3)).date()
    typed = f"{day.isoformat()}T09:30"
    due = datetime.strptime(typed, "%Y-%m-%dT%H:%M").replace(tzinfo=clock.HELSINKI)

    page = preview(client, event, when="later", send_at=typed)

    assert re.search(rf"When \w+ {re.escape(shown_time(typed))} \(Finnish time\)", text_of(page))
    assert "Schedule" in text_of(page)
    done = confirm(client, event, page)

    assert "Your message will be sent to 2 people on " in text_of(done)
    assert f"{shown_time(typed)}." in text_of(done)
    [row] = message_rows(client, event)
    assert row["When"].startswith("Scheduled for ")
    assert row["When"].endswith(shown_time(typed))
    assert (row["Sent"], row["Pending"], row["Failed"], row["Skipped"]) == ("0", "2", "0", "0")
    assert deliver_mail(app) == 0

    clock.travel(due.astimezone(UTC) - timedelta(minutes=1))
    assert deliver_mail(app) == 0
    assert mailbox.to("sara@example.fi") == []

    clock.travel(due.astimezone(UTC) + timedelta(minutes=1))
    assert deliver_mail(app) == 2
    assert len(mailbox.to("sara@example.fi")) == 1
    assert len(mailbox.to("aino@example.fi")) == 1
    [row] = message_rows(client, event)
    assert row["When"].startswith("Sent ")
    assert row["When"].endswith(shown_time(typed))
    assert (row["Sent"], row["Pending"], row["Failed"], row["Skipped"]) == ("2", "0", "0", "0")


def test_someone_who_cancels_before_a_scheduled_message_is_skipped(
    client, app, login, owner, event, people, mailbox
):
    login(owner)
    due = clock.now() + timedelta(days=1)
    send_message(client, event, when="later", send_at=helsinki(due))

    cancel_through_manage_link(client, app, people["sara@example.fi"])  # Pekka moves up
    mailbox.clear()
    clock.travel(due + timedelta(minutes=1))

    assert deliver_mail(app) == 1
    assert len(mailbox.to("aino@example.fi")) == 1
    assert mailbox.to("sara@example.fi") == []
    # The people were chosen when the message was scheduled: Pekka was waiting then.
    assert mailbox.to("pekka@example.fi") == []
    [row] = message_rows(client, event)
    assert (row["Sent"], row["Pending"], row["Failed"], row["Skipped"]) == ("1", "0", "0", "1")
    [skipped] = outbox_rows(client, event, "?status=skipped")
    assert skipped["To"] == "sara@example.fi"
    assert skipped["Email"] == "Message from the organisers: Ohjelma on valmis"
    assert skipped["Last error"] == "no longer relevant when due"


FOLLOW = {"follow_redirects": True}


def scheduled_for_tomorrow(client, login, owner, event):
    """The owner schedules a message for this time tomorrow: when, and the messages page."""
    login(owner)
    due = clock.now() + timedelta(days=1)
    send_message(client, event, when="later", send_at=helsinki(due))
    return due, client.get(f"/organiser/events/{event.id}/messages")


def cancel_form_action(response) -> str:
    """The action of the one "Cancel the message" button on the messages page."""
    [action] = re.findall(
        r'<form method="post" action="([^"]+/cancel)"', response.get_data(as_text=True)
    )
    return action


@pytest.mark.both_databases
def test_a_scheduled_message_cancelled_before_it_is_due_reaches_nobody(
    client, app, login, owner, event, people, mailbox
):
    due, page = scheduled_for_tomorrow(client, login, owner, event)
    assert "Cancel the message" in text_of(page)
    token = csrf_token_in(page.get_data(as_text=True))

    done = client.post(cancel_form_action(page), data={"csrf_token": token}, **FOLLOW)

    assert "The message was cancelled: it will not be sent to its 2 people." in text_of(done)
    [row] = message_rows(client, event)
    assert row["When"].startswith("Cancelled; was scheduled for ")
    assert (row["Sent"], row["Pending"], row["Failed"], row["Skipped"]) == ("0", "0", "0", "2")
    assert "Cancel the message" not in text_of(done)
    clock.travel(due + timedelta(minutes=1))
    assert deliver_mail(app) == 0
    assert mailbox.messages == []
    skipped = outbox_rows(client, event, "?status=skipped")
    assert sorted(row["To"] for row in skipped) == ["aino@example.fi", "sara@example.fi"]
    assert {row["Last error"] for row in skipped} == {"the organisers cancelled the message"}


def test_cancelling_a_message_again_says_it_was_cancelled_already(
    client, login, owner, event, people
):
    """The second tab's button, or a co-organiser's, after the first cancelled it."""
    _, page = scheduled_for_tomorrow(client, login, owner, event)
    action, token = cancel_form_action(page), csrf_token_in(page.get_data(as_text=True))
    client.post(action, data={"csrf_token": token}, **FOLLOW)

    again = client.post(action, data={"csrf_token": token}, **FOLLOW)

    assert "This message had already been cancelled: it will not be sent." in text_of(again)
    assert "0 people" not in text_of(again)
    [row] = message_rows(client, event)
    assert row["Skipped"] == "2"


def test_a_message_that_is_due_can_no_longer_be_cancelled(
    client, app, login, owner, event, people, mailbox
):
    due, page = scheduled_for_tomorrow(client, login, owner, event)
    token = csrf_token_in(page.get_data(as_text=True))
    clock.travel(due + timedelta(minutes=1))  # the page was opened before it was due

    page = client.post(cancel_form_action(page), data={"csrf_token": token}, **FOLLOW)

    assert "already being sent, so it can no longer be cancelled" in text_of(page)
    assert deliver_mail(app) == 2
    assert len(mailbox.to("sara@example.fi")) == 1
    [row] = message_rows(client, event)
    assert row["When"].startswith("Sent ")


def test_another_organiser_cannot_cancel_an_events_scheduled_message(
    client, app, login, owner, event, people, make_organiser, make_event
):
    due = clock.now() + timedelta(days=1)
    batch = plan_message(event, owner, Audience.CONFIRMED, "Ajastettu", "Sisältö", due)
    db.session.commit()
    intruder = make_organiser(email="intruder@example.fi")
    own_event = make_event(intruder, title="Oma tilaisuus")
    login(intruder)
    token = csrf_token_in(client.get("/organiser/").get_data(as_text=True))

    for event_id in (event.id, own_event.id):
        path = f"/organiser/events/{event_id}/messages/{batch.id}/cancel"
        assert client.post(path, data={"csrf_token": token}).status_code == 404, path

    db.session.expire_all()
    assert db.session.get(MessageBatch, batch.id).cancelled_at is None
    clock.travel(due + timedelta(minutes=1))
    assert deliver_mail(app) == 2


# --- failures, the outbox and retrying ------------------------------------------------


@pytest.mark.both_databases
def test_a_refused_address_shows_as_failed_and_retry_delivers_it(
    client, app, login, owner, event, people, refusing_server
):
    refusing_server.refused.add("aino@example.fi")
    login(owner)
    send_message(client, event)

    assert deliver_mail(app) == 1

    [row] = message_rows(client, event)
    assert (row["Sent"], row["Pending"], row["Failed"], row["Skipped"]) == ("1", "0", "1", "0")
    outbox = client.get(f"/organiser/events/{event.id}/outbox")
    # Sent: four sign-ups, Kalle's cancellation, Sara's message. Pending: two reminders.
    assert "Pending 2 Sent 6 Failed 1 Gave up 0 Skipped 0" in text_of(outbox)
    [failed] = outbox_rows(client, event, "?status=failed")
    assert failed["Email"] == "Message from the organisers: Ohjelma on valmis"
    assert failed["To"] == "aino@example.fi"
    assert failed["Status"] == "Failed"
    assert failed["Attempts"] == "1"
    assert failed["Last error"] == "550 No such user"
    assert failed["When"].startswith("Due ")
    assert "Retry the email to aino@example.fi" in text_of(outbox)

    retried = client.post(
        retry_form_action(outbox, "aino@example.fi"),
        data={"csrf_token": csrf_token_in(outbox.get_data(as_text=True))},
        follow_redirects=True,
    )

    assert "The email to aino@example.fi will be sent again." in text_of(retried)
    [pending] = [
        row
        for row in outbox_rows(client, event, "?status=pending")
        if row["Email"].startswith("Message from the organisers")
    ]
    assert (pending["To"], pending["Status"], pending["Attempts"]) == (
        "aino@example.fi",
        "Pending",
        "0",
    )
    assert outbox_rows(client, event, "?status=failed") == [{"Email": "No emails."}]

    refusing_server.refused.clear()
    assert deliver_mail(app) == 1
    [email] = refusing_server.to("aino@example.fi")
    assert email["Subject"] == f"Ohjelma on valmis – {TITLE}"
    [row] = message_rows(client, event)
    assert (row["Sent"], row["Pending"], row["Failed"], row["Skipped"]) == ("2", "0", "0", "0")
    sent = [r for r in outbox_rows(client, event) if r["To"] == "aino@example.fi"]
    assert sent[0]["Status"] == "Sent" and sent[0]["When"].startswith("Sent ")


def test_retry_all_failed_puts_every_failed_email_back_in_the_queue(
    client, app, login, owner, event, people, refusing_server
):
    refusing_server.refused.update({"sara@example.fi", "aino@example.fi", "pekka@example.fi"})
    login(owner)
    send_message(client, event, audience="everyone")
    assert deliver_mail(app) == 0
    outbox = client.get(f"/organiser/events/{event.id}/outbox")
    assert "Failed 3" in text_of(outbox)
    assert "Retry all failed (3)" in text_of(outbox)

    refusing_server.refused.clear()
    retried = submit(
        client,
        f"/organiser/events/{event.id}/outbox/retry",
        {},
        form_page=f"/organiser/events/{event.id}/outbox",
        follow_redirects=True,
    )

    assert "3 emails will be sent again." in text_of(retried)
    assert "Retry all failed" not in text_of(retried)
    assert deliver_mail(app) == 3
    for address in ("sara@example.fi", "aino@example.fi", "pekka@example.fi"):
        assert len(refusing_server.to(address)) == 1
    again = submit(
        client,
        f"/organiser/events/{event.id}/outbox/retry",
        {},
        form_page=f"/organiser/events/{event.id}/outbox",
        follow_redirects=True,
    )
    assert "There were no failed emails to retry." in text_of(again)


@pytest.mark.both_databases
def test_the_outbox_lists_every_email_of_the_event_newest_first_a_page_at_a_time(
    client, app, login, owner, make_event
):
    event = make_event(owner, title="Iso tilaisuus", reminder_minutes=[])
    for number in range(60):
        register_for_event(
            event,
            name=f"Henkilö {number:02d}",
            email=f"person{number:02d}@example.fi",
            organisation="",
            answers={},
            locale="fi",
        )
    db.session.commit()
    other = make_event(owner, title="Toinen tilaisuus")
    sign_up(client, other, email="other@example.fi")
    deliver_mail(app)
    login(owner)

    first = client.get(f"/organiser/events/{event.id}/outbox")

    assert "Pending 0 Sent 60 Failed 0 Gave up 0 Skipped 0" in text_of(first)
    assert "60 emails" in text_of(first)
    assert "Page 1 of 2" in text_of(first)
    rows = table_rows(first)
    assert len(rows) == 50
    assert rows[0]["To"] == "person59@example.fi"
    assert rows[0]["Email"] == "Registration confirmed"
    assert rows[0]["Status"] == "Sent"
    assert "other@example.fi" not in first.get_data(as_text=True)
    second = client.get(f"/organiser/events/{event.id}/outbox?page=2")
    assert "Page 2 of 2" in text_of(second)
    assert [row["To"] for row in table_rows(second)] == [
        f"person{number:02d}@example.fi" for number in range(9, -1, -1)
    ]
    assert len(outbox_rows(client, event, "?status=sent")) == 50
    assert outbox_rows(client, event, "?status=pending") == [{"Email": "No emails."}]
    assert outbox_rows(client, event, "?status=nonsense") == rows


# --- who may do what ------------------------------------------------------------------


def test_another_organiser_gets_not_found_for_every_messages_page_and_changes_nothing(
    client, app, login, owner, event, people, make_organiser, make_event
):
    batch = plan_message(event, owner, Audience.CONFIRMED, "Salainen", "Sisältö", None)
    db.session.commit()
    failed = db.session.scalars(
        sa.select(OutboundEmail).where(OutboundEmail.batch_id == batch.id)
    ).first()
    failed.status = EmailStatus.FAILED
    failed.last_error = "550 No such user"
    db.session.commit()
    intruder = make_organiser(email="intruder@example.fi")
    own_event = make_event(intruder, title="Oma tilaisuus")
    login(intruder)
    token = csrf_token_in(client.get("/organiser/").get_data(as_text=True))
    base = f"/organiser/events/{event.id}"

    for path in ("/messages", "/messages/new", "/outbox", "/outbox?status=failed"):
        response = client.get(base + path)
        assert response.status_code == 404, path
        assert TITLE not in response.get_data(as_text=True), path
        assert "Salainen" not in response.get_data(as_text=True), path
    for path, data in [
        ("/messages/new", message()),
        ("/messages/new", {**message(), "confirm": "1"}),
        (f"/outbox/{failed.id}/retry", {}),
        ("/outbox/retry", {}),
    ]:
        response = client.post(base + path, data={"csrf_token": token, **data})
        assert response.status_code == 404, path
    # Their own event does not open another event's email either.
    response = client.post(
        f"/organiser/events/{own_event.id}/outbox/{failed.id}/retry", data={"csrf_token": token}
    )
    assert response.status_code == 404

    db.session.expire_all()
    assert batch_count() == 1
    assert db.session.get(OutboundEmail, failed.id).status == EmailStatus.FAILED
    assert deliver_mail(app) == 1, "only the one email of the owner's message that was due"


def test_co_organisers_and_admins_may_message_and_retry(
    client, app, login, owner, event, people, make_organiser, mailbox
):
    from app.accounts.services import add_co_organiser

    kaisa = make_organiser(email="kaisa@example.fi", name="Kaisa Kumppani")
    add_co_organiser(event, "kaisa@example.fi")
    db.session.commit()
    admin = make_organiser(email="admin@example.fi", name="Anna Admin", admin=True)

    login(kaisa)
    send_message(client, event, subject="Kaisalta")
    login(admin)
    send_message(client, event, subject="Adminilta", audience="waiting")

    for path in ("/messages", "/messages/new", "/outbox"):
        assert client.get(f"/organiser/events/{event.id}{path}").status_code == 200
    rows = message_rows(client, event)
    assert [(row["Subject"], row["Written by"]) for row in rows] == [
        ("Adminilta", "Anna Admin"),
        ("Kaisalta", "Kaisa Kumppani"),
    ]
    assert deliver_mail(app) == 3
    assert "– Kaisa Kumppani" in mailbox.text(mailbox.to("sara@example.fi")[0])


def test_anonymous_visitors_are_sent_to_sign_in_and_their_posts_change_nothing(
    client, app, event, people
):
    base = f"/organiser/events/{event.id}"
    token = csrf_token_in(client.get("/login").get_data(as_text=True))

    for path in ("/messages", "/messages/new", "/outbox"):
        response = client.get(base + path)
        assert response.status_code == 302, path
        location = urlsplit(response.headers["Location"])
        assert location.path == "/login", path
        assert parse_qs(location.query)["next"] == [base + path], path
    for path in ("/messages/new", "/outbox/1/retry", "/outbox/retry"):
        response = client.post(base + path, data={"csrf_token": token, **message(), "confirm": "1"})
        assert response.status_code == 302, path
        assert urlsplit(response.headers["Location"]).path == "/login", path

    assert batch_count() == 0
    assert messages_in_outbox() == 0


def test_every_post_needs_the_csrf_token(client, app, login, owner, event, people):
    batch = plan_message(event, owner, Audience.CONFIRMED, "Ohjelma", "Sisältö", None)
    db.session.commit()
    failed = db.session.scalars(
        sa.select(OutboundEmail).where(OutboundEmail.batch_id == batch.id)
    ).first()
    failed.status = EmailStatus.FAILED
    db.session.commit()
    login(owner)
    base = f"/organiser/events/{event.id}"

    for path, data in [
        ("/messages/new", {**message(subject="Toinen"), "confirm": "1"}),
        (f"/outbox/{failed.id}/retry", {}),
        ("/outbox/retry", {}),
    ]:
        response = client.post(base + path, data=data)
        assert response.status_code == 400, path
        assert "The form had expired or was sent from elsewhere" in text_of(response), path

    db.session.expire_all()
    assert batch_count() == 1
    assert db.session.get(OutboundEmail, failed.id).status == EmailStatus.FAILED


def test_the_event_pages_link_to_messages_and_outbox(client, login, owner, event):
    login(owner)

    overview = client.get(f"/organiser/events/{event.id}")

    html = overview.get_data(as_text=True)
    assert f'href="/organiser/events/{event.id}/messages"' in html
    assert f'href="/organiser/events/{event.id}/outbox"' in html
    messages = client.get(f"/organiser/events/{event.id}/messages")
    assert "No messages yet." in text_of(messages)
    assert 'aria-current="page">Messages</a>' in messages.get_data(as_text=True)
