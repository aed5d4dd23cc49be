"""What an uploaded material really is, found from its bytes rather than its name: a file
is kept only when its content is one of the kinds below and its name says the same kind.
A zip-based document (Office, OpenDocument) is looked into only as far as its list of
parts and one small part; nothing else in it is unpacked, here or anywhere in Kutsu."""

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass

from flask_babel import lazy_gettext as _l

from app.uploads import UploadRefused

ALLOWED = _l("Choose a PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, text or CSV file")


@dataclass(frozen=True)
class FileKind:
    content_type: str
    extensions: tuple[str, ...]  # the first is given to a name without one of these


PDF = FileKind("application/pdf", ("pdf",))
PNG = FileKind("image/png", ("png",))
JPEG = FileKind("image/jpeg", ("jpg", "jpeg"))
TEXT = FileKind("text/plain; charset=utf-8", ("txt",))
CSV = FileKind("text/csv; charset=utf-8", ("csv",))
OOXML = "application/vnd.openxmlformats-officedocument."
DOCX = FileKind(OOXML + "wordprocessingml.document", ("docx",))
XLSX = FileKind(OOXML + "spreadsheetml.sheet", ("xlsx",))
PPTX = FileKind(OOXML + "presentationml.presentation", ("pptx",))
ODF = "application/vnd.oasis.opendocument."
ODT = FileKind(ODF + "text", ("odt",))
ODS = FileKind(ODF + "spreadsheet", ("ods",))
ODP = FileKind(ODF + "presentation", ("odp",))

# An Office document's main part names its kind.
OFFICE_PARTS = {"word/document.xml": DOCX, "xl/workbook.xml": XLSX, "ppt/presentation.xml": PPTX}
OPEN_DOCUMENTS = {kind.content_type: kind for kind in (ODT, ODS, ODP)}

# Bounds on a zip-based document: a slide deck full of pictures has a few hundred parts.
MAX_ZIP_MEMBERS = 2000
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100  # per part, beyond its first megabyte
MAX_SMALL_PART_BYTES = 64 * 1024  # [Content_Types].xml, mimetype


def identify(filename: str, data: bytes) -> FileKind:
    """The kind of the file, or UploadRefused with the message for its field."""
    kind = _kind_of(data)
    if kind is None:
        raise UploadRefused(ALLOWED)
    if kind is TEXT and _extension(filename) == "csv":
        kind = CSV  # the same content; the name tells which
    if _extension(filename) not in kind.extensions:
        raise UploadRefused(
            _l(
                "The file's name does not match what it contains. Check that you chose the "
                "right file."
            ),
        )
    return kind


def _kind_of(data: bytes) -> FileKind | None:
    if data.startswith(b"%PDF-"):
        return PDF
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"PK\x03\x04"):
        return _document_kind(data)
    return _text_kind(data)


def _document_kind(data: bytes) -> FileKind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            parts = archive.infolist()
            _check_bounds(parts)
            names = {part.filename for part in parts}
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise UploadRefused(_l("Documents with macros cannot be added"))
            if "mimetype" in names:
                declared = _small_part(archive, "mimetype").decode("ascii", "replace").strip()
                return OPEN_DOCUMENTS.get(declared)
            if "[Content_Types].xml" in names:
                if b"macroEnabled" in _small_part(archive, "[Content_Types].xml"):
                    raise UploadRefused(_l("Documents with macros cannot be added"))
                return next((kind for part, kind in OFFICE_PARTS.items() if part in names), None)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, NotImplementedError):
        raise UploadRefused(_l("The file is damaged or cannot be read")) from None
    return None


def _check_bounds(parts: list[zipfile.ZipInfo]) -> None:
    damaged = UploadRefused(_l("The file is damaged or unpacks to too much data"))
    if len(parts) > MAX_ZIP_MEMBERS:
        raise damaged
    if sum(part.file_size for part in parts) > MAX_UNPACKED_BYTES:
        raise damaged
    for part in parts:
        beyond = part.file_size - 1024 * 1024
        if beyond > 0 and beyond > MAX_COMPRESSION_RATIO * max(part.compress_size, 1):
            raise damaged


def _small_part(archive: zipfile.ZipFile, name: str) -> bytes:
    with archive.open(name) as part:
        content = part.read(MAX_SMALL_PART_BYTES + 1)
    if len(content) > MAX_SMALL_PART_BYTES:
        raise UploadRefused(_l("The file is damaged or unpacks to too much data"))
    return content


def _text_kind(data: bytes) -> FileKind | None:
    """Plain UTF-8 text with no control characters but tabs and line ends; not markup (an
    HTML or SVG file would be a page of its own in a browser that sniffed it)."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None
    if _CONTROL.search(text) or text.lstrip().startswith("<"):
        return None
    return TEXT


_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def _extension(filename: str) -> str:
    return filename.rpartition(".")[2].lower() if "." in filename else ""


def safe_filename(filename: str, kind: FileKind) -> str:
    """A name fit for a URL path and a download: letters, digits, '-', '_' and '.' only,
    at most 100 characters, ending with the kind's extension."""
    base = unicodedata.normalize("NFKD", filename.replace("\\", "/").rpartition("/")[2])
    base = base.encode("ascii", "ignore").decode("ascii")
    stem = base.rpartition(".")[0] if "." in base else base
    stem = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-_")[:90] or "file"
    extension = _extension(base)
    if extension not in kind.extensions:
        extension = kind.extensions[0]
    return f"{stem}.{extension}"
