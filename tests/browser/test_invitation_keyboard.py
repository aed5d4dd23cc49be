"""Accepting an invitation with the keyboard alone, from the link in the email to the
confirmation email; in Finnish, Swedish and English (one run per language).

The nominee was nominated in the language under test, so the invitation comes in it, and
the browser asks for it too. No clicks, no page.fill: Tab, typing, Space and Enter, and
every element Tab lands on must show where the focus is.
"""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app import clock
from app.extensions import db
from app.invitations import services as invitations
from app.models import (
    NominationStatus,
    Participation,
    Registration,
    RegistrationSource,
    RegistrationStatus,
)
from app.nominations import services as nominations
from tests.browser.conftest import write_beside_server
from tests.browser.keyboard import (
    id_is,
    record_rest_styles,
    tab,
    tab_through_privacy_notice_and_consent,
    tab_to,
)
from tests.browser.language import expect_language, t
from tests.conftest import COFFEE_QUESTION, Mailbox, deliver_mail, link_in

pytestmark = pytest.mark.browser

TITLE = "Tulevaisuuden sote-keskus: kansallinen sidosryhmätyöpaja"


@pytest.fixture
def workshop(make_event):
    now = clock.now()
    return make_event(
        title=TITLE,
        capacity=10,
        participation=Participation.INVITATION,
        nominations_close_at=now + timedelta(days=20),
        themes=["Mielenterveys", "Ikäihmiset"],
        reply_by=now + timedelta(days=50),
        starts_in=timedelta(days=60),
        questions=[COFFEE_QUESTION],
    )


@pytest.fixture
def invitation_email(app, workshop, mailbox, language):
    """Aino, nominated in `language`, selected and invited: the email she receives."""
    with write_beside_server():
        nominations.submit_nominations(
            workshop,
            nominator_name="Nina Nominator",
            nominator_email="nina@soste.example",
            nominator_organisation="SOSTE ry",
            nominees=[
                nominations.NomineeDetails(
                    name="Aino Aalto", email="aino@example.fi", region="Kanta-Häme"
                )
            ],
            locale=language,
        )
        [aino] = nominations.candidates(workshop)
        nominations.set_status(workshop, [aino.id], NominationStatus.SELECTED)
        invitations.invite_selected(workshop, send_at=None)
    deliver_mail(app)
    [message] = [m for m in mailbox.to("aino@example.fi") if "/invitations/" in Mailbox.text(m)]
    mailbox.clear()
    return message


def test_accept_an_invitation_with_the_keyboard_alone(
    page: Page, language, app, live_server, workshop, invitation_email, mailbox
):
    coffee = f"q_{workshop.questions[0].id}"
    accept_link = link_in(invitation_email, "/invitations/")
    assert accept_link.endswith("/accept")

    page.goto(live_server(accept_link))
    expect_language(page, language)
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "Accept the invitation"))
    record_rest_styles(page)

    # The name comes from the nomination: Aino checks it and goes on.
    tab_to(page, id_is("name"))
    expect(page.locator("#name")).to_have_value("Aino Aalto")
    assert tab(page)["id"] == "organisation"
    page.keyboard.type("Hämeen Setlementti ry")
    assert tab(page)["id"] == f"{coffee}-0"
    page.keyboard.press("Space")
    tab_through_privacy_notice_and_consent(page, language, workshop.slug)
    expect(page.locator(f"#{coffee}-0")).to_be_checked()
    accept = tab(page)
    assert (accept["tag"], accept["text"]) == ("button", t(language, "Accept"))
    page.keyboard.press("Space")  # a button takes Space as well as Enter

    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, "You are registered"))
    expect_language(page, language)
    sent = t(
        language,
        "We have sent you a confirmation by email, with a calendar entry and a link to "
        "change or cancel your registration.",
    )
    expect(page.get_by_text(sent)).to_be_visible()
    assert page.url == live_server(accept_link.removesuffix("/accept"))

    db.session.commit()  # a fresh read of what the server wrote
    registration = db.session.scalar(sa.select(Registration))
    assert (registration.name, registration.organisation) == ("Aino Aalto", "Hämeen Setlementti ry")
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.source == RegistrationSource.NOMINATION

    deliver_mail(app)
    [confirmation] = mailbox.to("aino@example.fi")
    assert [p.get_filename() for p in confirmation.iter_attachments()] == ["invite.ics"]
    assert t(language, "Thank you for signing up. Your place is confirmed.") in Mailbox.text(
        confirmation
    )

    # Both emails' subjects in the language, whole (a long one is not split inside a word).
    assert invitation_email["Subject"] == t(language, "Invitation: %(title)s", title=TITLE)
    assert confirmation["Subject"] == t(language, "You are registered: %(title)s", title=TITLE)
