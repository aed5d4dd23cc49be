"""A Teams attendance report read into the people who took part: the participants' table
found by its header (English, Finnish, Swedish) in the UTF-16 sections Teams writes, in an
older one-table report, in XLSX, or saved again as CSV; each person once, their address as
the file gives it; and files that are no report refused with a message, quickly."""

import codecs
import io
import time

import pytest
import xlsxwriter

from app.attendance.teams import MAX_REPORT_ROWS, read_report
from app.uploads import UploadRefused
from tests import bombs

PARTICIPANTS_EN = [
    [
        "Name",
        "First Join",
        "Last Leave",
        "In-Meeting Duration",
        "Email",
        "Participant ID (UPN)",
        "Role",
    ],
    [
        "Olli Organiser",
        "12/7/26, 9:58:02 AM",
        "12/7/26, 11:31:40 AM",
        "1h 33m 38s",
        "",
        "olli.organiser@kutsu-test.onmicrosoft.com",
        "Organizer",
    ],
    [
        "Aino Aaltonen",
        "12/7/26, 10:00:15 AM",
        "12/7/26, 11:30:02 AM",
        "1h 29m 47s",
        "Aino.Aaltonen@Example.FI",
        "aino.aaltonen@example.fi",
        "Attendee",
    ],
    [
        "Bertil Berg (Guest)",
        "12/7/26, 10:02:00 AM",
        "12/7/26, 11:00:00 AM",
        "58m",
        "",
        "bertil@example.fi",
        "Attendee",
    ],
    [
        "Celia C",
        "12/7/26, 10:05:00 AM",
        "12/7/26, 11:30:00 AM",
        "1h 25m",
        "celia.c@gmail.com",
        "celia.c_gmail.com#EXT#@kutsu-test.onmicrosoft.com",
        "Attendee",
    ],
    [
        "Aino Aaltonen",
        "12/7/26, 10:40:00 AM",
        "12/7/26, 11:30:02 AM",
        "50m",
        "aino.aaltonen@example.fi",
        "",
        "Attendee",
    ],
    ["Puhelinsoittaja", "12/7/26, 10:10:00 AM", "12/7/26, 10:50:00 AM", "40m", "", "", "Attendee"],
]


def teams_sections(
    participants,
    *,
    summary_title="1. Summary",
    participants_title="2. Participants",
    activities_title="3. In-Meeting Activities",
):
    """The rows of a Teams attendance report in its three sections."""
    return [
        [summary_title],
        ["Meeting title", "Järjestöjen sote-ryhmä"],
        ["Attended participants", str(len(participants) - 1)],
        ["Start time", "12/7/26, 9:58:02 AM"],
        [],
        [participants_title],
        *participants,
        [],
        [activities_title],
        ["Name", "Join Time", "Leave Time", "Duration", "Email", "Role"],
        *[[row[0], row[1], row[2], row[3], row[4], row[-1]] for row in participants[1:]],
    ]


def teams_csv(participants, *, sections=True, encoding="utf-16") -> bytes:
    """As Teams writes it: UTF-16 LE with BOM, tab-separated, CRLF."""
    rows = teams_sections(participants) if sections else participants
    text = "\r\n".join("\t".join(row) for row in rows) + "\r\n"
    if encoding == "utf-16":
        return codecs.BOM_UTF16_LE + text.encode("utf-16-le")
    return text.encode(encoding)


def teams_xlsx(rows) -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    workbook.add_worksheet("Summary").write_row(0, 0, ["Meeting summary"])
    sheet = workbook.add_worksheet("Participants")
    for number, row in enumerate(rows):
        sheet.write_row(number, 0, row)
    workbook.close()
    return out.getvalue()


@pytest.fixture
def english(app):
    """Messages of refused files read in English."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        yield


def as_read(participants):
    return [(row.name, row.email) for row in participants]


EXPECTED_EN = [
    ("Olli Organiser", "olli.organiser@kutsu-test.onmicrosoft.com"),
    ("Aino Aaltonen", "Aino.Aaltonen@Example.FI"),
    ("Bertil Berg (Guest)", "bertil@example.fi"),
    ("Celia C", "celia.c@gmail.com"),
    ("Puhelinsoittaja", ""),
]


def test_the_participants_section_is_found_in_a_utf16_report_and_each_person_read_once(english):
    # Aino twice (she rejoined), in different case: one person, as first seen.
    assert as_read(read_report("attendance.csv", teams_csv(PARTICIPANTS_EN))) == EXPECTED_EN


def test_finnish_and_swedish_reports_are_read_by_their_headers(english):
    finnish = [
        [
            "Nimi",
            "Ensimmäinen liittyminen",
            "Viimeinen poistuminen",
            "Kokouksen kesto",
            "Sähköposti",
            "Osallistujan tunnus (UPN)",
            "Rooli",
        ],
        *PARTICIPANTS_EN[1:],
    ]
    swedish = [
        [
            "Namn",
            "Första anslutning",
            "Senaste lämnande",
            "Varaktighet i mötet",
            "E-post",
            "Deltagar-ID (UPN)",
            "Roll",
        ],
        *PARTICIPANTS_EN[1:],
    ]
    sections = {
        "summary_title": "1. Yhteenveto",
        "participants_title": "2. Osallistujat",
        "activities_title": "3. Kokouksen aikaiset toiminnot",
    }
    data = "\r\n".join("\t".join(row) for row in teams_sections(finnish, **sections))

    assert (
        as_read(read_report("osallistujat.csv", codecs.BOM_UTF16_LE + data.encode("utf-16-le")))
        == EXPECTED_EN
    )
    assert as_read(read_report("deltagare.csv", teams_csv(swedish))) == EXPECTED_EN


def test_a_table_of_names_without_addresses_before_the_participants_is_passed_over(english):
    rows = [["Organisers"], ["Name", "Role"], ["Olli Organiser", "Organizer"], [], ["Participants"]]
    data = teams_csv(rows + PARTICIPANTS_EN, sections=False)
    assert as_read(read_report("attendance.csv", data)) == EXPECTED_EN


def test_an_older_report_of_joins_and_leaves_gives_each_person_once(english):
    rows = [
        ["Full Name", "User Action", "Timestamp", "Participant ID (UPN)"],
        ["Aino Aaltonen", "Joined", "12/7/2026, 10:00:15 AM", "aino.aaltonen@example.fi"],
        ["Bertil Berg", "Joined", "12/7/2026, 10:02:00 AM", "bertil@example.fi"],
        ["Aino Aaltonen", "Left", "12/7/2026, 10:30:00 AM", "aino.aaltonen@example.fi"],
        ["Aino Aaltonen", "Joined", "12/7/2026, 10:31:00 AM", "AINO.AALTONEN@example.fi"],
    ]
    participants = read_report("meetingAttendanceList.csv", teams_csv(rows, sections=False))
    assert as_read(participants) == [
        ("Aino Aaltonen", "aino.aaltonen@example.fi"),
        ("Bertil Berg", "bertil@example.fi"),
    ]


def test_a_report_saved_again_as_utf8_csv_or_as_xlsx_reads_the_same(english):
    comma = "\r\n".join(",".join(row) for row in PARTICIPANTS_EN).replace("9:58:02 AM", "9.58")
    semicolons = teams_csv(PARTICIPANTS_EN, encoding="utf-8-sig").replace(b"\t", b";")

    assert (
        as_read(read_report("a.xlsx", teams_xlsx(teams_sections(PARTICIPANTS_EN)))) == EXPECTED_EN
    )
    assert as_read(read_report("a.csv", semicolons)) == EXPECTED_EN
    assert len(read_report("a.csv", comma.encode())) == 5


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("big.csv", codecs.BOM_UTF16_LE + b"a\x00" * 600_000, "1 MB or smaller"),
        (
            "odd.csv",
            codecs.BOM_UTF16_LE + "Name\tEmail\r\n".encode("utf-16-le") + b"x",
            "cannot be read as text",
        ),
        (
            "none.csv",
            teams_csv([["Meeting", "Title"], ["x", "y"]], sections=False),
            "no table of participants",
        ),
        (
            "names.csv",
            teams_csv([["Full Name", "User Action"], ["Aino", "Joined"]], sections=False),
            "no email column",
        ),
        ("report.xlsx", b"PK\x03\x04 not really", "cannot be read as an Excel workbook"),
        ("image.csv", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 100, "cannot be read as text"),
    ],
)
def test_a_file_that_is_no_report_is_refused_with_a_message(english, name, data, message):
    with pytest.raises(UploadRefused, match=message):
        read_report(name, data)


def test_a_report_of_100000_rows_is_refused_quickly(english):
    rows = [PARTICIPANTS_EN[0]] + [[f"P{n}", f"p{n}@x.fi"] for n in range(100_000)]
    data = teams_csv(rows, sections=False, encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(UploadRefused, match=f"more than {MAX_REPORT_ROWS:,}".replace(",", "")):
        read_report("many.csv", data[: 1024 * 1024])
    assert time.monotonic() - started < 2


def test_a_workbook_bomb_is_refused(english, tmp_path):
    path = bombs.build(tmp_path, "gigabyte_string")
    with pytest.raises(UploadRefused, match="workbook"):
        read_report("report.xlsx", path.read_bytes())
