"""A standing contact list through the real server, in Chromium: an organiser makes the
NGO sote group's list by pasting it, invites it to the monthly series; a member accepts two
meetings from the mails' links (each a confirmed place on the attendee lists); another
member leaves the list from the link in her mail, the list shows when, and the next
invitation of the list skips her."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app import clock
from app.extensions import db
from app.models import Invitation, Participation, Registration, RegistrationStatus, Series
from app.templating import local_date
from tests.journeys.conftest import Kutsu, page_text, sign_in

pytestmark = pytest.mark.both_databases

PASTED = """Aino Aalto; aino@example.fi; Hämeen Setlementti ry; fi
Bertil Berg; bertil@example.fi; Folkhälsan; sv
Chris Coe <chris@example.org> Sininauhaliitto
"""


def h1(page: Page):
    return page.get_by_role("heading", level=1)


def banner(page: Page):
    return page.locator(".banner-content")


def make_series(owner, make_event) -> tuple[int, list[int]]:
    """The monthly Teams meeting, three occurrences ahead, as app.series makes them."""
    series = Series(slug="sote-ryhma", title="Sote-ryhmän kuukausitapaaminen", rule={})
    db.session.add(series)
    db.session.flush()
    meetings = [
        make_event(
            owner,
            title=f"Sote-ryhmä {month}",
            starts_in=timedelta(days=20 + 30 * n),
            participation=Participation.OPEN,
        )
        for n, month in enumerate(("tammikuu", "helmikuu", "maaliskuu"))
    ]
    for meeting in meetings:
        meeting.series_id = series.id
    db.session.commit()
    return series.id, [meeting.id for meeting in meetings]


def test_a_list_is_invited_to_a_series_a_member_accepts_two_meetings_another_leaves(
    kutsu: Kutsu, new_page, make_organiser, make_event
):
    owner = make_organiser(email="sara@example.fi", name="Sara Koordinaattori")
    series_id, meetings = make_series(owner, make_event)
    workshop = make_event(owner, title="Sote-työpaja", participation=Participation.INVITATION)
    workshop_id = workshop.id
    db.session.commit()

    page = new_page()
    sign_in(page, "sara@example.fi")

    # 1. The list, made by pasting the addresses.
    page.get_by_role("link", name="Lists", exact=True).click()
    page.get_by_role("link", name="New list").click()
    page.get_by_label("Name of the list").fill("Järjestöjen sote-ryhmä")
    page.get_by_label("Purpose").fill("Kanta-Hämeen järjestöjen sote-ryhmän sähköpostilista")
    page.get_by_role("button", name="Make the list").click()
    expect(h1(page)).to_have_text("Add people")
    page.get_by_label("Paste the addresses").fill(PASTED)
    page.get_by_label("Finnish").check()
    page.get_by_role("button", name="Add to the list").click()
    expect(banner(page)).to_have_text("3 people were added to the list.")
    expect(page.get_by_role("table", name="Members")).to_contain_text("Sininauhaliitto")
    list_url = page.url

    # 2. The list invited to the series: one invitation per member per meeting, now.
    page.get_by_role("link", name="Invite the list").click()
    page.get_by_label("Series: Sote-ryhmän kuukausitapaaminen").check()
    page.get_by_label("Now").check()
    page.get_by_role("button", name="Invite everyone on the list").click()
    expect(banner(page)).to_have_text("9 invitations were planned for 3 meetings.")

    # 3. Aino's three invitations, each with its list line, its link and the headers.
    mails = kutsu.wait_for_mail("aino@example.fi", count=3, subject="Kutsu:")
    for message in mails:
        leave = kutsu.link_in(message, "/lists/leave/")
        path = re.search(r"/lists/leave/[\w-]+", leave).group(0)
        assert message["List-Unsubscribe"] == f"<http://kutsu.test{path}>"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert (
            "Saat tämän, koska olet listalla Järjestöjen sote-ryhmä (Kanta-Hämeen järjestöjen "
            "sote-ryhmän sähköpostilista)." in kutsu.mailbox.text(message)
        )
    by_title = {m["Subject"]: m for m in mails}
    aino = kutsu.visitor("fi")
    for month in ("tammikuu", "maaliskuu"):
        accept = kutsu.link_in(by_title[f"Kutsu: Sote-ryhmä {month}"], "/invitations/", "/accept")
        answer = aino.submit(accept, {"name": "Aino Aalto", "consent": "y"})
        assert answer.status_code == 200, answer.status_code
        assert "Olet ilmoittautunut" in page_text(answer.text)
    for meeting, coming in zip(meetings, (True, False, True), strict=True):
        page.goto(f"/organiser/events/{meeting}/attendees")
        table = page.locator(".attendee-table")
        if coming:
            expect(table).to_contain_text("Aino Aalto")
        else:
            expect(table).not_to_contain_text("Aino Aalto")
    db.session.rollback()
    assert db.session.scalars(
        sa.select(Registration.event_id).where(
            Registration.email_normalised == "aino@example.fi",
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    ).all() == [meetings[0], meetings[2]]

    # 4. Bertil leaves from the link in his (Swedish) mail; opening it alone does nothing.
    [bertil_mail, *_] = kutsu.wait_for_mail("bertil@example.fi", count=3, subject="Inbjudan:")
    assert "Ta bort mig från listan" in kutsu.mailbox.text(bertil_mail)
    bertil = new_page("sv-SE")
    bertil.goto(kutsu.link_in(bertil_mail, "/lists/leave/"))
    expect(h1(bertil)).to_have_text("Lämna listan Järjestöjen sote-ryhmä")
    bertil.get_by_role("button", name="Ta bort mig från listan").click()
    expect(banner(bertil)).to_have_text("Du togs bort från listan Järjestöjen sote-ryhmä.")

    page.goto(list_url)
    left = page.get_by_role("table", name="Who left the list, and when")
    today = local_date(clock.now(), "en")
    row = left.get_by_role("row", name=re.compile("Bertil Berg"))
    for cell in ("Bertil Berg", "bertil@example.fi", "Folkhälsan", today):
        expect(row.get_by_role("cell", name=cell, exact=True)).to_be_visible()
    expect(page.get_by_role("table", name="Members")).not_to_contain_text("Bertil")

    # 5. The next invitation of the list skips him, and says so.
    page.get_by_role("link", name="Invite the list").click()
    page.get_by_label(re.compile("^Sote-työpaja")).check()
    page.get_by_label("Now").check()
    page.get_by_role("button", name="Invite everyone on the list").click()
    expect(banner(page)).to_have_text(
        "2 invitations were planned for 1 meeting. Not invited: 1 member who left the list."
    )
    db.session.rollback()
    invited = db.session.scalars(
        sa.select(Invitation.email).where(Invitation.event_id == workshop_id)
    ).all()
    assert sorted(invited) == ["aino@example.fi", "chris@example.org"]
    assert series_id
