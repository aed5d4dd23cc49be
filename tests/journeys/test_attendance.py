"""Attendance through the real server, in Chromium: at a hybrid meeting two people are
checked in at the door before it begins; after it the organiser finds them marked as
attended on the Attendance page, uploads the Teams report (UTF-16, in sections, as Teams
writes it), which matches one more person and lists a stranger it does not know, applies
it, marks the rest as not attended, and the attendee download says who came, row by row."""

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.extensions import db
from app.models import EventFormat, ParticipationMode
from app.signup.services import register_for_event
from tests.journeys.conftest import Kutsu, download, sign_in
from tests.journeys.test_organiser import rows_of_csv
from tests.test_attendance_teams import PARTICIPANTS_EN, teams_csv

pytestmark = pytest.mark.both_databases

ORGANISER = "olli@example.fi"
IN_PERSON, ONLINE = ParticipationMode.IN_PERSON, ParticipationMode.ONLINE
PEOPLE = [  # in sign-up order; the in-person places are two: Fanni waits
    ("Aino Aaltonen", IN_PERSON),
    ("Bertil Berg", IN_PERSON),
    ("Celia Cederlöf", ONLINE),
    ("Dani Dahl", ONLINE),
    ("Eero Esimerkki", ONLINE),
    ("Fanni Jonottaja", IN_PERSON),
]


def address(name: str) -> str:
    return name.split()[0].lower() + "@example.fi"


def teams_report() -> bytes:
    """The attendance list as Teams gives it (UTF-16 with BOM, tabs, three sections)."""
    header, organiser = PARTICIPANTS_EN[:2]
    return teams_csv(
        [
            header,
            organiser[:5] + [ORGANISER, organiser[6]],
            [
                "Celia Cederlöf",
                "12/7/26, 10:00 AM",
                "12/7/26, 11:30 AM",
                "1h 30m",
                "Celia@Example.FI",
                "",
                "Attendee",
            ],
            [
                "Tuntematon Vieras",
                "12/7/26, 10:05 AM",
                "12/7/26, 10:35 AM",
                "30m",
                "vieras@muualla.example",
                "",
                "Attendee",
            ],
        ]
    )


def test_check_ins_and_a_teams_report_mark_who_came_and_the_download_says_so(
    kutsu: Kutsu, new_page, make_event, make_organiser
):
    event = make_event(
        make_organiser(email=ORGANISER, name="Olli Organiser"),
        title="Järjestöjen sote-ryhmän tapaaminen",
        format=EventFormat.HYBRID,
        capacity=2,
        join_link="https://teams.example.invalid/l/meetup-join/x",
        starts_in=timedelta(hours=2),
    )
    for name, mode in PEOPLE:
        register_for_event(
            event,
            name=name,
            email=address(name),
            organisation="",
            answers={},
            locale="en",
            mode=mode,
        )
    event_id, ends_at = event.id, event.ends_at
    db.session.commit()

    # At the door, before the start: Aino and Bertil arrive. No Attendance link yet.
    olli = new_page()
    sign_in(olli, ORGANISER)
    olli.goto(f"/organiser/events/{event_id}/check-in")
    for name in ("Aino Aaltonen", "Bertil Berg"):
        olli.get_by_role("button", name=re.compile(rf"^Arrived\s*:\s*{name}$")).click()
    expect(olli.get_by_text("2 of 5 arrived")).to_be_visible()
    expect(olli.get_by_role("link", name="Attendance", exact=True)).to_have_count(0)

    # After the meeting: the overview counts them, and the Attendance page has them marked.
    kutsu.clock.travel(ends_at + timedelta(hours=1))
    olli.goto(f"/organiser/events/{event_id}")
    attendance = olli.get_by_role("region", name="Attendance")
    expect(attendance).to_contain_text(
        "Attended 2 Did not attend 0 Not marked 3", use_inner_text=True
    )
    olli.get_by_role("link", name="Mark who attended").click()
    expect(olli.get_by_role("heading", level=1)).to_have_text("Attendance")
    aino = olli.get_by_role("group", name="Attendance of Aino Aaltonen")
    expect(aino.get_by_label("Attended")).to_be_checked()
    expect(olli.locator("tr", has_text="Aino Aaltonen")).to_contain_text("by check-in")
    expect(olli.locator("tr", has_text="Celia Cederlöf")).to_contain_text("Online")

    # The Teams report: Celia matches (her address in another case); a stranger does not.
    olli.get_by_role("link", name="Upload a Teams attendance report").click()
    olli.get_by_label("Teams attendance report").set_input_files(
        files=[{"name": "Attendance report.csv", "mimeType": "text/csv", "buffer": teams_report()}]
    )
    olli.get_by_role("button", name="Read the report").click()
    expect(olli.get_by_role("heading", level=1)).to_have_text("Confirm the Teams attendance report")
    expect(olli.get_by_role("heading", name="1 person matched")).to_be_visible()
    expect(olli.get_by_role("table", name="Matched people")).to_contain_text("Celia Cederlöf")
    unmatched = olli.get_by_role("table", name="Rows not matched")
    expect(unmatched).to_contain_text(
        "Tuntematon Vieras vieras@muualla.example", use_inner_text=True
    )
    expect(unmatched).to_contain_text(ORGANISER)
    expect(olli.get_by_role("heading", name="2 people with a place are not in")).to_be_visible()
    expect(olli.get_by_label("Dani Dahl (dani@example.fi)", exact=False)).not_to_be_checked()
    olli.get_by_role("button", name="Save the attendance").click()
    expect(olli.get_by_text("attended 1, did not attend 0.")).to_be_visible()

    # The rest: not attended, in one step.
    olli.get_by_role("button", name="Mark everyone not yet marked as did not attend").click()
    expect(olli.get_by_text("Saved: 2 people marked.")).to_be_visible()
    expect(olli.locator(".counts")).to_contain_text(
        "Attended 3 Did not attend 2 Not marked 0", use_inner_text=True
    )
    expect(olli.locator(".counts")).to_contain_text("No-show rate 40 %", use_inner_text=True)

    olli.get_by_role("link", name="Attendees", exact=True).click()
    rows = rows_of_csv(download(olli, "Download as CSV"))
    assert rows[0][6] == "Attended"
    assert {row[0]: (row[3], row[6]) for row in rows[1:]} == {
        "Aino Aaltonen": ("Confirmed", "Yes"),
        "Bertil Berg": ("Confirmed", "Yes"),
        "Celia Cederlöf": ("Confirmed", "Yes"),
        "Dani Dahl": ("Confirmed", "No"),
        "Eero Esimerkki": ("Confirmed", "No"),
        "Fanni Jonottaja": ("Waiting list", ""),
    }
