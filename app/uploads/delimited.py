"""CSV files: comma, semicolon or tab, UTF-8 with or without BOM (else Windows-1252), or
UTF-16 (as Teams writes its attendance reports), every line and value bounded before the
csv module sees it."""

import codecs
import csv
import io
from collections.abc import Iterator

from flask_babel import lazy_gettext as _l

from app.uploads import MAX_CELL_CHARACTERS, MAX_COLUMNS, MAX_LINE_CHARACTERS, UploadRefused


def read_rows(data: bytes, *, max_rows: int, delimiter: str | None = None) -> list[list[str]]:
    """`delimiter` when the caller knows it (a file in sections, whose first lines would
    mislead the guess); else it is guessed from them."""
    text = decode(data)
    if delimiter:
        reader = csv.reader(_bounded_lines(text), csv.excel, delimiter=delimiter)
    else:
        reader = csv.reader(_bounded_lines(text), _dialect(text))
    rows = []
    line = 1  # where the row being read starts: a quoted value may span lines
    try:
        for row in reader:
            if len(rows) >= max_rows:
                break
            if any(len(value) > MAX_CELL_CHARACTERS for value in row):
                raise UploadRefused(_too_long_on_line(line))
            rows.append(row[:MAX_COLUMNS])
            line = reader.line_num + 1
    except csv.Error as error:  # a quotation mark never closed, say
        raise UploadRefused(
            _l(
                "Line %(line)d cannot be read: a quotation mark may be missing. Nothing was "
                "imported.",
                line=line,
            )
        ) from error
    return rows


def _dialect(text: str):
    try:
        return csv.Sniffer().sniff(text[:2048], delimiters=",;\t")
    except csv.Error:  # one column, or nothing at all: nothing to split on
        return csv.excel


UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def decode(data: bytes) -> str:
    """UTF-16 with its BOM (Teams' reports, Excel's "Unicode text"), or without one when
    NUL bytes give it away; UTF-8 (with or without BOM); else Windows-1252, which Excel's
    plain "CSV" writes on Finnish and Swedish Windows."""
    if data[:2] in UTF16_BOMS:
        return _utf16(data, "utf-16")
    if b"\x00" in data[:4096]:  # no text in any 8-bit encoding has NUL bytes
        return _utf16(data, "utf-16-le")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _utf16(data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:  # an odd number of bytes, a lone surrogate
        raise UploadRefused(
            _l(
                "The file cannot be read as text: it may be damaged, or not a CSV file. "
                "Nothing was imported."
            )
        ) from error


def _too_long_on_line(line: int):
    return _l(
        "Line %(line)d has a value of more than %(max)d characters: no name, email address "
        "or organisation is that long. Nothing was imported.",
        line=line,
        max=MAX_CELL_CHARACTERS,
    )


def _bounded_lines(text: str) -> Iterator[str]:
    """The text's lines for the csv module, refused at the first that is too long: a value
    over the csv module's own limit (131,072 characters) was an error page."""
    for number, line in enumerate(io.StringIO(text, newline=""), start=1):
        if len(line) > MAX_LINE_CHARACTERS:
            raise UploadRefused(
                _l(
                    "Line %(line)d is longer than %(max)d characters. Nothing was imported.",
                    line=number,
                    max=MAX_LINE_CHARACTERS,
                )
            )
        yield line
