"""Public pages rendered once and served again for as long as nothing they show changes.

When a popular event opens, hundreds of people load its page within a minute. Each
process keeps the rendered page for anonymous visitors, under a key made of everything
the page shows: the event's whole database row (so any edit, and every seat taken, makes
a new key), the language and the app's configuration. The key is read with one small
query on every request, so a cached page is never older than the database; a page that
changes by the clock alone (registration opening or closing) is kept only until the
next such moment. Signed-in visitors, flashed messages and query strings are never cached.
Nothing is invalidated by hand, so several processes and servers need no coordination.
"""

import os
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from datetime import datetime
from typing import Any

from flask import Flask, current_app, request, session
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

EXTENSION = "kutsu_pages"
SIZE = 256  # pages per process; a page is some 10 KB
# Stands for the visitor's CSRF token in a kept form page; random, so no text can forge it.
TOKEN_PLACE = "kutsu-csrf-" + os.urandom(16).hex()


class PageCache:
    """A small LRU of rendered pages (or other things made from rows), each with the
    moment it stops being valid, if any."""

    def __init__(self, size: int = SIZE):
        self.size = size
        self._pages: OrderedDict[Hashable, tuple[Any, datetime | None]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, at: datetime | None = None) -> Any:
        with self._lock:
            found = self._pages.get(key)
            if found is None:
                return None
            page, valid_until = found
            if valid_until is not None and at >= valid_until:
                del self._pages[key]
                return None
            self._pages.move_to_end(key)
            return page

    def put(self, key: Hashable, page: Any, valid_until: datetime | None = None) -> None:
        with self._lock:
            self._pages[key] = (page, valid_until)
            self._pages.move_to_end(key)
            while len(self._pages) > self.size:
                self._pages.popitem(last=False)


def init_app(app: Flask) -> None:
    app.extensions[EXTENSION] = PageCache()


def shareable() -> bool:
    """Whether this request's page is the same for every anonymous visitor."""
    return (
        not request.query_string
        and not current_user.is_authenticated
        and not session.get("_flashes")
    )


def next_change(moments: Iterable[datetime | None], at: datetime) -> datetime | None:
    """The first of the moments after `at`: when a page that depends on the clock changes."""
    return min((moment for moment in moments if moment is not None and moment > at), default=None)


def cached_page(
    name: str,
    row: tuple,
    at: datetime,
    moments: Iterable[datetime | None],
    render: Callable,
    *,
    form: bool = False,
) -> str:
    """The page for this row, language and moment, rendered at most once while they hold.

    row: everything the page shows from the database, read just now; moments: when the
    page changes by the clock alone; render() gives the page and the row it was rendered
    from, which is kept only when that is still `row` (a sign-up may commit in between).
    form: the page holds a form, whose CSRF token is each visitor's own: it is kept with a
    placeholder, and every visitor gets their own token in its place."""
    if not shareable():
        return render()[0]
    pages: PageCache = current_app.extensions[EXTENSION]
    key = (name, repr(row), str(get_locale()))
    page = pages.get(key, at)
    if page is not None:
        return page.replace(TOKEN_PLACE, generate_csrf()) if form else page
    page, rendered_from = render()
    if rendered_from == row:
        kept = page.replace(generate_csrf(), TOKEN_PLACE) if form else page
        pages.put(key, kept, next_change(moments, at))
    return page
