"""What an organiser downloads and reads about who signed up: CSV and XLSX exports, the
attendee list with its search, and the summary of answers."""

import csv
import io
import re

import openpyxl
import pytest
import sqlalchemy as sa

from app import clock
from app.exports import services as export_services
from app.exports.services import CHUNK_ROWS
from app.extensions import db
from app.models import (
    Answer,
    AuditEntry,
    QuestionKind,
    Registration,
    RegistrationSource,
    RegistrationStatus,
)
from app.signup.services import register_for_event
from tests.conftest import (
    COFFEE_QUESTION,
    DIET_QUESTION,
    deliver_mail,
    link_in,
    submit,
    text_of,
)

INTERESTS = ["Palvelupolut", "Järjestöavustukset", "Hyvinvointialueiden strategiat"]
INTEREST_QUESTION = {
    "label": "Minua kiinnostaa",
    "kind": QuestionKind.MULTIPLE_CHOICE,
    "options": INTERESTS,
}
HEADER = [
    "Name",
    "Email",
    "Organisation",
    "Status",
    "Registered",
    "Checked in",
    "Attended",
    "Erityisruokavalio",
    "Osallistun kahvitarjoiluun",
    "Minua kiinnostaa",
]
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def sign_up(client, event, name, email, organisation="", **answers):
    by_label = {question.label: f"q_{question.id}" for question in event.questions}
    data = {
        "name": name,
        "email": email,
        "organisation": organisation,
        "consent": "y",
        "sensitive_consent": "y",
    }
    data.update({by_label[label]: value for label, value in answers.items()})
    page = submit(client, f"/events/{event.slug}/register", data, follow_redirects=True)
    assert page.status_code == 200, text_of(page)
    return page


@pytest.fixture
def signed_up(app, client, make_organiser, make_event, mailbox):
    """Two people with a place, one waiting, one who cancelled; the owner of the event."""
    owner = make_organiser()
    event = make_event(
        owner, capacity=2, questions=[DIET_QUESTION, COFFEE_QUESTION, INTEREST_QUESTION]
    )
    diet, coffee, interests = (q.label for q in event.questions)
    sign_up(
        client,
        event,
        "Sara Löyttyjärvi",
        "sara@example.fi",
        "Hämeen Setlementti ry",
        **{diet: "gluteeniton", coffee: "yes", interests: INTERESTS[:2]},
    )
    sign_up(
        client,
        event,
        "Äijä Öhman",
        "Aija.Ohman@Example.fi",
        "KANTA-HÄMEEN JÄRJESTÖAREENA",
        **{diet: "vegaaninen", coffee: "no", interests: INTERESTS[:1]},
    )
    sign_up(
        client,
        event,
        "Pekka Jonottaja",
        "pekka@example.fi",
        "Lahden Diakonialaitos",
        **{diet: "laktoositon", coffee: "yes", interests: INTERESTS[2:]},
    )
    sign_up(
        client,
        event,
        "Greta Peruja",
        "greta@example.fi",
        **{diet: "kananmunaton", coffee: "yes"},
    )
    deliver_mail(app)
    submit(client, link_in(mailbox.to("greta@example.fi")[0], "/manage/") + "/cancel", {})
    return owner, event


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def xlsx_sheet(data: bytes):
    return openpyxl.load_workbook(io.BytesIO(data)).active


def xlsx_rows(sheet, width: int) -> list[list[str]]:
    # Excel keeps no empty strings: an empty cell reads back as None.
    return [
        ["" if value is None else value for value in row]
        for row in sheet.iter_rows(max_col=width, values_only=True)
    ]


def download(client, url: str):
    with client.get(url) as response:
        assert response.status_code == 200, url
        return response, response.get_data()


# --- CSV and XLSX ---------------------------------------------------------------------


def test_csv_export_opens_in_finnish_excel_with_every_registration(
    client, login, signed_up, make_event
):
    owner, event = signed_up
    other = make_event(title="Toinen tilaisuus")
    sign_up(client, other, "Muu Ihminen", "muu@example.fi")
    login(owner)

    response, data = download(client, f"/organiser/events/{event.id}/attendees.csv?sensitive=1")

    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert re.fullmatch(
        r'attachment; filename="[a-z0-9-]+-attendees-\d{8}\.csv"; '
        r"filename\*=UTF-8''Hyvinvointi%20ja%20sote%20Kanta-H%C3%A4meess%C3%A4-attendees-\d{8}\.csv",
        response.headers["Content-Disposition"],
    )
    assert data.startswith(b"\xef\xbb\xbf")
    rows = csv_rows(data)
    assert rows[0] == HEADER
    today = clock.to_local(clock.now()).strftime("%Y-%m-%d")
    for row in rows[1:]:
        assert re.fullmatch(rf"{today} \d\d:\d\d", row[4]), row
    without_time = [row[:4] + row[5:] for row in rows[1:]]
    assert without_time == [
        [
            "Sara Löyttyjärvi",
            "sara@example.fi",
            "Hämeen Setlementti ry",
            "Confirmed",
            "",
            "",
            "gluteeniton",
            "Yes",
            "Palvelupolut, Järjestöavustukset",
        ],
        [
            "Äijä Öhman",
            "Aija.Ohman@Example.fi",
            "KANTA-HÄMEEN JÄRJESTÖAREENA",
            "Confirmed",
            "",
            "",
            "vegaaninen",
            "No",
            "Palvelupolut",
        ],
        [
            "Pekka Jonottaja",
            "pekka@example.fi",
            "Lahden Diakonialaitos",
            "Waiting list",
            "",
            "",
            "laktoositon",
            "Yes",
            "Hyvinvointialueiden strategiat",
        ],
        ["Greta Peruja", "greta@example.fi", "", "Cancelled", "", "", "kananmunaton", "Yes", ""],
    ]


def test_answers_past_those_an_export_keeps_worded_are_written_all_the_same(
    client, login, signed_up, monkeypatch
):
    """An export keeps the words of the first answers it meets, not of every one."""
    owner, event = signed_up
    login(owner)
    url = f"/organiser/events/{event.id}/attendees.csv?sensitive=1"
    _, every_answer_kept = download(client, url)

    monkeypatch.setattr(export_services, "KEPT_ANSWERS", 1)
    _, one_answer_kept = download(client, url)

    assert one_answer_kept == every_answer_kept
    assert "vegaaninen" in one_answer_kept.decode()


def test_xlsx_export_has_the_same_rows_as_the_csv(client, login, signed_up):
    owner, event = signed_up
    login(owner)

    _, csv_data = download(client, f"/organiser/events/{event.id}/attendees.csv?sensitive=1")
    response, xlsx_data = download(
        client, f"/organiser/events/{event.id}/attendees.xlsx?sensitive=1"
    )

    assert response.mimetype == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    assert response.headers["Cache-Control"] == "no-store"
    assert re.fullmatch(
        r'attachment; filename="[a-z0-9-]+-attendees-\d{8}\.xlsx"; '
        r"filename\*=UTF-8''\S+-attendees-\d{8}\.xlsx",
        response.headers["Content-Disposition"],
    )
    sheet = xlsx_sheet(xlsx_data)
    assert sheet.title == "Attendees"
    assert xlsx_rows(sheet, len(HEADER)) == csv_rows(csv_data)
    assert sheet.max_row == 5


def test_formulas_and_links_in_what_people_typed_stay_plain_text(
    client, login, make_organiser, make_event
):
    owner = make_organiser()
    event = make_event(owner, questions=[DIET_QUESTION])
    diet = DIET_QUESTION["label"]
    typed = {
        "a@example.fi": ("=cmd|' /C calc'!A0", "+1", "-1"),
        "b@example.fi": ("@SUM(1)", '=HYPERLINK("https://evil.example","klikkaa")', "+358 40 1"),
        "c@example.fi": ("Linkki Liisa", "https://evil.example/", "-2+3"),
    }
    for email, (name, organisation, answer) in typed.items():
        sign_up(client, event, name, email, organisation, **{diet: answer})
    # The forms trim leading whitespace; stored text can still start with a tab.
    register_for_event(
        event,
        name="Tabulaattori",
        email="d@example.fi",
        organisation="Yhdistys ry",
        answers={event.questions[0].id: "\t=1+1"},
        locale="fi",
    )
    db.session.commit()
    dangerous = [
        "=cmd|' /C calc'!A0",
        "+1",
        "-1",
        "@SUM(1)",
        '=HYPERLINK("https://evil.example","klikkaa")',
        "+358 40 1",
        "-2+3",
        "\t=1+1",
    ]
    login(owner)

    _, csv_data = download(client, f"/organiser/events/{event.id}/attendees.csv?sensitive=1")
    _, xlsx_data = download(client, f"/organiser/events/{event.id}/attendees.xlsx?sensitive=1")

    sheet = xlsx_sheet(xlsx_data)
    for rows in (csv_rows(csv_data), xlsx_rows(sheet, 8)):
        cells = [cell for row in rows for cell in row]
        for value in dangerous:
            assert "'" + value in cells, repr(value)
        assert not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
        assert "https://evil.example/" in cells  # plain text, not a link
    for row in sheet.iter_rows():
        for cell in row:
            assert cell.data_type != "f", cell.coordinate
            assert cell.hyperlink is None, cell.coordinate


# --- the attendee list ----------------------------------------------------------------


def names_listed(response) -> list[str]:
    table = response.get_data(as_text=True).split("<tbody>")[1].split("</tbody>")[0]
    return re.findall(r"<tr>\s*<td>(?:<a [^>]*>)?([^<]*)</", table)


@pytest.mark.both_databases
def test_attendee_list_counts_and_finds_people(client, login, signed_up):
    owner, event = signed_up
    login(owner)
    url = f"/organiser/events/{event.id}/attendees"

    everyone = client.get(url)

    assert "Confirmed 2 / 2 Waiting list 1 Cancelled 1" in text_of(everyone)
    assert "4 people" in text_of(everyone)
    assert sorted(names_listed(everyone)) == [
        "Greta Peruja",
        "Pekka Jonottaja",
        "Sara Löyttyjärvi",
        "Äijä Öhman",
    ]
    for query, found in [
        ("löyttyjärvi", ["Sara Löyttyjärvi"]),
        ("LÖYTTYJÄRVI", ["Sara Löyttyjärvi"]),
        ("äijä", ["Äijä Öhman"]),
        ("ÖHMAN", ["Äijä Öhman"]),
        ("aija.ohman@EXAMPLE", ["Äijä Öhman"]),
        ("setlementti", ["Sara Löyttyjärvi"]),
        ("järjestöareena", ["Äijä Öhman"]),
        ("  diakonia  ", ["Pekka Jonottaja"]),
        ("%", []),
        ("_", []),
        ("ei ketään", []),
    ]:
        page = client.get(url, query_string={"q": query})
        assert page.status_code == 200, query
        assert sorted(names_listed(page)) == sorted(found), query
        if not found:
            assert "No one found." in text_of(page)
            assert "0 people" in text_of(page)


def test_attendee_list_filters_by_status(client, login, signed_up):
    owner, event = signed_up
    login(owner)
    url = f"/organiser/events/{event.id}/attendees"

    for status, found in [
        ("confirmed", ["Sara Löyttyjärvi", "Äijä Öhman"]),
        ("waiting", ["Pekka Jonottaja"]),
        ("cancelled", ["Greta Peruja"]),
        ("", ["Greta Peruja", "Pekka Jonottaja", "Sara Löyttyjärvi", "Äijä Öhman"]),
        ("nonsense", ["Greta Peruja", "Pekka Jonottaja", "Sara Löyttyjärvi", "Äijä Öhman"]),
    ]:
        page = client.get(url, query_string={"status": status})
        assert page.status_code == 200, status
        assert sorted(names_listed(page)) == found, status

    both = client.get(url, query_string={"q": "EXAMPLE.fi", "status": "confirmed"})
    assert sorted(names_listed(both)) == ["Sara Löyttyjärvi", "Äijä Öhman"]
    assert 'value="EXAMPLE.fi"' in both.get_data(as_text=True)
    assert '<option value="confirmed" selected>' in both.get_data(as_text=True)


def test_summary_of_answers_counts_only_confirmed_people(client, login, signed_up):
    owner, event = signed_up
    login(owner)

    page = text_of(client.get(f"/organiser/events/{event.id}/attendees?sensitive=1"))

    summary = page.split("Summary of answers (confirmed people)")[1]
    diets, coffee, interests = re.split(r"Osallistun kahvitarjoiluun|Minua kiinnostaa", summary)
    assert "Erityisruokavalio sensitive" in page
    assert "gluteeniton" in diets and "vegaaninen" in diets
    assert "laktoositon" not in diets  # waiting
    assert "kananmunaton" not in diets  # cancelled
    assert "Answer People Yes 1 No 1" in coffee
    assert (
        "Answer People Palvelupolut 2 Järjestöavustukset 1 Hyvinvointialueiden strategiat 0"
        in interests
    )


# --- streaming ------------------------------------------------------------------------


def test_csv_export_is_streamed(client, login, signed_up):
    owner, event = signed_up
    login(owner)

    with client.get(f"/organiser/events/{event.id}/attendees.csv") as response:
        assert response.is_streamed
        assert len(csv_rows(response.get_data())) == 5


def bulk_registrations(event, count: int) -> None:
    """`count` registrations in two statements; every other one has answers."""
    diet, coffee, interests = event.questions
    now = clock.now()
    statuses = [RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING]
    db.session.execute(
        sa.insert(Registration),
        [
            {
                "id": number,
                "event_id": event.id,
                "name": f"Osallistuja {number:04d} Ähtäri",
                "email": f"osallistuja{number}@example.fi",
                "email_normalised": f"osallistuja{number}@example.fi",
                "organisation": "Yhdistys ry",
                "status": statuses[number % 2],
                "source": RegistrationSource.SIGNUP,
                "locale": "fi",
                "created_at": now,
                "updated_at": now,
            }
            for number in range(1, count + 1)
        ],
    )
    answers = []
    for number in range(2, count + 1, 2):
        answers.append(
            {"registration_id": number, "question_id": diet.id, "value": f"dieetti {number}"}
        )
        answers.append(
            {"registration_id": number, "question_id": coffee.id, "value": number % 4 == 0}
        )
        if number % 10 == 0:
            answers.append(
                {"registration_id": number, "question_id": interests.id, "value": INTERESTS[:2]}
            )
    db.session.execute(sa.insert(Answer), answers)
    db.session.commit()


@pytest.mark.both_databases
def test_export_of_five_thousand_registrations_streams_in_chunks_and_is_complete(
    client, login, make_organiser, make_event
):
    owner = make_organiser()
    event = make_event(owner, questions=[DIET_QUESTION, COFFEE_QUESTION, INTEREST_QUESTION])
    bulk_registrations(event, 5000)
    login(owner)
    read_in_chunks = []

    def record(connection, statement, multiparams, params, execution_options):
        if getattr(statement, "is_select", False):
            read_in_chunks.append(execution_options.get("yield_per"))

    sa.event.listen(db.engine, "before_execute", record)
    try:
        with client.get(f"/organiser/events/{event.id}/attendees.csv?sensitive=1") as response:
            assert response.is_streamed
            chunks = list(response.response)
    finally:
        sa.event.remove(db.engine, "before_execute", record)

    # Registrations, each with its answers, are read CHUNK_ROWS at a time, and sent on as read.
    assert read_in_chunks.count(CHUNK_ROWS) == 1
    assert len([chunk for chunk in chunks if chunk]) >= 5000 // CHUNK_ROWS
    rows = csv_rows(b"".join(chunks))
    assert len(rows) == 5001
    assert rows[0] == HEADER
    names = [row[0] for row in rows[1:]]
    assert names == [f"Osallistuja {number:04d} Ähtäri" for number in range(1, 5001)]
    first, second, *_, last = rows[1:]
    assert (first[3], first[7:]) == ("Waiting list", ["", "", ""])
    assert (second[3], second[7:]) == ("Confirmed", ["dieetti 2", "No", ""])
    assert (last[3], last[7:]) == (
        "Confirmed",
        ["dieetti 5000", "Yes", INTERESTS[0] + ", " + INTERESTS[1]],
    )
    answered = [row for row in rows[1:] if row[7]]
    assert len(answered) == 2500
    assert all(row[7] == f"dieetti {int(row[0].split()[1])}" for row in answered)


def test_the_door_list_has_everyone_with_a_place_by_name_with_a_box_to_tick(
    client, login, make_event, make_organiser
):
    from app.signup.services import register_for_event

    owner = make_organiser()
    event = make_event(owner, capacity=2)
    for name in ["Örjan Öhman", "aino Aalto", "Pekka Virtanen"]:  # the third one waits
        register_for_event(
            event,
            name=name,
            email=f"{name.split()[1].lower()}@example.fi",
            organisation="Oy",
            answers={},
            locale="fi",
        )
    db.session.commit()
    login(owner)

    attendees = client.get(f"/organiser/events/{event.id}/attendees")
    assert f'href="/organiser/events/{event.id}/door-list"' in attendees.text
    page = client.get(f"/organiser/events/{event.id}/door-list")
    check_in = client.get(f"/organiser/events/{event.id}/check-in")

    rows = re.findall(r"<tr>\s*<td class=\"tick\">.*?</td>\s*<td>(.*?)</td>", page.text, re.S)
    # The helper at the door finds people in the same order on the check-in page.
    assert re.findall(r'<tr id="person-\d+">\s*<td>(.*?)</td>', check_in.text) == rows
    assert rows == ["aino Aalto", "Örjan Öhman"]
    assert page.text.count('class="tick-box"') == 2
    assert "2 people with a place" in text_of(page)


def test_the_door_list_and_check_in_are_read_by_surname_with_å_ä_and_ö_after_z(
    client, login, make_event, make_organiser
):
    from app.signup.services import register_for_event

    owner = make_organiser()
    event = make_event(owner)
    names = [
        "Örjan Aalto",
        "Aino Öhman",
        "Ville Virtanen",
        "Sara Ärmänen",
        "Björn Zweig",
        "Anna-Liisa Lehtinen",
        "Pekka Wallin",
        "Ella Åberg",
        "Jean Émond",
        "Kalle Virtanen",
    ]
    for number, name in enumerate(names):
        register_for_event(
            event,
            name=name,
            email=f"person{number}@example.fi",
            organisation="",
            answers={},
            locale="fi",
        )
    db.session.commit()
    login(owner)

    page = client.get(f"/organiser/events/{event.id}/door-list")
    check_in = client.get(f"/organiser/events/{event.id}/check-in")

    rows = re.findall(r"<tr>\s*<td class=\"tick\">.*?</td>\s*<td>(.*?)</td>", page.text, re.S)
    # The helper at the door finds people in the same order on the check-in page.
    assert re.findall(r'<tr id="person-\d+">\s*<td>(.*?)</td>', check_in.text) == rows
    assert rows == [
        "Örjan Aalto",
        "Jean Émond",
        "Anna-Liisa Lehtinen",
        "Kalle Virtanen",
        "Ville Virtanen",
        "Pekka Wallin",
        "Björn Zweig",
        "Ella Åberg",
        "Sara Ärmänen",
        "Aino Öhman",
    ]
    assert "Everyone with a place, by surname." in text_of(page)


def test_sensitive_answers_stay_out_of_the_list_and_downloads_unless_asked_for(
    client, login, make_organiser, make_event
):
    owner = make_organiser()
    event = make_event(owner, questions=[COFFEE_QUESTION, DIET_QUESTION])
    sign_up(
        client,
        event,
        "Sara",
        "sara@example.fi",
        **{"Osallistun kahvitarjoiluun": "yes", "Erityisruokavalio": "keliakia"},
    )
    login(owner)
    url = f"/organiser/events/{event.id}/attendees"

    page = client.get(url)
    assert "Erityisruokavalio" not in text_of(page).split("Summary of answers")[0]
    assert "keliakia" not in text_of(page)  # the summary says only how many answered
    assert "1 person answered." in text_of(page).split("Summary of answers")[1]
    _, plain = download(client, url + ".csv")
    assert "keliakia" not in plain.decode("utf-8-sig")
    assert "Osallistun kahvitarjoiluun" in plain.decode("utf-8-sig")

    shown = text_of(client.get(url + "?sensitive=1"))
    assert "Erityisruokavalio" in shown.split("Summary of answers")[0]
    assert "keliakia" in shown.split("Summary of answers")[1]
    _, full = download(client, url + ".csv?sensitive=1")
    assert "keliakia" in full.decode("utf-8-sig")
    details = db.session.scalars(sa.select(AuditEntry.detail).order_by(AuditEntry.id)).all()
    assert details == ["", "csv: complete, 1 rows", "sensitive", "csv sensitive: complete, 1 rows"]


def test_times_in_exports_are_helsinki_time_on_both_sides_of_a_clock_change():
    from datetime import UTC, datetime

    from app.exports.services import _when

    # Times come with their zone from PostgreSQL and without it, as stored, from SQLite.
    for zone in (UTC, None):
        # Summer time began at 01.00 UTC on 29 March 2026, when Finnish clocks went 03 → 04.
        assert _when(datetime(2026, 3, 29, 0, 59, tzinfo=zone)) == "2026-03-29 02:59"
        assert _when(datetime(2026, 3, 29, 1, 0, tzinfo=zone)) == "2026-03-29 04:00"
        assert _when(datetime(2026, 10, 25, 0, 30, tzinfo=zone)) == "2026-10-25 03:30"
        assert _when(datetime(2026, 10, 25, 1, 30, tzinfo=zone)) == "2026-10-25 03:30"  # again
        assert _when(datetime(2026, 12, 31, 22, 5, tzinfo=zone)) == "2027-01-01 00:05"
    assert _when(None) == ""


def test_a_download_never_read_gives_its_database_connection_back(
    client, login, make_organiser, make_event
):
    """A HEAD request, or a browser gone before the first byte: the export's own connection
    goes back to the pool all the same."""
    owner = make_organiser()
    event = make_event(owner, questions=[DIET_QUESTION])
    login(owner)
    taken = db.engine.pool.checkedout()

    for method in (client.get, client.head):
        with method(f"/organiser/events/{event.id}/attendees.csv") as response:
            assert response.status_code == 200

    assert db.engine.pool.checkedout() == taken
