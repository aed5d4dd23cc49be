"""The report for a period: what survives the purge, and figures counted by hand."""

import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import EventFormat, Registration
from app.privacy.services import erase_person
from app.reports.period import PeriodFilters, period_report
from app.reports.period_people import person_key, person_key_secret
from tests.conftest import text_of
from tests.report_scenario import EXPECTED, build, expected_events, expected_summary

pytestmark = pytest.mark.both_databases


@pytest.fixture
def olli(make_organiser):
    return make_organiser(email="olli@example.fi", name="Olli Organiser")


@pytest.fixture
def scenario(app, make_event, make_organiser, olli):
    return build(make_event, olli, make_organiser(email="eeva@example.fi", name="Eeva E"))


def figures(viewer, filters) -> dict:
    report, _themes = period_report(viewer, filters)
    return {
        "events": len(report.events),
        "signups": report.signups,
        "registrations": report.registrations,
        "attended": report.attended,
        "no_shows": report.no_shows,
        "not_marked": report.not_marked,
        "participants": report.participants,
        "organisations": len(report.named_organisations),
        "new": report.new_organisations,
        "returning": report.returning_organisations,
        "responses": report.feedback.responses,
        "average": report.feedback.average,
    }


def period(scenario, **narrowed) -> PeriodFilters:
    return PeriodFilters(scenario.first_day, scenario.last_day, **narrowed)


def test_the_purge_keeps_a_person_key_the_organisation_and_the_region(scenario):
    purged = db.session.scalars(
        sa.select(Registration).where(Registration.event_id == scenario.events["C"].id)
    ).all()
    key = person_key("sara@example.fi", person_key_secret())
    assert {(r.email, r.organisation, r.region, r.person_key) for r in purged} == {
        ("", "SOSTE ry", "Kanta-Häme", key),
        ("", "Mieli ry", "", person_key("mikko@example.fi", person_key_secret())),
    }
    assert all(r.email_normalised.startswith("erased-") for r in purged)
    live = db.session.scalars(
        sa.select(Registration.person_key).where(Registration.event_id == scenario.events["A"].id)
    ).all()
    assert set(live) == {""}  # kept only when the address goes


def test_a_period_report_counts_what_was_held_and_each_person_once(scenario, olli):
    assert figures(olli, period(scenario)) == EXPECTED


def test_the_tables_by_organisation_region_and_event(scenario, olli):
    report, themes = period_report(olli, period(scenario))
    assert themes == ["nuoret", "sote"]
    assert [
        (o.key, o.participants, o.registrations, o.attended, o.returning)
        for o in report.organisations
    ] == [
        ("SOSTE ry", 2, 4, 3, True),
        ("Mieli ry", 2, 2, 1, False),
        ("Hämeen Setlementti", 1, 1, 0, False),
    ]
    assert [(r.key, r.registrations, r.attended) for r in report.regions] == [
        ("Kanta-Häme", 3, 3),
        ("Pirkanmaa", 1, 1),
        ("", 3, 0),
    ]
    assert [
        (line.event.title, line.registrations, line.attended, line.no_shows, line.responses)
        for line in report.events
    ] == [
        ("Sote-kahvit", 3, 1, 1, 2),
        ("Nuorten ilta", 2, 2, 0, 0),
        ("Pirkanmaan verkosto", 2, 1, 1, 1),
    ]
    assert report.events[0].feedback_average == 4.5
    assert report.feedback.scores == {1: 0, 2: 0, 3: 1, 4: 1, 5: 1}
    assert report.feedback.recommend_share == 0.5
    assert [(f.key, f.events, f.registrations) for f in report.formats] == [
        ("in_person", 2, 5),
        ("online", 1, 2),
    ]


def test_each_filter_narrows_the_set(scenario, olli, make_organiser):
    by_region = figures(olli, period(scenario, region="Kanta-Häme"))
    assert (by_region["events"], by_region["registrations"], by_region["participants"]) == (
        3 - 2,
        3,
        3,
    )
    assert (by_region["new"], by_region["returning"]) == (1, 1)  # D is in Kanta-Häme too
    online = figures(olli, period(scenario, format=EventFormat.ONLINE))
    assert (online["events"], online["registrations"], online["participants"]) == (1, 2, 2)
    assert (online["new"], online["returning"]) == (2, 0)  # D was in person
    themed = figures(olli, period(scenario, theme="sote"))
    assert (themed["events"], themed["registrations"], themed["responses"]) == (1, 3, 2)
    narrow = PeriodFilters(scenario.last_day - timedelta(days=15), scenario.last_day)
    assert figures(olli, narrow)["events"] == 1  # only C started in the last 15 days

    admin = make_organiser(email="admin@example.fi", name="Aila Admin", admin=True)
    assert figures(admin, period(scenario))["events"] == 4  # E too
    assert figures(admin, period(scenario, organiser_id=olli.id)) == EXPECTED
    assert figures(olli, period(scenario, organiser_id=admin.id)) == EXPECTED  # not theirs


def test_an_erasure_request_blanks_what_the_purge_kept(scenario, olli):
    erase_person("SARA@example.fi")
    db.session.commit()
    at_a_b_c = [scenario.events[key].id for key in "ABC"]
    erased = db.session.execute(
        sa.select(Registration.organisation, Registration.region, Registration.person_key)
        .where(Registration.name == "", Registration.event_id.in_(at_a_b_c))
        .order_by(Registration.organisation)
    ).all()
    mikko = person_key("mikko@example.fi", person_key_secret())
    # Her three (C's found by the key of her address), and Mikko's purged row as it was.
    assert [tuple(row) for row in erased] == [("", "", "")] * 3 + [("Mieli ry", "", mikko)]
    found = figures(olli, period(scenario))
    assert found["participants"] == 5 - 1 + 3  # her rows, now no one's, count one each
    assert (found["organisations"], found["returning"]) == (3, 1)  # Pekka's SOSTE ry stays


def test_the_page_shows_the_figures_and_refuses_a_wrong_date(client, login, scenario, olli):
    login(olli)
    args = {"first_day": f"{scenario.first_day:%d.%m.%Y}", "last_day": "31.2.2026"}
    page = client.get("/organiser/reports", query_string=args)
    assert page.status_code == 200
    text = text_of(page)
    assert text.startswith("Error:")
    assert "Enter the last day as day.month.year" in text
    args["last_day"] = f"{scenario.last_day:%d.%m.%Y}"
    text = text_of(client.get("/organiser/reports", query_string=args))
    assert "Events held 3 Registrations 7 Attended 4 Participants 5 Organisations 3" in text
    assert "Sara" not in text and "sara@" not in text
    assert page.headers["Cache-Control"] == "no-store"


def test_the_default_period_is_this_calendar_year(client, login, olli):
    login(olli)
    today = clock.to_local(clock.now()).date()
    text = text_of(client.get("/organiser/reports"))
    assert f"From 1.1.{today.year} to 31.12.{today.year}" in text
    assert date(today.year, 1, 1)


def sheet_rows(data: bytes, name: str) -> list[tuple]:
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True)
    return [tuple(row) for row in workbook[name].iter_rows(values_only=True)]


def test_the_workbook_and_the_csv_hold_the_figures(client, login, scenario, olli):
    login(olli)
    args = {
        "first_day": f"{scenario.first_day:%d.%m.%Y}",
        "last_day": f"{scenario.last_day:%d.%m.%Y}",
    }
    response = client.get("/organiser/reports/report.xlsx", query_string=args)
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].endswith('.xlsx"')
    data = response.get_data()
    assert sheet_rows(data, "Summary") == expected_summary(scenario)
    assert sheet_rows(data, "Events") == expected_events(scenario)
    assert sheet_rows(data, "Organisations") == [
        ("Organisation", "Participants", "Registrations", "Attended", "New or returning"),
        ("SOSTE ry", 2, 4, 3, "Returning"),
        ("Mieli ry", 2, 2, 1, "New"),
        ("Hämeen Setlementti", 1, 1, 0, "New"),
    ]
    assert sheet_rows(data, "Regions")[1:] == [
        ("Kanta-Häme", 3, 3),
        ("Pirkanmaa", 1, 1),
        ("Not given", 3, 0),
    ]
    assert sheet_rows(data, "Feedback")[1:] == [(5, 1), (4, 1), (3, 1), (2, 0), (1, 0)]

    csv = client.get("/organiser/reports/events.csv", query_string=args)
    lines = csv.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == (
        "Date;Event;Format;Sign-ups;Registrations;Attended;Did not come;"
        "Feedback responses;Average score"
    )
    assert lines[2].endswith(";Nuorten ilta;Online;2;2;2;0;0;")
    assert lines[1].endswith(";Sote-kahvit;In person;4;3;1;1;2;4.50")


def test_a_download_with_a_wrong_date_goes_back_to_the_page(client, login, olli):
    login(olli)
    response = client.get("/organiser/reports/report.xlsx?first_day=32.1.2026")
    assert response.status_code == 303
    assert "/organiser/reports?first_day=32.1.2026" in response.headers["Location"]
    # Keys that would mean something to url_for stay plain text of the address.
    sneaky = "first_day=x&_external=1&_scheme=javascript"
    response = client.get(f"/organiser/reports/events.csv?{sneaky}")
    assert response.headers["Location"] == f"/organiser/reports?{sneaky}"


def test_a_check_in_helper_account_has_no_reports(client, login, make_organiser):
    helper = make_organiser(email="helper@example.fi", name="Hanna Helper")
    helper.check_in_only = True
    db.session.commit()
    login(helper)
    assert client.get("/organiser/reports").status_code == 404
    assert "Reports" not in text_of(client.get("/organiser/"))


def test_a_co_organiser_counts_the_events_they_organise_a_helper_none(scenario, make_organiser):
    from app.accounts.services import add_co_organiser
    from app.models import OrganiserRole

    colleague = make_organiser(email="kaisa@example.fi", name="Kaisa Co")
    helper = make_organiser(email="hannu@example.fi", name="Hannu Helper")
    add_co_organiser(scenario.events["B"], colleague.email)
    add_co_organiser(scenario.events["A"], helper.email, OrganiserRole.HELPER)
    db.session.commit()
    assert figures(colleague, period(scenario))["registrations"] == 2  # B's
    assert figures(helper, period(scenario))["events"] == 0


def test_an_admin_filters_by_organiser_and_an_organiser_cannot(
    client, login, scenario, olli, make_organiser
):
    days = {
        "first_day": f"{scenario.first_day:%d.%m.%Y}",
        "last_day": f"{scenario.last_day:%d.%m.%Y}",
    }
    admin = make_organiser(email="admin@example.fi", name="Aila Admin", admin=True)
    login(admin)
    text = text_of(client.get("/organiser/reports", query_string=days))
    assert "Events held 4" in text and "Aila Admin (admin@example.fi)" in text
    text = text_of(client.get("/organiser/reports", query_string={**days, "organiser": olli.id}))
    assert "Events held 3" in text
    client.post("/logout")
    login(olli)
    # Someone else's id in the address: no such filter for an organiser, no error.
    page = client.get("/organiser/reports", query_string={**days, "organiser": admin.id})
    assert "Events held 3" in text_of(page)
    assert 'id="organiser"' not in page.get_data(as_text=True)


def test_the_series_filter_takes_only_its_occurrences(scenario, olli):
    from app.models import Series

    series = Series(slug="verkosto", title="Verkoston tapaamiset", language="fi")
    db.session.add(series)
    db.session.flush()
    scenario.events["C"].series_id = series.id
    scenario.events["D"].series_id = series.id  # before the period: Mieli ry is new
    db.session.commit()
    found = figures(olli, period(scenario, series_id=series.id))
    assert (found["events"], found["registrations"], found["participants"]) == (1, 2, 2)
    assert (found["organisations"], found["new"], found["returning"]) == (2, 1, 1)
