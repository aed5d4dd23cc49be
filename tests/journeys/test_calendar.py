"""The network's calendar through the real server: a visitor finds an event in Chromium by
its region and adds it to their calendar; the organiser moves the event and then cancels
it, and the feed a calendar app subscribes to follows, over HTTP, entry for entry."""

import re
from datetime import timedelta

import icalendar
import pytest
from playwright.sync_api import expect

from app import clock
from tests.journeys.conftest import Kutsu, download, page_text, sign_in
from tests.journeys.test_organiser import fill_date_and_time

pytestmark = pytest.mark.both_databases

TEAMS = "https://teams.example.invalid/l/meetup-join/calendar-secret"
TITLE = "Sote-kahvit Hämeenlinnassa"


def feed(kutsu: Kutsu) -> tuple[dict[str, icalendar.Event], str]:
    """The calendar as a calendar app reads it: its entries by title, and its ETag."""
    answer = kutsu.visitor().get("/calendar.ics")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/calendar")
    assert "calendar-secret" not in answer.text and "olli@example.fi" not in answer.text
    calendar = icalendar.Calendar.from_ical(answer.content)
    return {str(entry["SUMMARY"]): entry for entry in calendar.walk("VEVENT")}, answer.headers[
        "ETag"
    ]


def test_a_visitor_finds_and_adds_an_event_and_the_feed_follows_its_move_and_cancellation(
    kutsu: Kutsu, new_page, make_organiser, make_event
):
    olli = make_organiser(email="olli@example.fi", name="Olli Organiser")
    event = make_event(
        olli, title=TITLE, region="Kanta-Häme", join_link=TEAMS, starts_in=timedelta(days=12)
    )
    make_event(olli, title="Lapin järjestöpäivä", region="Lappi", starts_in=timedelta(days=12))
    event_id, slug, starts = event.id, event.slug, event.starts_at
    month = clock.to_local(starts).strftime("%Y-%m")
    signed_up = kutsu.visitor().submit(
        f"/events/{slug}/register",
        {"name": "Sara Löyttyjärvi", "email": "sara@example.fi", "consent": "y"},
    )
    assert signed_up.status_code == 200
    kutsu.wait_for_mail("sara@example.fi")

    # A visitor opens the calendar and narrows it to Kanta-Häme.
    visitor = new_page()
    visitor.goto("/")
    visitor.get_by_role("link", name="Calendar").click()
    visitor.goto(f"/calendar?month={month}")
    expect(visitor.get_by_role("link", name="Lapin järjestöpäivä")).to_be_visible()
    visitor.get_by_label("Wellbeing services county").select_option(label="Kanta-Häme")
    visitor.get_by_role("button", name="Show").click()
    expect(visitor.get_by_role("link", name=TITLE)).to_be_visible()
    expect(visitor.get_by_role("link", name="Lapin järjestöpäivä")).to_have_count(0)
    visitor.get_by_role("link", name=TITLE).click()
    expect(visitor.get_by_role("heading", level=1)).to_have_text(TITLE)
    added = icalendar.Calendar.from_ical(download(visitor, "Add to calendar (.ics)"))
    [entry] = added.walk("VEVENT")
    assert b"calendar-secret" not in added.to_ical()
    google = visitor.get_by_role("link", name="Add to Google Calendar").get_attribute("href")
    assert google.startswith("https://calendar.google.com/") and "teams" not in google

    entries, etag = feed(kutsu)
    assert set(entries) == {TITLE, "Lapin järjestöpäivä"}
    subscribed = entries[TITLE]
    assert subscribed["UID"] == entry["UID"]
    assert entry["UID"].startswith(f"event-{event_id}@")
    assert subscribed.decoded("DTSTART") == clock.to_local(starts)
    unchanged = kutsu.visitor().get("/calendar.ics", headers={"If-None-Match": etag})
    assert unchanged.status_code == 304

    # The organiser moves the event a day later; Sara is told, as before.
    organiser = new_page()
    sign_in(organiser, "olli@example.fi")
    later = starts + timedelta(days=1)
    organiser.goto(f"/organiser/events/{event_id}/edit")
    fill_date_and_time(organiser, "starts_at", later)
    fill_date_and_time(organiser, "ends_at", later + timedelta(hours=2))
    organiser.get_by_role("button", name="Save changes").click()
    expect(organiser.get_by_role("heading", level=1)).to_have_text(TITLE)
    kutsu.wait_for_mail("sara@example.fi", subject="Changed")

    entries, _ = feed(kutsu)
    moved = entries[TITLE]
    assert moved["UID"] == subscribed["UID"]
    assert moved.decoded("DTSTART") == clock.to_local(later)
    assert moved["SEQUENCE"] > subscribed["SEQUENCE"]
    assert moved["STATUS"] == "CONFIRMED"

    # And cancels it: the feed keeps the entry, cancelled, so calendars take it away.
    organiser.get_by_role("link", name="Cancel the event").click()
    organiser.get_by_role("button", name="Yes, cancel the event").click()
    expect(organiser.locator(".caption")).to_have_text("Cancelled")
    kutsu.wait_for_mail("sara@example.fi", subject="Cancelled")
    entries, _ = feed(kutsu)
    assert entries[TITLE]["STATUS"] == "CANCELLED"
    assert entries[TITLE]["UID"] == subscribed["UID"]
    assert entries[TITLE]["SEQUENCE"] > moved["SEQUENCE"]
    moved_month = clock.to_local(later).strftime("%Y-%m")
    calendar_page = page_text(kutsu.visitor().get(f"/calendar?month={moved_month}").text)
    assert re.search(rf"{TITLE} Cancelled", calendar_page)
