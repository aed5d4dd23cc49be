"""Numbers and moments from outside, bounded at the edge: a number past what the database
stores (2^63 - 1), or a date whose arithmetic leaves Python's years 1-9999, was a server
error wherever it reached a query or a sum."""

from datetime import datetime, timedelta

from werkzeug.routing import IntegerConverter

# The largest integer SQLite and PostgreSQL (bigint) store.
LARGEST_ID = 2**63 - 1
# No list is paged this far; a larger page number is taken as the first page.
LARGEST_PAGE = 100_000
# Later than any moment Kutsu keeps: what a sum that would pass year 9999 gives instead.
FAR_FUTURE = datetime(9999, 1, 1)


class IdConverter(IntegerConverter):
    """`<int:…>` in every route: an id the database cannot hold is no page (404), never a
    failed query. At most 19 digits are read: int() refuses very long ones (Python's digit
    limit) with an error that routing would not catch."""

    regex = r"\d{1,19}"

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", LARGEST_ID)
        super().__init__(map, *args, **kwargs)


def database_id(text: str | None) -> int | None:
    """A posted id (a hidden field) if it is one the database could hold, else None."""
    if text and text.isascii() and text.isdigit() and len(text) <= 19:
        number = int(text)
        return number if number <= LARGEST_ID else None
    return None


# As long as a name or a title may be: a longer search could find nothing anyway.
SEARCH_LENGTH = 200


def search_text(typed: str | None) -> str:
    """What was typed into a search, bounded and without NUL: no name or title holds one,
    and PostgreSQL refuses a query that does (a server error)."""
    return (typed or "")[:SEARCH_LENGTH].replace("\x00", "")


def page_number(text: str) -> int:
    """`?page=` as request.args.get(..., type=page_number) reads it: a page from 1 to
    LARGEST_PAGE, else ValueError (and the default page)."""
    if not (text.isascii() and text.isdigit() and len(text) <= len(str(LARGEST_PAGE))):
        raise ValueError(text)
    number = int(text)
    if not 1 <= number <= LARGEST_PAGE:
        raise ValueError(text)
    return number


def number_order(digits: str) -> tuple[int, str]:
    """A sort key that orders strings of ASCII digits as the numbers they are, without
    turning them into int (which refuses more than 4300 digits)."""
    significant = digits.lstrip("0")
    return len(significant), significant


def later(moment: datetime, delta: timedelta) -> datetime:
    """moment + delta, or FAR_FUTURE where the sum would pass year 9999."""
    try:
        return min(moment + delta, FAR_FUTURE.replace(tzinfo=moment.tzinfo))
    except OverflowError:
        return FAR_FUTURE.replace(tzinfo=moment.tzinfo)
