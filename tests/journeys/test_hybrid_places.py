"""A hybrid seminar through the real server, in Chromium: one person signs up to follow it
online and another to come to the hall; only the online one's email carries the join
link; the one in the hall switches to online by their manage link, which gives the seat
to the person waiting for it; the organiser's door list has only those who come, and the
CSV says how each person takes part."""

import csv
import io

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import EventFormat
from tests.journeys.conftest import Kutsu, download, page_text, sign_in

pytestmark = pytest.mark.both_databases

JOIN_LINK = "https://teams.example.fi/l/meetup-join/seminaari"
OWNER = "olli.org@example.fi"
ONLINE, HALL, WAITING = "oona@example.fi", "hanna@example.fi", "iiris@example.fi"


def sign_up(page, name: str, email: str, mode: str) -> None:
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_role("group", name="How will you take part?").get_by_label(mode).check()
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Send").click()


def test_online_and_in_person_places_from_sign_up_to_the_door_list(
    kutsu: Kutsu, new_page, make_event, make_organiser
):
    owner = make_organiser(email=OWNER)
    event = make_event(
        owner, format=EventFormat.HYBRID, capacity=1, online_capacity=None, join_link=JOIN_LINK
    )
    slug, event_id = event.slug, event.id
    db.session.commit()

    page = new_page()
    page.goto(f"/events/{slug}/register")
    choice = page.get_by_role("group", name="How will you take part?")
    expect(choice).to_contain_text("In person 1 place left")
    expect(choice).to_contain_text("Online Places available")
    sign_up(page, "Oona Verkkonen", ONLINE, "Online")
    expect(page.get_by_role("heading", level=1)).to_have_text("You are registered")
    page.goto(f"/events/{slug}/register")
    sign_up(page, "Hanna Salinen", HALL, "In person")
    expect(page.get_by_role("heading", level=1)).to_have_text("You are registered")
    page.goto(f"/events/{slug}/register")
    sign_up(page, "Iiris Jonottaja", WAITING, "In person")
    expect(page.get_by_role("heading", level=1)).to_have_text("You are on the waiting list")

    [online] = kutsu.wait_for_mail(ONLINE)
    [hall] = kutsu.wait_for_mail(HALL)
    assert f"Join online: {JOIN_LINK}" in kutsu.mailbox.text(online)
    assert JOIN_LINK not in hall.as_string()
    assert "Where: Kumppanuustalo, auditorio, Hämeenlinna" in kutsu.mailbox.text(hall)

    # Hanna will follow it from home after all: her seat goes to Iiris, who was waiting.
    page.goto(kutsu.link_in(hall, "/manage/"))
    page.get_by_role("link", name="Change how you take part").click()
    page.get_by_role("group", name="How will you take part?").get_by_label("Online").check()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("You now take part online.")).to_be_visible()
    [moved] = kutsu.wait_for_mail(HALL, subject="How you take part has changed")
    assert f"Join online: {JOIN_LINK}" in kutsu.mailbox.text(moved)
    [promoted] = kutsu.wait_for_mail(WAITING, subject="A place became free")
    assert JOIN_LINK not in promoted.as_string()

    organiser = new_page()
    sign_in(organiser, OWNER)
    organiser.goto(f"/organiser/events/{event_id}/door-list")
    door = organiser.locator(".door-list tbody")
    expect(door.locator("tr")).to_have_count(1)
    expect(door).to_contain_text("Iiris Jonottaja")
    organiser.goto(f"/organiser/events/{event_id}/attendees")
    assert "Online 2 No limit 0" in page_text(organiser.content())
    data = download(organiser, "Download as CSV")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))
    mode_column = rows[0].index("Taking part")
    assert {row[0]: (row[3], row[mode_column]) for row in rows[1:]} == {
        "Oona Verkkonen": ("Confirmed", "Online"),
        "Hanna Salinen": ("Confirmed", "Online"),
        "Iiris Jonottaja": ("Confirmed", "In person"),
    }
