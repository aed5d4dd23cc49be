"""Excel workbooks (.xlsx): the zip and its XML checked as they stream past, under the
bounds of app.uploads, before openpyxl reads a byte; then openpyxl reads the first sheet in
read-only mode, no further than the rows and columns asked for.

What a workbook says of itself is not trusted: members are measured by unpacking them (a
byte count, not ZipInfo.file_size), shared strings and cells by counting them, and the
sheet's declared dimension (A1:XFD1048576 asks openpyxl for 17 billion cells) is never
used. Texts are measured without being built: expat hands their characters over in pieces.
"""

import io
import warnings
import zipfile
from xml.parsers import expat

from flask_babel import lazy_gettext as _l

from app.uploads import (
    MAX_CELL_CHARACTERS,
    MAX_COLUMNS,
    MAX_COMPRESSION_RATIO,
    MAX_MEMBER_BYTES,
    MAX_ROW_CELLS,
    MAX_SHARED_STRINGS,
    MAX_SHEET_CELLS,
    MAX_UNPACKED_BYTES,
    MAX_ZIP_MEMBERS,
    UploadRefused,
)

CHUNK = 64 * 1024
# SpreadsheetML's namespaces: Excel's usual one, and that of "Strict Open XML".
SPREADSHEET = (
    "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
    "http://purl.oclc.org/ooxml/spreadsheetml/main",
)
# Elements whose characters are a cell's value: text (<t>, also in rich-text runs) and values.
VALUE_ELEMENTS = {f"{namespace} {name}" for namespace in SPREADSHEET for name in ("t", "v")}
# Each of these starts one value to measure: a shared string, a cell.
VALUE_HOLDERS = {f"{namespace} {name}" for namespace in SPREADSHEET for name in ("si", "c")}
ROWS = {f"{namespace} row" for namespace in SPREADSHEET}

NOT_A_WORKBOOK = _l(
    "The file cannot be read as an Excel workbook (.xlsx). Open it in Excel and save it "
    "again, or save it as CSV."
)
KEEP_THE_LIST_ALONE = _l("Copy the list alone into a new workbook, or save it as CSV.")


def read_rows(data: bytes, *, max_rows: int) -> list[list[str]]:
    """The first sheet's first max_rows rows."""
    return read_sheets(data, max_rows=max_rows, first_only=True)[0]


def read_sheets(data: bytes, *, max_rows: int, first_only: bool = False) -> list[list[list[str]]]:
    """Each sheet's rows, at most max_rows in all: for a table that may be on any sheet."""
    check_workbook(data)
    from openpyxl import load_workbook

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "no default style", and the like
            workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
            try:
                sheets = workbook.worksheets[:1] if first_only else workbook.worksheets
                if not sheets:
                    raise UploadRefused(NOT_A_WORKBOOK)
                read = []
                for sheet in sheets:
                    left = max_rows - sum(map(len, read))
                    rows = sheet.iter_rows(max_row=left, max_col=MAX_COLUMNS, values_only=True)
                    read.append([_texts(row) for row in rows] if left > 0 else [])
                return read
            finally:
                workbook.close()
    except Exception as error:  # openpyxl raises what its parts raise
        raise UploadRefused(NOT_A_WORKBOOK) from error


def _texts(row) -> list[str]:
    return ["" if value is None else str(value) for value in row]


def check_workbook(data: bytes) -> None:
    """Raise UploadRefused unless the zip and every XML part in it are within bounds."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise UploadRefused(
                    _l(
                        "The workbook has more than %(num)d parts (sheets, images, objects).",
                        num=MAX_ZIP_MEMBERS,
                    ),
                    KEEP_THE_LIST_ALONE,
                )
            budget = MAX_UNPACKED_BYTES
            for member in members:
                budget -= _check_member(archive, member, budget)
    except (
        zipfile.BadZipFile,
        EOFError,
        OSError,
        ValueError,
        NotImplementedError,
        RuntimeError,
    ) as error:
        # Not a zip, a damaged one, or encrypted or compressed in a way zipfile cannot open.
        raise UploadRefused(NOT_A_WORKBOOK) from error


def _check_member(archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: int) -> int:
    """Unpack one member, feeding XML to a counting parser; its real unpacked size."""
    if member.is_dir():
        return 0
    counter = _Counter()
    unpacked = 0
    allowed = min(MAX_MEMBER_BYTES, budget)
    with archive.open(member) as stream:
        while chunk := stream.read(CHUNK):
            unpacked += len(chunk)
            if unpacked > allowed:
                raise _unpacks_too_much()
            if unpacked > (1 << 20) and unpacked > MAX_COMPRESSION_RATIO * member.compress_size:
                raise _unpacks_too_much()
            counter.feed(chunk, first=unpacked == len(chunk))
    return unpacked


def _unpacks_too_much() -> UploadRefused:
    return UploadRefused(
        _l(
            "The workbook unpacks to more than %(num)d MB, far more than a list of people.",
            num=MAX_UNPACKED_BYTES // 2**20,
        ),
        KEEP_THE_LIST_ALONE,
    )


class _Counter:
    """Counts what one XML part holds as its bytes go by: shared strings, cells in the
    part and in each row, and the characters of each value. A part that is not XML
    (an image) is only measured; a DOCTYPE (entities that expand) is refused."""

    def __init__(self):
        self.parser: expat.XMLParserType | None = None
        self.shared_strings = 0
        self.cells = 0
        self.row_cells = 0
        self.in_value = 0
        self.characters = 0

    def feed(self, chunk: bytes, *, first: bool) -> None:
        if first and chunk.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
            self.parser = self._parser()
        if self.parser is None:
            return
        try:
            self.parser.Parse(chunk, False)
        except expat.ExpatError:
            # Not well-formed (Excel's legacy VML drawings often are not): nothing more
            # to count in it; openpyxl refuses such a part if it is one it reads.
            self.parser = None

    def _parser(self) -> expat.XMLParserType:
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.StartElementHandler = self.start
        parser.EndElementHandler = self.end
        parser.CharacterDataHandler = self.characters_of
        parser.StartDoctypeDeclHandler = self.doctype
        parser.EntityDeclHandler = self.doctype
        return parser

    def start(self, name: str, attributes) -> None:
        if name in VALUE_HOLDERS:
            self.characters = 0
            if name.endswith(" si"):
                self.shared_strings += 1
                if self.shared_strings > MAX_SHARED_STRINGS:
                    raise UploadRefused(
                        _l(
                            "The workbook holds more than %(num)d different texts.",
                            num=MAX_SHARED_STRINGS,
                        ),
                        KEEP_THE_LIST_ALONE,
                    )
            else:
                self._count_cell()
        elif name in VALUE_ELEMENTS:
            self.in_value += 1
        elif name in ROWS:
            self.row_cells = 0

    def _count_cell(self) -> None:
        self.cells += 1
        self.row_cells += 1
        if self.cells > MAX_SHEET_CELLS or self.row_cells > MAX_ROW_CELLS:
            raise UploadRefused(
                _l(
                    "A sheet in the workbook has more cells than a list of people: an "
                    "invitation list needs only the columns name, email and organisation."
                ),
                KEEP_THE_LIST_ALONE,
            )

    def end(self, name: str) -> None:
        if name in VALUE_ELEMENTS:
            self.in_value -= 1

    def characters_of(self, text: str) -> None:
        if not self.in_value:
            return
        self.characters += len(text)
        if self.characters > MAX_CELL_CHARACTERS:
            raise UploadRefused(
                _l(
                    "A cell in the workbook holds more than %(num)d characters: no name, "
                    "email address or organisation is that long.",
                    num=MAX_CELL_CHARACTERS,
                ),
                KEEP_THE_LIST_ALONE,
            )

    def doctype(self, *args) -> None:
        raise UploadRefused(NOT_A_WORKBOOK)
