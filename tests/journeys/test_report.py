"""The report for a period through the real server: an organiser with three past events
(made through services, attendance marked, feedback given, one already purged) opens
Reports, narrows the period and the region, reads the figures and the tables, and
downloads the XLSX and the CSV, each checked cell by cell against the data."""

import csv
import io
import re

import openpyxl
import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import Organiser
from tests.journeys.conftest import Kutsu, create_account, download, sign_in
from tests.report_scenario import build, expected_events, expected_summary

pytestmark = pytest.mark.both_databases

OLLI = "olli@example.fi"


def account(email: str) -> Organiser:
    return db.session.scalar(sa.select(Organiser).where(Organiser.email == email))


def sheet(data: bytes, name: str) -> list[tuple]:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    return [tuple(row) for row in workbook[name].iter_rows(values_only=True)]


def table_rows(page, caption: str) -> list[list[str]]:
    exactly = page.locator("caption").filter(has_text=re.compile(f"^{re.escape(caption)}$"))
    table = page.locator("table", has=exactly)
    return [row.locator("th, td").all_inner_texts() for row in table.locator("tbody tr").all()]


def test_an_organiser_reads_and_downloads_the_report_of_a_region(
    kutsu: Kutsu, new_page, make_event
):
    create_account(kutsu, OLLI, "Olli Organiser")
    create_account(kutsu, "eeva@example.fi", "Eeva Esimerkki")
    scenario = build(make_event, account(OLLI), account("eeva@example.fi"))

    page = new_page()
    sign_in(page, OLLI)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Report for a period")
    page.get_by_label("First day").fill(f"{scenario.first_day:%-d.%-m.%Y}")
    page.get_by_label("Last day").fill(f"{scenario.last_day:%-d.%-m.%Y}")
    page.get_by_label("Wellbeing services county of the event").select_option("Kanta-Häme")
    page.get_by_role("button", name="Show").click()

    counts = page.locator("dl.counts > div")
    expect(counts).to_have_text(
        [
            "Events held 1",
            "Registrations 3",
            "Attended 1",
            "Participants 3",
            "Organisations 2",
        ],
        use_inner_text=True,
    )
    summary = expected_summary(scenario, region="Kanta-Häme")
    shown = table_rows(page, "Summary")
    assert [label for label, _ in shown] == [label for label, _ in summary[1:]]
    assert dict(shown)["No-show rate (of those marked)"] == "50.0%"
    assert dict(shown)["Average score (1–5)"] == "4.50"
    [event] = table_rows(page, "Events")
    assert event[1:] == ["Sote-kahvit", "In person", "4", "3", "1", "1", "2", "4.50"]
    assert table_rows(page, "By organisation") == [
        ["SOSTE ry", "2", "2", "1", "Returning"],
        ["Hämeen Setlementti", "1", "1", "0", "New"],
    ]
    assert table_rows(page, "By region") == [["Kanta-Häme", "1", "1"], ["Not given", "2", "0"]]
    assert "Sara" not in page.locator("main").inner_text()

    workbook = download(page, "Download the report (Excel, XLSX)")
    assert sheet(workbook, "Summary") == summary
    assert sheet(workbook, "Events") == expected_events(scenario, region="Kanta-Häme")
    assert sheet(workbook, "Organisations")[1:] == [
        ("SOSTE ry", 2, 2, 1, "Returning"),
        ("Hämeen Setlementti", 1, 1, 0, "New"),
    ]
    events_csv = download(page, "Download the events (CSV)").decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(events_csv), delimiter=";"))
    assert rows[1][1:] == ["Sote-kahvit", "In person", "4", "3", "1", "1", "2", "4.50"]
    assert len(rows) == 2
