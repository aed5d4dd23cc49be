"""Tables people upload (CSV, Excel), read under bounds chosen for what Kutsu takes in: an
invitation list of at most a few thousand rows of name, email, organisation. Every bound is
checked while reading, on what the file really holds, not on what it says it holds; a file
past one is refused at once with a message for the person who chose it.

Parsing here writes nothing and needs no database: callers read the file before their
write transaction begins (on SQLite, that transaction holds the one write lock)."""

from flask_babel import lazy_gettext as _l

# The file as sent (the form's FileSize says the same; Flask's MAX_CONTENT_LENGTH bounds
# the whole request above it).
MAX_FILE_BYTES = 1024 * 1024
# Rows beyond the caller's own limit are not read; columns past these are not read at all.
MAX_COLUMNS = 26  # A to Z
# No name (200), email address (254) or organisation (200) is longer.
MAX_CELL_CHARACTERS = 1000
# A CSV line: every column at its longest would not fill it.
MAX_LINE_CHARACTERS = 4000

# An .xlsx file is a zip of XML parts. A workbook Excel saves with a list of 2,000 people
# holds about 15 parts and unpacks to under 1 MB; these leave room for formatting, images
# and a few more sheets, and stop a small file that unpacks to gigabytes.
MAX_ZIP_MEMBERS = 200
MAX_MEMBER_BYTES = 16 * 1024 * 1024
MAX_UNPACKED_BYTES = 32 * 1024 * 1024
# Excel's XML compresses 5 to 20 times; a part more than this (beyond its first megabyte)
# is made to unpack, not to be read.
MAX_COMPRESSION_RATIO = 100
# Different texts in the workbook (its shared strings), and cells in one sheet or one row.
MAX_SHARED_STRINGS = 100_000
MAX_SHEET_CELLS = 250_000
MAX_ROW_CELLS = 16_384  # Excel's own number of columns


class UploadRefused(Exception):
    """The file is past a bound or cannot be read; str() is the message for its field, its
    sentences kept as lazy strings until then (in the language of the page)."""

    def __init__(self, *sentences):
        super().__init__(*sentences)
        self.sentences = sentences

    def __str__(self) -> str:
        return " ".join(str(sentence) for sentence in self.sentences)


def read_table(filename: str, data: bytes, *, max_rows: int) -> list[list[str]]:
    """The first max_rows rows of a CSV or XLSX file (by its name), each a list of at most
    MAX_COLUMNS texts; raises UploadRefused."""
    from app.uploads import delimited, workbooks

    if len(data) > MAX_FILE_BYTES:
        raise UploadRefused(_l("The file must be 1 MB or smaller"))
    if filename.lower().endswith(".xlsx"):
        return workbooks.read_rows(data, max_rows=max_rows)
    return delimited.read_rows(data, max_rows=max_rows)
