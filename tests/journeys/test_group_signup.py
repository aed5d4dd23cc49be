"""A contact person signs up a group of three through the real server, in Chromium: one
member without an email address. The contact person's email lists the group, the member
with an address gets their own; the contact person's link cancels that member, who is
told; the organiser's CSV names each person's group."""

import csv
import io

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import GroupRule
from tests.journeys.conftest import Kutsu, download, page_text, sign_in

KAISA = "kaisa@example.fi"
PEKKA = "pekka@example.fi"
ORGANISER = "olli-groups@example.fi"

pytestmark = pytest.mark.both_databases


def test_a_contact_signs_up_a_group_and_cancels_one_member(
    kutsu: Kutsu, new_page, make_event, make_organiser
):
    event = make_event(
        make_organiser(email=ORGANISER),
        title="Järjestöjen kevätseminaari",
        capacity=10,
        group_size_max=4,
        group_rule=GroupRule.TOGETHER,
    )
    slug, title = event.slug, event.title
    db.session.commit()

    page = new_page()
    page.goto(f"/events/{slug}/register")
    expect(page.get_by_text("the whole group goes on the waiting list together")).to_be_visible()
    page.locator("#name").fill("Kaisa Kontakti")
    page.locator("#email").fill(KAISA)
    page.locator("#organisation").fill("Setlementti ry")
    page.locator("#members-0-name").fill("Pekka Jäsen")
    page.locator("#members-0-email").fill(PEKKA)
    page.get_by_role("button", name="Add a person").click()
    person_3 = page.get_by_role("group", name="Person 3")
    expect(person_3).to_be_visible()
    expect(page.locator("#members-0-email")).to_have_value(PEKKA)  # what was typed stays
    person_3.get_by_label("Full name").fill("Liisa Ilman")
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are registered")
    group = page_text(page.content())
    assert "Pekka Jäsen pekka@example.fi Confirmed" in group
    assert "Liisa Ilman No email address Confirmed" in group

    [contact_mail] = kutsu.wait_for_mail(KAISA)
    assert contact_mail["Subject"] == f"Your group is signed up: {title}"
    [member_mail] = kutsu.wait_for_mail(PEKKA)
    assert member_mail["Subject"] == f"You are registered: {title}"

    page.goto(kutsu.link_in(contact_mail, "/manage/"))
    expect(page.get_by_role("heading", name="Your group")).to_be_visible()
    page.get_by_role("link", name="Cancel Pekka Jäsen").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Cancel the registration of Pekka Jäsen?"
    )
    page.get_by_role("button", name="Yes, cancel their registration").click()
    expect(page.get_by_text("The registration of Pekka Jäsen has been cancelled.")).to_be_visible()
    assert "Pekka Jäsen pekka@example.fi Cancelled" in page_text(page.content())
    kutsu.wait_for_mail(PEKKA, subject="cancelled")

    organiser = new_page()
    sign_in(organiser, ORGANISER)
    organiser.goto(f"/organiser/events/{event.id}/attendees")
    assert "Liisa Ilman Group of Kaisa Kontakti" in page_text(organiser.content())
    data = download(organiser, "Download as CSV")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
    column = rows[0].index("Group contact person")
    status = rows[0].index("Status")
    assert sorted((row[0], row[status], row[column]) for row in rows[1:]) == [
        ("Kaisa Kontakti", "Confirmed", "Kaisa Kontakti"),
        ("Liisa Ilman", "Confirmed", "Kaisa Kontakti"),
        ("Pekka Jäsen", "Cancelled", "Kaisa Kontakti"),
    ]
