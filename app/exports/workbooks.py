"""Workbooks of typed cells (a report laid out for a funder): numbers as numbers, dates as
dates, every text a plain string (neutralised, never a formula or a link)."""

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Protocol

from app.exports.services import neutralise, new_workbook


class Share(float):
    """A part of a whole, 0-1: written as a number shown as per cent."""


class SheetData(Protocol):
    name: str
    headers: list[str]
    rows: Sequence[Sequence[Any]]
    widths: list[int]


def write_workbook(sheets: Iterable[SheetData], target) -> None:
    """One worksheet per sheet: its header row bold, its columns as wide as it says."""
    workbook = new_workbook(target)
    formats = {
        "header": workbook.add_format({"bold": True}),
        "date": workbook.add_format({"num_format": "d.m.yyyy"}),
        "share": workbook.add_format({"num_format": "0.0 %"}),
        "decimal": workbook.add_format({"num_format": "0.00"}),
    }
    for data in sheets:
        sheet = workbook.add_worksheet(data.name[:31])
        for column, width in enumerate(data.widths):
            sheet.set_column(column, column, width)
        for column, header in enumerate(data.headers):
            sheet.write_string(0, column, neutralise(header), formats["header"])
        for number, row in enumerate(data.rows, start=1):
            for column, cell in enumerate(row):
                _write(sheet, number, column, cell, formats)
    workbook.close()


def _write(sheet, row: int, column: int, cell: Any, formats: dict) -> None:
    if cell is None:
        return
    if isinstance(cell, bool):
        sheet.write_boolean(row, column, cell)
    elif isinstance(cell, Share):
        sheet.write_number(row, column, float(cell), formats["share"])
    elif isinstance(cell, Decimal):
        sheet.write_number(row, column, float(cell), formats["decimal"])
    elif isinstance(cell, int | float):
        sheet.write_number(row, column, cell)
    elif isinstance(cell, date) and not isinstance(cell, datetime):
        sheet.write_datetime(
            row, column, datetime(cell.year, cell.month, cell.day), formats["date"]
        )
    else:
        sheet.write_string(row, column, neutralise(str(cell)))
