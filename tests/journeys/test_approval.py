"""Sign-ups that need the organisers' approval, through the real server, in Chromium: two
people sign up and are told they wait for a decision (on the page and by email); the
organiser approves one with a message and declines the other; the approval arrives with its
calendar entry and a manage link that works, the decline kindly; the attendee list and its
download show each status."""

import icalendar
import pytest
from playwright.sync_api import expect

from app.extensions import db
from tests.journeys.conftest import Kutsu, download, page_text, sign_in
from tests.journeys.test_organiser import rows_of_csv

pytestmark = pytest.mark.both_databases

TITLE = "Vertaisohjaajien koulutus"
SARA = "sara@example.fi"
PEKKA = "pekka@example.fi"


def sign_up(page, event_slug: str, name: str, email: str) -> None:
    page.goto(f"/events/{event_slug}/register")
    page.get_by_label("Full name").fill(name)
    page.get_by_label("Email address").fill(email)
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Send").click()
    heading = page.get_by_role("heading", level=1)
    expect(heading).to_have_text("Your sign-up is waiting for approval")


def test_sign_ups_wait_and_the_organiser_approves_one_and_declines_another(
    kutsu: Kutsu, new_page, make_organiser, make_event
):
    olli = make_organiser(email="olli@example.fi", name="Olli Organiser")
    event = make_event(olli, title=TITLE, capacity=2, requires_approval=True)
    slug, event_id = event.slug, event.id
    db.session.commit()

    person = new_page()
    sign_up(person, slug, "Sara Löyttyjärvi", SARA)
    expect(person.get_by_text("You have no place yet")).to_be_visible()
    expect(person.get_by_role("link", name="Add to calendar (.ics)")).to_have_count(0)
    sign_up(new_page(), slug, "Pekka Virtanen", PEKKA)
    [waiting] = kutsu.wait_for_mail(SARA)
    assert waiting["Subject"] == f"Your sign-up is waiting for approval: {TITLE}"
    kutsu.wait_for_mail(PEKKA, subject="waiting for approval")

    organiser = new_page()
    sign_in(organiser, "olli@example.fi")
    organiser.goto(f"/organiser/events/{event_id}")
    organiser.get_by_role("link", name="2 sign-ups are awaiting your approval").click()
    expect(organiser.get_by_role("heading", level=1)).to_have_text("Sign-ups awaiting approval")
    organiser.get_by_label("Choose: Sara Löyttyjärvi").check()
    organiser.get_by_label("Message to the people you decide on").fill("Tervetuloa! Sali B.")
    organiser.get_by_role("button", name="Approve the chosen").click()
    expect(organiser.get_by_text("1 person approved: they have a place")).to_be_visible()
    organiser.get_by_label("Choose: Pekka Virtanen").check()
    organiser.get_by_label("Message to the people you decide on").fill("Ensi kerralla!")
    organiser.get_by_role("button", name="Decline the chosen").click()
    expect(organiser.get_by_text("1 person declined, and told so by email.")).to_be_visible()
    expect(organiser.get_by_text("No one is awaiting approval.")).to_be_visible()

    [approved] = kutsu.wait_for_mail(SARA, subject="approved")
    assert approved["Subject"] == f"Your sign-up was approved: {TITLE}"
    assert "Your place is confirmed." in approved.get_body(("plain",)).get_content()
    assert "Tervetuloa! Sali B." in approved.get_body(("plain",)).get_content()
    [ics] = [p for p in approved.iter_attachments() if p.get_content_type() == "text/calendar"]
    [entry] = icalendar.Calendar.from_ical(ics.get_payload(decode=True)).walk("VEVENT")
    assert str(entry["SUMMARY"]) == TITLE
    [declined] = kutsu.wait_for_mail(PEKKA, subject="not approved")
    text = declined.get_body(("plain",)).get_content()
    assert "We are sorry: the organisers could not approve your sign-up" in text
    assert "Ensi kerralla!" in text and "/manage/" not in text

    person.goto(kutsu.link_in(approved, "/manage/"))
    expect(person.get_by_text("Confirmed: you have a place")).to_be_visible()
    expect(person.get_by_role("link", name="Add to calendar (.ics)")).to_be_visible()
    expect(person.get_by_role("button", name="Save changes")).to_be_visible()

    organiser.goto(f"/organiser/events/{event_id}/attendees")
    counts = page_text(organiser.content())
    assert "Confirmed 1 / 2" in counts and "Not approved 1" in counts
    rows = rows_of_csv(download(organiser, "Download as CSV"))
    assert [row[:4] for row in rows] == [
        ["Name", "Email", "Organisation", "Status"],
        ["Sara Löyttyjärvi", SARA, "", "Confirmed"],
        ["Pekka Virtanen", PEKKA, "", "Not approved"],
    ]
