"""The name a download is saved under, said the same way for every download.

A header may carry only Latin-1, so a name with other letters (an address at пример.рф, an
event called Весенний семинар) went out as a server error. Every download now says its
name twice (RFC 6266): `filename=` in plain ASCII for any browser, and `filename*=` with
the name in full, UTF-8 percent-encoded (RFC 5987), which browsers prefer."""

import re
import unicodedata
from urllib.parse import quote

# RFC 5987's attr-char: what may stand unencoded in filename*.
_ATTR_CHARS = "!#$&+-.^_`|~"
# Path separators, quotes and what Windows refuses in a file name.
_NOT_IN_A_NAME = re.compile(r'[/\\"\'<>:|?*]+')
_NOT_ASCII_NAME = re.compile(r"[^A-Za-z0-9._ -]+")
_FILLER_RUN = re.compile(r"[-. ]*-[-. ]*")
_LONGEST_STEM = 120
FALLBACK_STEM = "download"


def attachment(filename: str, *, ascii_name: str | None = None) -> str:
    """A Content-Disposition value for a download saved as filename. `ascii_name` is the
    plain-ASCII name for browsers that cannot read the full one (made from filename by
    dropping accents and other letters when not given)."""
    name = safe_filename(filename)
    if ascii_name is None and name.isascii():
        return f'attachment; filename="{name}"'
    fallback = _ascii_filename(ascii_name or name)
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe=_ATTR_CHARS)}"


def safe_filename(filename: str) -> str:
    """filename without control or invisible characters (a right-to-left mark could hide
    the real extension), path separators or quotes, and not starting with a dot."""
    return _with_stem_and_extension(_cleaned(unicodedata.normalize("NFC", filename)))


def _with_stem_and_extension(name: str, stem_pattern: re.Pattern | None = None) -> str:
    stem, dot, extension = name.rpartition(".")
    if not dot:
        stem, extension = extension, ""
    if stem_pattern is not None:
        stem = _FILLER_RUN.sub("-", stem_pattern.sub("-", stem))
        extension = stem_pattern.sub("", extension)
    stem = stem[:_LONGEST_STEM].strip(" .-") or FALLBACK_STEM
    extension = extension[:10]
    return f"{stem}.{extension}" if extension else stem


def _cleaned(part: str) -> str:
    visible = "".join(_visible(ch) for ch in part)
    return _NOT_IN_A_NAME.sub("-", re.sub(" +", " ", visible)).strip(" .-")


def _visible(ch: str) -> str:
    category = unicodedata.category(ch)
    if category == "Zs":
        return " "  # a no-break space, say
    return "" if category[0] == "C" or category in ("Zl", "Zp") else ch


def _ascii_filename(name: str) -> str:
    """name in ASCII: accents dropped (Kevät: Kevat), other letters become one hyphen."""
    decomposed = unicodedata.normalize("NFKD", safe_filename(name))
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return _with_stem_and_extension(plain, _NOT_ASCII_NAME)
