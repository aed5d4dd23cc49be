"""Attendance after an event, as the organisers meet it: marked by check-in, per person and
in bulk on the Attendance page, or from a Teams attendance report (matched by address,
never by name); counted per event for the reports, also after the retention purge."""

import io
import re
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.attendance import services
from app.attendance.forms import carry_report
from app.attendance.teams import read_report
from app.attendees.services import mark_arrival
from app.extensions import db
from app.models import (
    AttendanceSource,
    AuditAction,
    AuditEntry,
    EventFormat,
    OrganiserRole,
    ParticipationMode,
    Registration,
    RegistrationStatus,
)
from app.privacy.services import run_retention
from app.signup.services import register_for_event
from tests import bombs
from tests.conftest import csrf_token_in, submit, text_of
from tests.test_attendance_teams import PARTICIPANTS_EN, teams_csv

BOTH = pytest.mark.both_databases

PEOPLE = [
    ("Aino Aaltonen", "aino.aaltonen@example.fi"),
    ("Bertil Berg", "bertil@example.fi"),
    ("Celia Cederlöf", "celia@example.fi"),
    ("Dani Dahl", "dani@example.fi"),
]


def register(event, name, email, mode=None):
    return register_for_event(
        event,
        name=name,
        email=email,
        organisation="Hämeen Setlementti ry",
        answers={},
        locale="fi",
        mode=mode,
    ).registration


@pytest.fixture
def held(make_event, make_organiser):
    """An event with four people with a place, begun an hour ago (the clock moved)."""
    owner = make_organiser(email="olli@example.fi")
    event = make_event(owner, title="Järjestöjen sote-ryhmän kuukausitapaaminen")
    people = [register(event, name, email) for name, email in PEOPLE]
    db.session.commit()
    clock.travel(event.starts_at + timedelta(hours=1))
    return event, owner, people


def marks(event) -> dict[str, tuple]:
    db.session.expire_all()
    rows = db.session.scalars(sa.select(Registration).where(Registration.event_id == event.id))
    return {row.email: (row.attended, row.attendance_source) for row in rows}


# --- the rules, on both databases ---------------------------------------------------------


@BOTH
def test_counts_come_from_one_query_per_event_and_only_people_with_a_place(held, make_event):
    event, owner, people = held
    other = make_event(owner, title="Keskusteluilta")
    register(other, "Eero Esimerkki", "eero@example.fi")
    services.mark_by_hand(event, {people[0].id: True, people[1].id: False}, at=clock.now())
    people[3].status = RegistrationStatus.CANCELLED  # cancelled, yet somehow marked
    people[3].attended = True
    db.session.commit()

    counts = services.attendance_counts([event.id, other.id, 999_999])

    assert counts[event.id] == services.Counts(attended=1, no_show=1, unmarked=1)
    assert counts[event.id].no_show_rate == 0.5
    assert counts[other.id] == services.Counts(unmarked=1)
    assert counts[999_999] == services.Counts()
    assert counts[other.id].no_show_rate is None


@BOTH
def test_arriving_at_the_door_is_attending_and_an_undone_check_in_unmarks(held):
    event, _, people = held
    mark_arrival(event, people[0].id, arrived=True, at=clock.now())
    mark_arrival(event, people[1].id, arrived=True, at=clock.now())
    services.mark_by_hand(event, {people[1].id: False}, at=clock.now())
    db.session.commit()
    mark_arrival(event, people[0].id, arrived=False, at=clock.now())
    mark_arrival(event, people[1].id, arrived=False, at=clock.now())  # marked by hand since
    db.session.commit()

    assert marks(event)[PEOPLE[0][1]] == (None, None)
    assert marks(event)[PEOPLE[1][1]] == (False, AttendanceSource.BY_HAND)


@BOTH
def test_checked_in_people_and_the_rest_are_marked_in_one_step_each(held):
    event, _, people = held
    for person in people[:2]:
        person.checked_in_at = clock.now()  # checked in before check-in marked attendance
    services.mark_by_hand(event, {people[1].id: False}, at=clock.now())
    db.session.commit()

    assert services.checked_in_not_attended(event) == 2
    assert services.mark_checked_in_as_attended(event, at=clock.now()) == 2
    assert services.mark_unmarked_as_no_show(event, at=clock.now()) == 2
    db.session.commit()

    assert marks(event) == {
        PEOPLE[0][1]: (True, AttendanceSource.CHECK_IN),
        PEOPLE[1][1]: (True, AttendanceSource.CHECK_IN),
        PEOPLE[2][1]: (False, AttendanceSource.BY_HAND),
        PEOPLE[3][1]: (False, AttendanceSource.BY_HAND),
    }


@BOTH
def test_marking_by_hand_leaves_those_already_so_as_they_were_marked(held):
    event, _, people = held
    mark_arrival(event, people[0].id, arrived=True, at=clock.now())
    changes = {people[0].id: True, people[1].id: True, people[2].id: False, people[3].id: None}

    marked = services.mark_by_hand(event, changes, at=clock.now())
    db.session.commit()

    assert marked == {True: 1, False: 1, None: 0}
    assert marks(event)[PEOPLE[0][1]] == (True, AttendanceSource.CHECK_IN)
    assert marks(event)[PEOPLE[1][1]] == (True, AttendanceSource.BY_HAND)


@BOTH
def test_attendance_survives_the_retention_purge(held):
    event, _, people = held
    services.mark_by_hand(
        event, {people[0].id: True, people[1].id: True, people[2].id: False}, at=clock.now()
    )
    db.session.commit()
    clock.travel(event.ends_at + timedelta(days=event.retention_days + 1))
    run_retention(clock.now())
    db.session.commit()
    db.session.expire_all()

    assert db.session.get(type(event), event.id).purged_at is not None
    names = db.session.scalars(
        sa.select(Registration.name).where(Registration.event_id == event.id)
    )
    assert set(names) == {""}
    assert services.counts_of(event) == services.Counts(attended=2, no_show=1, unmarked=1)


@BOTH
def test_a_report_is_matched_by_address_only_and_applied(held):
    event, _, people = held
    services.mark_by_hand(event, {people[3].id: True}, at=clock.now())
    participants = read_report("report.csv", teams_csv(PARTICIPANTS_EN))

    matching = services.match_report(event, participants)

    assert [person.email for person in matching.matched] == [
        "aino.aaltonen@example.fi",
        "bertil@example.fi",
    ]
    assert [(row.name, row.email) for row in matching.unmatched] == [
        ("Olli Organiser", "olli.organiser@kutsu-test.onmicrosoft.com"),
        ("Celia C", "celia.c@gmail.com"),  # Celia's name is near, her address is not
        ("Puhelinsoittaja", ""),
    ]
    # Dani was marked as attended already: not offered as absent.
    assert [person.email for person in matching.absent] == ["celia@example.fi"]

    ids = [person.id for person in matching.matched]
    assert services.apply_report(event, ids, [people[2].id], at=clock.now()) == (2, 1)
    db.session.commit()
    assert marks(event) == {
        PEOPLE[0][1]: (True, AttendanceSource.TEAMS_REPORT),
        PEOPLE[1][1]: (True, AttendanceSource.TEAMS_REPORT),
        PEOPLE[2][1]: (False, AttendanceSource.TEAMS_REPORT),
        PEOPLE[3][1]: (True, AttendanceSource.BY_HAND),
    }


@BOTH
def test_at_a_hybrid_event_only_those_online_are_expected_in_the_report(make_event, make_organiser):
    owner = make_organiser(email="olli@example.fi")
    event = make_event(owner, format=EventFormat.HYBRID, join_link="https://teams.example/x")
    register(event, "Aino Aaltonen", "aino@example.fi", ParticipationMode.IN_PERSON)
    register(event, "Bertil Berg", "bertil@example.fi", ParticipationMode.ONLINE)
    db.session.commit()

    matching = services.match_report(event, [])

    assert [person.email for person in matching.absent] == ["bertil@example.fi"]


# --- the pages ------------------------------------------------------------------------


def test_the_page_marks_each_person_and_those_ticked_and_audits_counts_only(held, client, login):
    event, owner, people = held
    login(owner)
    url = f"/organiser/events/{event.id}/attendance"
    page = client.get(url)
    assert page.status_code == 200
    assert "Not marked 4" in text_of(page)

    data = {
        "shown": [str(person.id) for person in people],
        **{f"was-{person.id}": "unmarked" for person in people},
        **{f"attended-{person.id}": "unmarked" for person in people},
        f"attended-{people[0].id}": "yes",
        f"attended-{people[1].id}": "no",
        "person": [str(people[2].id), str(people[3].id)],
        "action": "attended",
    }
    response = submit(client, url, data)
    assert response.status_code == 303
    page = client.get(response.location)
    assert "Saved: 4 people marked." in text_of(page)
    assert "Attended 3 Did not attend 1 Not marked 0 No-show rate 25 %" in text_of(page)

    entry = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == AuditAction.MARKED_ATTENDANCE)
    ).one()
    assert entry.detail == "attended 3, did not attend 1, not marked 0"
    assert "Aino" not in entry.detail


def test_posted_ids_are_bounded_and_only_this_events_people_change(held, client, login, make_event):
    event, owner, people = held
    other = make_event(owner, title="Toinen")
    stranger = register(other, "Eero Esimerkki", "eero@example.fi")
    db.session.commit()
    login(owner)
    url = f"/organiser/events/{event.id}/attendance"
    ticked = [str(n) for n in range(10**6, 10**6 + 6000)] + [str(people[0].id), str(stranger.id)]
    response = submit(client, url, {"action": "attended", "person": ticked})
    assert response.status_code == 303
    assert services.counts_of(event).attended == 0  # past the first 5,000: not read
    submit(client, url, {"action": "attended", "person": [str(people[0].id), str(stranger.id)]})
    assert services.counts_of(event).attended == 1
    assert services.counts_of(other).attended == 0
    assert client.get(url).headers["Cache-Control"] == "no-store"


def test_everyone_checked_in_then_everyone_else_in_two_presses(held, client, login):
    event, owner, people = held
    people[0].checked_in_at = clock.now()  # checked in before check-in marked attendance
    db.session.commit()
    login(owner)
    url = f"/organiser/events/{event.id}/attendance"
    assert "Mark everyone checked in as attended (1 person)" in text_of(client.get(url))

    def press(which: str) -> str:
        response = submit(client, f"{url}/everyone", {"which": which}, form_page=url)
        assert response.status_code == 303
        return text_of(client.get(response.location))

    assert "Saved" not in press("everyone")  # no such button
    assert "Saved: 1 person marked." in press("checked-in")
    assert "Nothing to change: everyone was marked so already." in press("checked-in")
    assert "Saved: 3 people marked." in press("not-marked")
    assert services.counts_of(event) == services.Counts(attended=1, no_show=3, unmarked=0)
    assert marks(event)[PEOPLE[0][1]] == (True, AttendanceSource.CHECK_IN)


def test_a_ticked_action_with_no_one_ticked_is_an_error_at_the_list(held, client, login):
    event, owner, people = held
    login(owner)
    url = f"/organiser/events/{event.id}/attendance"
    response = submit(client, url, {"action": "no_show", "person": ["x", "99999999999999"]})
    assert response.status_code == 200
    assert "Error: Attendance" in text_of(response)
    assert 'href="#person-0"' in response.get_data(as_text=True)
    assert services.counts_of(event).unmarked == 4


def test_the_page_waits_for_the_event_and_is_not_for_check_in_helpers(
    make_event, make_organiser, client, login
):
    from app.accounts.services import add_co_organiser

    owner = make_organiser(email="olli@example.fi")
    event = make_event(owner)
    helper = make_organiser(email="helper@example.fi")
    add_co_organiser(event, helper.email, OrganiserRole.HELPER)
    db.session.commit()
    login(owner)
    overview = client.get(f"/organiser/events/{event.id}")
    assert "/attendance" not in overview.get_data(as_text=True)
    assert "once the event has begun" in text_of(
        client.get(f"/organiser/events/{event.id}/attendance")
    )

    clock.travel(event.starts_at)
    overview = client.get(f"/organiser/events/{event.id}")
    assert f"/organiser/events/{event.id}/attendance" in overview.get_data(as_text=True)
    assert "Attendance Attended 0 Did not attend 0 Not marked 0" in text_of(overview)
    client.post("/logout")
    login(helper)
    assert client.get(f"/organiser/events/{event.id}/attendance").status_code == 404


def test_a_report_is_confirmed_then_applied(held, client, login):
    event, owner, people = held
    login(owner)
    url = f"/organiser/events/{event.id}/attendance/teams"
    page = client.get(url)
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token_in(page.get_data(as_text=True)),
            "report": (io.BytesIO(teams_csv(PARTICIPANTS_EN)), "Attendance report.csv"),
        },
    )
    text = text_of(response)
    assert response.status_code == 200
    assert "2 people matched: will be marked as attended" in text
    assert "3 rows of the report not matched" in text
    assert "Celia C celia.c@gmail.com" in text
    assert "Puhelinsoittaja (no address)" in text
    assert "2 people with a place are not in the report" in text
    assert services.counts_of(event).attended == 0  # nothing saved yet

    html = response.get_data(as_text=True)
    carried = re.search(r'name="report" value="([^"]+)"', html).group(1)
    apply = {"csrf_token": csrf_token_in(html), "report": carried, "absent": [str(people[3].id)]}
    done = client.post(f"{url}/apply", data=apply, follow_redirects=True)
    assert "Marked from the Teams report: attended 2, did not attend 1." in text_of(done)
    assert services.counts_of(event) == services.Counts(attended=2, no_show=1, unmarked=1)


def test_a_carried_report_of_another_event_or_tampered_is_refused(held, client, login, make_event):
    event, owner, people = held
    login(owner)
    url = f"/organiser/events/{event.id}/attendance/teams/apply"
    for carried in (carry_report(event.id + 1, [people[0].id]), carry_report(event.id, [1])[:-2]):
        done = submit(
            client,
            url,
            {"report": carried},
            form_page=f"/organiser/events/{event.id}/attendance",
            follow_redirects=True,
        )
        assert "too old or damaged" in text_of(done)
    assert services.counts_of(event).attended == 0


HOSTILE_UPLOADS = {
    "odd.csv": (lambda _: b"\xff\xfeN\x00a", "cannot be read as text"),
    "big.csv": (lambda _: b"a;b\r\n" * 300_000, "1 MB or smaller"),
    "rows.csv": (
        lambda _: teams_csv(
            [PARTICIPANTS_EN[0]] + [["P", f"p{n}@x.fi"] for n in range(100_000)], sections=False
        )[: 1024 * 1024],
        "more than 20000 rows",
    ),
    "bomb.xlsx": (lambda folder: bombs.build(folder, "gigabyte_string").read_bytes(), "workbook"),
    "notes.txt": (lambda _: b"Name\tEmail", "Choose a .csv or .xlsx file"),
}


@pytest.mark.parametrize("filename", HOSTILE_UPLOADS)
def test_a_hostile_upload_gets_its_message_at_the_field_quickly(
    held, client, login, tmp_path, filename
):
    event, owner, _ = held
    make, message = HOSTILE_UPLOADS[filename]
    data = make(tmp_path)
    login(owner)
    url = f"/organiser/events/{event.id}/attendance/teams"
    page = client.get(url)
    started = time.monotonic()
    response = client.post(
        url,
        data={
            "csrf_token": csrf_token_in(page.get_data(as_text=True)),
            "report": (io.BytesIO(data), filename),
        },
    )
    # The test client's body of a large file is a temporary file of its own: closed here.
    response.request.environ["wsgi.input"].close()
    assert time.monotonic() - started < 5
    assert response.status_code == 200
    assert "Error: Upload a Teams attendance report" in text_of(response)
    error = re.search(r'id="report-error">(.*?)</p>', response.get_data(as_text=True), re.S)
    assert message in error.group(1)
    assert services.counts_of(event) == services.Counts(unmarked=4)


def test_the_attendee_download_and_list_say_who_attended(held, client, login):
    event, owner, people = held
    services.mark_by_hand(event, {people[0].id: True, people[1].id: False}, at=clock.now())
    db.session.commit()
    login(owner)
    csv = client.get(f"/organiser/events/{event.id}/attendees.csv").get_data(as_text=True)
    rows = [line.split(";") for line in csv.lstrip("\ufeff").splitlines()]
    assert rows[0][5:7] == ["Checked in", "Attended"]
    assert {row[0]: row[6] for row in rows[1:]} == {
        "Aino Aaltonen": "Yes",
        "Bertil Berg": "No",
        "Celia Cederlöf": "",
        "Dani Dahl": "",
    }
    listed = text_of(client.get(f"/organiser/events/{event.id}/attendees"))
    assert (
        "Aino Aaltonen aino.aaltonen@example.fi Hämeen Setlementti ry Confirmed Attended" in listed
    )


def test_the_demo_has_two_past_events_with_attendance_for_the_reports(app):
    from app.auth.services import create_organiser
    from app.demo.attendance import add_past_events_with_attendance
    from app.demo.data import DEMO_EMAIL, DEMO_PASSWORD

    owner = create_organiser(DEMO_EMAIL, "Sara Demo", DEMO_PASSWORD)
    meeting, evening = add_past_events_with_attendance(owner)
    db.session.commit()

    assert meeting.ends_at < evening.starts_at < evening.ends_at < clock.now()
    counts = services.attendance_counts([meeting.id, evening.id])
    assert counts[meeting.id] == services.Counts(attended=16, no_show=4, unmarked=0)
    assert counts[evening.id] == services.Counts(attended=25, no_show=5, unmarked=0)
    sources = set(marks(meeting).values()) | set(marks(evening).values())
    assert (True, AttendanceSource.CHECK_IN) in sources
    assert (True, AttendanceSource.TEAMS_REPORT) in sources


def test_check_ins_from_before_are_marked_as_attended_by_the_migration(tmp_path):
    """Check-ins made before checking in marked attendance (d6f8f8e0036b): attended, by
    check-in, when they arrived; downgrading takes those marks away again."""
    from flask_migrate import downgrade, upgrade

    from app import create_app
    from app.auth.services import create_organiser
    from app.organiser.services import EventDetails, create_event, publish_event

    url = f"sqlite:///{tmp_path / 'before.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t"})
    with app.app_context():
        upgrade(revision="0775d4838b48")  # the same columns as now: the models can write
        starts = clock.now() + timedelta(days=1)
        event = create_event(
            create_organiser("o@example.fi", "Olli Organiser", "kaksi kuppia kahvia ja pulla"),
            EventDetails("Ilta", starts, starts + timedelta(hours=2), EventFormat.IN_PERSON),
        )
        publish_event(event)
        arrived, not_yet = (register(event, name, email) for name, email in PEOPLE[:2])
        arrived.checked_in_at = starts
        db.session.commit()
        upgrade()
        db.session.expire_all()
        assert (arrived.attended, arrived.attendance_source) == (True, AttendanceSource.CHECK_IN)
        assert arrived.attendance_marked_at == starts
        assert (not_yet.attended, not_yet.attendance_source) == (None, None)
        db.session.commit()
        downgrade(revision="0775d4838b48")
        db.session.expire_all()
        assert (arrived.attended, arrived.attendance_source) == (None, None)
        db.session.remove()
        db.engine.dispose()
