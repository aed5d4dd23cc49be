"""A person signs up for two meetings of a monthly series at once, through the real server,
in Chromium: one email arrives with a calendar entry for each meeting at its right time;
its link opens one page listing both; cancelling one leaves the other, as the person's page
and the organiser's attendee lists show."""

import icalendar
import pytest
from playwright.sync_api import expect

from app import clock
from app.extensions import db
from tests.journeys.conftest import Kutsu, page_text, sign_in

pytestmark = pytest.mark.both_databases

SARA = "sara@example.fi"


def test_a_person_signs_up_for_two_meetings_and_cancels_one(
    kutsu: Kutsu, new_page, make_occurrences
):
    series, events = make_occurrences(slug="sote-ryhma-kevat")
    slug = series.slug
    ids = [event.id for event in events]
    starts = {event.id: clock.to_local(event.starts_at) for event in events}
    db.session.commit()

    page = new_page()
    page.goto(f"/series/{slug}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Järjestöjen sote-ryhmä")
    meetings = page.get_by_role("group", name="Which meetings will you attend?")
    boxes = meetings.get_by_role("checkbox")
    expect(boxes).to_have_count(4)  # three meetings and "all of them"
    boxes.nth(0).check()
    boxes.nth(2).check()
    page.get_by_label("Full name").fill("Sara Löyttyjärvi")
    page.get_by_label("Email address").fill(SARA)
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your registrations")
    expect(page.get_by_text("You are registered.")).to_have_count(2)

    [message] = kutsu.wait_for_mail(SARA)
    assert message["Subject"] == "Your registrations: Järjestöjen sote-ryhmä"
    calendars = [
        icalendar.Calendar.from_ical(part.get_payload(decode=True))
        for part in message.iter_attachments()
        if part.get_content_type() == "text/calendar"
    ]
    times = sorted(entry.decoded("dtstart") for c in calendars for entry in c.walk("VEVENT"))
    assert times == [starts[ids[0]], starts[ids[2]]]

    page.goto(kutsu.link_in(message, "/series/manage/"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Your registrations")
    expect(page.get_by_text("Place confirmed")).to_have_count(2)
    page.get_by_role("button", name="Cancel this registration").first.click()
    expect(page.get_by_text("Your registration has been cancelled.")).to_be_visible()
    states = page_text(page.content())
    assert states.index("Cancelled") < states.index("Place confirmed")
    expect(page.get_by_text("Place confirmed")).to_have_count(1)
    kutsu.wait_for_mail(SARA, subject="cancelled")

    # The organiser's lists: cancelled at the first meeting, confirmed at the third.
    organiser = new_page()
    sign_in(organiser, f"owner-{slug}@example.fi")
    organiser.goto(f"/organiser/events/{ids[0]}/attendees")
    assert "Confirmed 0 " in page_text(organiser.content())
    organiser.goto(f"/organiser/events/{ids[2]}/attendees")
    text = page_text(organiser.content())
    assert "Confirmed 1 " in text and "Sara Löyttyjärvi" in text
