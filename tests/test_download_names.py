"""Downloads are saved under their names in full, whatever letters they hold: through
gunicorn, as browsers get them (RFC 6266: an ASCII `filename`, the full `filename*`)."""

import json
import re
from urllib.parse import unquote

import pytest

from app.downloads import attachment
from tests.conftest import csrf_token_in
from tests.servers import running_server
from tests.test_export_downloads import TIMEOUT, Organiser


def saved_as(disposition: str) -> tuple[str, str]:
    """(the name a browser saves the file under, the plain-ASCII name older ones use), read
    as RFC 6266 says: filename* first."""
    found = re.fullmatch(
        r'attachment; filename="([^"\\]*)"(?:; filename\*=UTF-8\'\'([^\s;"]+))?', disposition
    )
    assert found, disposition
    plain, encoded = found.groups()
    return (unquote(encoded, errors="strict") if encoded else plain), plain


@pytest.mark.both_databases
def test_downloads_keep_names_in_any_letters(make_organiser, make_event, database_url):
    admin = make_organiser(email="admin@example.fi", admin=True)
    event = make_event(admin, title="Весенний семинар – Kevätpäivä")

    with running_server(database_url, workers=1, threads=2) as base_url:
        organiser = Organiser(base_url, admin.email)
        lookup = organiser.get("/admin/people?email=x%40пример.рф")
        person = organiser.session.post(
            base_url + "/admin/people/export",
            data={"csrf_token": csrf_token_in(lookup.text), "email": "x@пример.рф"},
            timeout=TIMEOUT,
        )
        table = organiser.get(f"/organiser/events/{event.id}/attendees.csv")
        workbook = organiser.get(f"/organiser/events/{event.id}/attendees.xlsx")

    assert person.status_code == 200
    assert json.loads(person.content)["email"] == "x@пример.рф"
    assert saved_as(person.headers["Content-Disposition"]) == (
        "kutsu-x-at-пример.рф.json",
        "kutsu-x-at.json",
    )
    for response, extension in ((table, "csv"), (workbook, "xlsx")):
        assert response.status_code == 200
        full, plain = saved_as(response.headers["Content-Disposition"])
        assert re.fullmatch(rf"Весенний семинар – Kevätpäivä-attendees-\d{{8}}\.{extension}", full)
        assert re.fullmatch(rf"{event.slug}-attendees-\d{{8}}\.{extension}", plain)


@pytest.mark.parametrize(
    "given, full, plain",
    [
        ("../../etc/passwd", "etc-passwd", "etc-passwd"),
        ('a"b\r\nSet-Cookie: x=1.csv', "a-bSet-Cookie- x=1.csv", "a-bSet-Cookie- x=1.csv"),
        ("kuva\u202egpj.exe", "kuvagpj.exe", "kuvagpj.exe"),  # a right-to-left override
        (".bashrc", "bashrc", "bashrc"),
        ("Förslag.csv", "Förslag.csv", "Forslag.csv"),
        ("Весна.ics", "Весна.ics", "download.ics"),
    ],
)
def test_a_download_name_carries_no_path_quote_or_control_character(given, full, plain):
    disposition = attachment(given)
    assert disposition.isascii()
    assert "\r" not in disposition and "\n" not in disposition
    assert saved_as(disposition) == (full, plain)
