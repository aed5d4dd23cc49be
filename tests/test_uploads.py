"""Reading uploaded tables under bounds (app.uploads). The bombs themselves, through the real
server, are in tests/journeys/test_hostile_uploads.py."""

import io
import zipfile

import openpyxl
import pytest
from flask import current_app

from app.uploads import MAX_CELL_CHARACTERS, MAX_COLUMNS, UploadRefused, read_table
from tests import bombs


def xlsx(*rows) -> bytes:
    workbook = openpyxl.Workbook()
    for row in rows:
        workbook.active.append(row)
    data = io.BytesIO()
    workbook.save(data)
    return data.getvalue()


def refusal(filename: str, data: bytes) -> str:
    """The message at the file field, in English."""
    with pytest.raises(UploadRefused) as refused:
        read_table(filename, data, max_rows=100)
    with current_app.test_request_context(headers={"Accept-Language": "en"}):
        return str(refused.value)


def test_a_workbook_is_read_no_further_than_its_rows_and_columns(app):
    wide = [f"c{n}" for n in range(40)]
    rows = read_table("a.xlsx", xlsx(["Aino", "aino@example.fi"], wide, *[["x"]] * 10), max_rows=3)
    assert rows == [
        ["Aino", "aino@example.fi"] + [""] * (MAX_COLUMNS - 2),
        wide[:MAX_COLUMNS],
        ["x"] + [""] * (MAX_COLUMNS - 1),
    ]


def test_a_long_cell_in_a_workbook_is_refused_before_openpyxl_reads_it(app):
    assert "holds more than 1000 characters" in refusal(
        "a.xlsx", xlsx(["Aino", "a" * (MAX_CELL_CHARACTERS + 1)])
    )
    assert read_table("a.xlsx", xlsx(["a" * MAX_CELL_CHARACTERS]), max_rows=1)


def test_a_workbook_with_a_doctype_or_no_zip_at_all_is_not_a_workbook(app, tmp_path):
    path = tmp_path / "entities.xlsx"
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa">]>'
        f'<sst xmlns="{bombs.MAIN}"><si><t>&a;</t></si></sst>'
    )
    bombs.workbook(path, bombs.sheet_xml(""), laughs)
    for data in (path.read_bytes(), b"PK\x03\x04 not really", b"name;email\n"):
        assert "cannot be read as an Excel workbook" in refusal("list.xlsx", data)


def test_a_member_that_unpacks_far_beyond_its_size_is_refused(app):
    data = io.BytesIO()
    with zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/media/zeros.bin", b"\0" * (20 * 1024 * 1024))
    assert "unpacks to more than 32 MB" in refusal("a.xlsx", data.getvalue())


def test_csv_lines_and_values_are_bounded_and_named_by_line(app):
    assert "Line 3 is longer than 4000 characters" in refusal(
        "a.csv", b"name;email\nAino;aino@example.fi\n" + b"," * 5000 + b"\n"
    )
    assert "Line 2 has a value of more than 1000 characters" in refusal(
        "a.csv", b'name;email\n"' + b"x\n" * 600 + b'";aino@example.fi\n'
    )
    assert "Line 2 cannot be read" in refusal("a.csv", b'name,email\n"' + b"x\n" * 70000)
    wide = read_table("a.csv", b",".join([b"x"] * 100) + b"\n", max_rows=10)
    assert wide == [["x"] * MAX_COLUMNS]
