"""Hostile invitation lists, as an attacker would upload them: small files that unpack to
far more than they hold (issue 18). Written once to a folder and reused; each is built by
streaming its XML into the zip, so building one holds no more than a chunk in memory.

    .venv/bin/python -m tests.bombs FOLDER   writes them all there
"""

import sys
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

CHUNK = 1 << 20

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Lista" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>'
)
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def sheet_xml(cells: str, dimension: str = "A1:C2") -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="{MAIN}">'
        f'<dimension ref="{dimension}"/><sheetData>{cells}</sheetData></worksheet>'
    )


def shared_strings(pieces: Iterator[str]) -> Iterator[str]:
    yield f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="{MAIN}">'
    yield from pieces
    yield "</sst>"


def _write(archive: zipfile.ZipFile, name: str, pieces: Iterator[str] | str) -> None:
    """One member, its text written a chunk at a time."""
    with archive.open(name, "w", force_zip64=True) as member:
        if isinstance(pieces, str):
            member.write(pieces.encode())
            return
        buffered: list[str] = []
        size = 0
        for piece in pieces:
            buffered.append(piece)
            size += len(piece)
            if size >= CHUNK:
                member.write("".join(buffered).encode())
                buffered, size = [], 0
        member.write("".join(buffered).encode())


def workbook(path: Path, sheet: str, strings: Iterator[str] | str | None = None, extra=()):
    """An XLSX file: the parts Excel and openpyxl need, a sheet, shared strings, and any
    extra (name, text pieces) members."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        _write(archive, "[Content_Types].xml", CONTENT_TYPES)
        _write(archive, "_rels/.rels", ROOT_RELS)
        _write(archive, "xl/workbook.xml", WORKBOOK)
        _write(archive, "xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        _write(archive, "xl/worksheets/sheet1.xml", sheet)
        _write(archive, "xl/sharedStrings.xml", strings or shared_strings(iter(())))
        for name, pieces in extra:
            _write(archive, name, pieces)


def _repeated(text: str, times: int, per_piece: int = 65536) -> Iterator[str]:
    block = text * per_piece
    for _ in range(times // per_piece):
        yield block
    yield text * (times % per_piece)


def million_strings(path: Path, count: int = 10_000_000) -> None:
    """(a) Ten million shared strings, a few hundred KB zipped; one cell uses the first."""
    cells = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    workbook(path, sheet_xml(cells, "A1"), shared_strings(_repeated("<si><t>x</t></si>", count)))


def gigabyte_string(path: Path, size: int = 1_000_000_000) -> None:
    """(b) One shared string of a gigabyte of one letter: under 1 MB zipped."""
    cells = '<row r="1"><c r="A1" t="s"><v>0</v></c></row>'
    pieces = shared_strings(iter(["<si><t>", *_repeated("a", size, CHUNK), "</t></si>"]))
    workbook(path, sheet_xml(cells, "A1"), pieces)


def whole_sheet(path: Path) -> None:
    """(c) A sheet that claims every cell Excel has (A1:XFD1048576) and fills a few, far
    apart: an address in A1 and cells in the last column and the last row."""
    cells = (
        '<row r="1"><c r="A1" t="inlineStr"><is><t>aino@example.fi</t></is></c>'
        '<c r="XFD1" t="inlineStr"><is><t>x</t></is></c></row>'
        '<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>y</t></is></c>'
        '<c r="XFD1048576" t="inlineStr"><is><t>z</t></is></c></row>'
    )
    workbook(path, sheet_xml(cells, "A1:XFD1048576"))


def many_members(path: Path, members: int = 3_000, huge: int = 400_000_000) -> None:
    """(d) A workbook with thousands of members and, nested in it, one of 400 MB
    of zeros (an "embedded object" no reader of lists needs)."""
    cells = '<row r="1"><c r="A1" t="inlineStr"><is><t>aino@example.fi</t></is></c></row>'
    extra = [(f"xl/media/m{n}.xml", "<a/>") for n in range(members)]
    extra.append(("xl/embeddings/oleObject1.bin", _repeated("\0", huge, CHUNK)))
    workbook(path, sheet_xml(cells, "A1"), extra=extra)


def long_field_csv(path: Path, length: int = 200_000) -> None:
    """(e) A CSV whose second line has a field of 200,000 characters."""
    path.write_text(f"name;email\nAino;aino@example.fi;{'x' * length}\n", encoding="utf-8")


def commas_csv(path: Path, size: int = 10 * 1024 * 1024) -> None:
    """(e) Ten megabytes of commas."""
    path.write_bytes(b"," * size)


BOMBS: dict[str, tuple[str, Callable[[Path], None]]] = {
    "million_strings": ("strings.xlsx", million_strings),
    "gigabyte_string": ("gigabyte.xlsx", gigabyte_string),
    "whole_sheet": ("whole-sheet.xlsx", whole_sheet),
    "many_members": ("members.xlsx", many_members),
    "long_field": ("long-field.csv", long_field_csv),
    "commas": ("commas.csv", commas_csv),
}


def build(folder: Path, name: str) -> Path:
    """The bomb's file in folder, built if it is not there yet."""
    filename, make = BOMBS[name]
    path = folder / filename
    if not path.exists():
        partial = path.with_name(f".{filename}.partial")
        make(partial)
        partial.replace(path)
    return path


if __name__ == "__main__":
    target = Path(sys.argv[1])
    target.mkdir(parents=True, exist_ok=True)
    for bomb in BOMBS:
        built = build(target, bomb)
        print(f"{bomb}: {built} {built.stat().st_size:,} bytes")
