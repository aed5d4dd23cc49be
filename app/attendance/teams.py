"""A Teams attendance report ("Download attendance list"), read into who took part: each
person's name and address as the file gives them. Nothing here touches the database.

Teams writes a CSV in UTF-16 with a BOM, separated by tabs, in sections: "1. Summary",
"2. Participants" (Name, First Join, Last Leave, In-Meeting Duration, Email, Participant ID
(UPN), Role) and "3. In-Meeting Activities". Older reports are one table of joins and
leaves (Full Name, User Action, Timestamp, ...). The same comes as an Excel workbook too.
The participants' table is found by its header, in English, Finnish or Swedish."""

import re
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.text import clean_text, normalise_email
from app.uploads import MAX_FILE_BYTES, UploadRefused, delimited, workbooks

# A meeting in Teams holds at most 1,000 people (a webinar too), and an older report has a
# row for every join and leave: rows past this are not read.
MAX_REPORT_ROWS = 20_000
# Different people in one report.
MAX_PARTICIPANTS = 5_000

NAME_HEADERS = frozenset(
    {
        "name",
        "full name",
        "participant",
        "participant name",
        "nimi",
        "koko nimi",
        "osallistuja",
        "namn",
        "fullständigt namn",
        "deltagare",
    }
)
EMAIL_HEADERS = frozenset(
    {"email", "e-mail", "email address", "sähköposti", "sähköpostiosoite", "e-post", "e-postadress"}
)
# "Participant ID (UPN)", "Osallistujan tunnus (UPN)", "Deltagar-ID (UPN)": the sign-in
# name, the address of most people in an organisation's own tenant.
UPN = re.compile(r"\bupn\b|user principal name")
# "3. In-Meeting Activities", "3. Kokouksen aikaiset toiminnot": the next section.
SECTION_TITLE = re.compile(r"\d+\.\s")

NO_TABLE = _l(
    "The file has no table of participants with a name and an email column. Choose the "
    "attendance report as Teams gives it (Download attendance list)."
)


@dataclass(frozen=True)
class Participant:
    name: str  # as in the file
    email: str  # as in the file; "" when the row has none

    @property
    def key(self) -> str:
        """The address as matched: normalised (app.text.normalise_email)."""
        return normalise_email(self.email)


@dataclass(frozen=True)
class _Columns:
    name: int
    email: int | None
    upn: int | None


def read_report(filename: str, data: bytes) -> list[Participant]:
    """The different people of the report, in its order; raises UploadRefused."""
    if len(data) > MAX_FILE_BYTES:
        raise UploadRefused(_l("The file must be 1 MB or smaller"))
    if filename.lower().endswith(".xlsx"):
        read = workbooks.read_sheets(data, max_rows=MAX_REPORT_ROWS)
        found = _found(read)
    else:
        # Teams' own file is tab-separated; saved again from Excel, ";" or ",".
        read = []
        for delimiter in ("\t", ";", ","):
            sheet = delimited.read_rows(data, max_rows=MAX_REPORT_ROWS, delimiter=delimiter)
            read.append(sheet)
            if found := _found([sheet]):
                break
    if found:
        return _participants(*found)
    if any(_header(row) for rows in read for row in rows):  # names, but no addresses
        raise UploadRefused(
            _l(
                "The report has no email column, and Kutsu matches people only by their "
                "email address. Download the attendance list again in Teams."
            )
        )
    raise UploadRefused(NO_TABLE)


def _found(sheets: list[list[list[str]]]) -> tuple[_Columns, list[list[str]]] | None:
    for rows in sheets:
        found = _participants_table(rows)
        if found is None:
            continue
        columns, table, ended = found
        if not ended and sum(map(len, sheets)) >= MAX_REPORT_ROWS:
            raise UploadRefused(
                _l(
                    "The file has more than %(num)d rows, more than a meeting's attendance "
                    "report. Nothing was imported.",
                    num=MAX_REPORT_ROWS,
                )
            )
        return columns, table
    return None


def _participants_table(rows: list[list[str]]) -> tuple[_Columns, list[list[str]], bool] | None:
    """The participants' columns, the rows under their header to the section's end, and
    whether that end was seen (not the end of what was read)."""
    for at, row in enumerate(rows):
        columns = _header(row)
        if columns is None or (columns.email is None and columns.upn is None):
            continue
        table = []
        for line in rows[at + 1 :]:
            cells = [clean_text(cell) for cell in line]
            if not any(cells) or (SECTION_TITLE.match(cells[0]) and not any(cells[1:])):
                return columns, table, True
            table.append(cells)
        return columns, table, False
    return None


def _header(row: list[str]) -> _Columns | None:
    words = [clean_text(cell).strip('"').casefold() for cell in row]
    name = next((i for i, word in enumerate(words) if word in NAME_HEADERS), None)
    if name is None:
        return None
    email = next((i for i, word in enumerate(words) if word in EMAIL_HEADERS), None)
    upn = next((i for i, word in enumerate(words) if UPN.search(word)), None)
    return _Columns(name, email, upn)


def _participants(columns: _Columns, rows: list[list[str]]) -> list[Participant]:
    people: dict[str, Participant] = {}
    for cells in rows:
        person = Participant(_cell(cells, columns.name), _address(cells, columns))
        if not person.name and not person.email:
            continue
        # An older report has a row per join and leave: each person once.
        people.setdefault(person.key or "name:" + person.name.casefold(), person)
        if len(people) > MAX_PARTICIPANTS:
            raise UploadRefused(
                _l(
                    "The report has more than %(num)d people. Nothing was imported.",
                    num=MAX_PARTICIPANTS,
                )
            )
    return list(people.values())


def _address(cells: list[str], columns: _Columns) -> str:
    """The Email column's; else the sign-in name (UPN) when it is an address."""
    for column in (columns.email, columns.upn):
        value = _cell(cells, column)
        if "@" in value:
            return value
    return ""


def _cell(cells: list[str], column: int | None) -> str:
    return cells[column] if column is not None and column < len(cells) else ""
