"""The region question and the overview's charts, through the real server, in Chromium: an
organiser turns on the question on the event form; three people sign up choosing their
county (one on the Swedish form, whose confirmation is in Swedish and whose manage link
works); the overview's charts carry the right numbers in their tables, naming no one; the
attendee download has each person's county."""

import pytest
from playwright.sync_api import expect

from app.extensions import db
from tests.journeys.conftest import Kutsu, download, page_text, sign_in
from tests.journeys.test_organiser import rows_of_csv

pytestmark = pytest.mark.both_databases

TITLE = "Hyvinvointi ja sote Kanta-Hämeessä"


def sign_up(page, slug: str, labels: dict, person: dict) -> None:
    """The sign-up form filled by its labels in the page's language."""
    page.goto(f"/events/{slug}/register")
    page.get_by_label(labels["name"]).fill(person["name"])
    page.get_by_label(labels["email"]).fill(person["email"])
    page.get_by_label(labels["organisation"]).fill(person["organisation"])
    page.get_by_label(labels["region"]).select_option(label=person["region"])
    page.locator("#consent").check()
    page.get_by_role("button", name=labels["send"]).click()
    expect(page).to_have_url(f"{page.url.split('/events/')[0]}/events/{slug}/registered")


ENGLISH = {
    "name": "Full name",
    "email": "Email address",
    "organisation": "Organisation (optional)",
    "region": "Wellbeing services county (optional)",
    "send": "Send",
}
SWEDISH = {
    "name": "För- och efternamn",
    "email": "E-postadress",
    "organisation": "Organisation (frivillig)",
    "region": "Välfärdsområde (frivillig)",
    "send": "Skicka",
}


def test_people_give_their_county_and_the_overview_counts_them(
    kutsu: Kutsu, new_page, make_organiser, make_event
):
    olli = make_organiser(email="olli@example.fi", name="Olli Organiser")
    event = make_event(olli, title=TITLE, capacity=30)
    slug, event_id = event.slug, event.id
    db.session.commit()

    organiser = new_page()
    sign_in(organiser, "olli@example.fi")
    organiser.goto(f"/organiser/events/{event_id}")
    expect(organiser.get_by_text("No sign-ups yet.")).to_be_visible()
    organiser.goto(f"/organiser/events/{event_id}/edit")
    organiser.get_by_label("Ask each person’s wellbeing services county").check()
    organiser.get_by_role("button", name="Save changes").click()
    expect(organiser).to_have_url(f"{kutsu.url}/organiser/events/{event_id}")

    people = [
        ("en-GB", ENGLISH, "Sara Löyttyjärvi", "sara@example.fi", "SOSTE ry", "Kanta-Häme"),
        ("en-GB", ENGLISH, "Pekka Virtanen", "pekka@example.fi", "SOSTE ry", "Pirkanmaa"),
        ("sv-FI", SWEDISH, "Britt Lindqvist", "britt@example.fi", "Folkhälsan", "Birkaland"),
    ]
    for language, labels, name, email, organisation, region in people:
        person = {"name": name, "email": email, "organisation": organisation, "region": region}
        sign_up(new_page(language), slug, labels, person)

    [confirmation] = kutsu.wait_for_mail("britt@example.fi")
    assert confirmation["Subject"] == f"Du är anmäld: {TITLE}"
    manage = new_page("sv-FI")
    manage.goto(kutsu.link_in(confirmation, "/manage/"))
    expect(manage.get_by_label("För- och efternamn")).to_have_value("Britt Lindqvist")

    organiser.goto(f"/organiser/events/{event_id}")
    charts = page_text(organiser.content()).split("Sign-ups in charts")[1]
    assert "3 people signed up and have a place or are waiting for one." in charts
    assert "Places: 30." in charts
    assert "The numbers: By organisation Item People SOSTE ry 2 Folkhälsan 1" in charts
    assert (
        "The numbers: By wellbeing services county Item People Pirkanmaa 2 Kanta-Häme 1" in charts
    )
    assert "Signed up by the end of the day" in charts and "Registration closes" in charts
    for name in ("Sara", "Pekka", "Britt"):
        assert name not in charts
    expect(organiser.get_by_role("img")).to_have_count(3)

    organiser.goto(f"/organiser/events/{event_id}/attendees")
    rows = rows_of_csv(download(organiser, "Download as CSV"))
    assert [row[:5] for row in rows] == [
        ["Name", "Email", "Organisation", "Region", "Status"],
        ["Sara Löyttyjärvi", "sara@example.fi", "SOSTE ry", "Kanta-Häme", "Confirmed"],
        ["Pekka Virtanen", "pekka@example.fi", "SOSTE ry", "Pirkanmaa", "Confirmed"],
        ["Britt Lindqvist", "britt@example.fi", "Folkhälsan", "Pirkanmaa", "Confirmed"],
    ]
