"""What Kutsu sets on its PostgreSQL connections (app.database uses it for PostgreSQL only)."""

from collections.abc import Sequence

import psycopg
from psycopg.pq import ExecStatus

_HAS_ROWS = frozenset({ExecStatus.TUPLES_OK, ExecStatus.SINGLE_TUPLE, ExecStatus.TUPLES_CHUNK})


class Cursor(psycopg.Cursor):
    """psycopg's cursor, whose description is made only when its columns are read.

    SQLAlchemy reads cursor.description after every statement, but for a statement it
    has run before it only asks whether there is one. psycopg makes an object for each
    column every time: for an event's row (47 columns) that was a third of the query's
    CPU time, 0.27 of 0.83 ms."""

    @property
    def description(self):
        result = self.pgresult
        if result is None or not (result.nfields or result.status in _HAS_ROWS):
            return None
        return _Description(self, result)


class _Description(Sequence):
    """A cursor's description, made by psycopg when first read."""

    __slots__ = ("_cursor", "_result", "_columns")

    def __init__(self, cursor: Cursor, result) -> None:
        self._cursor, self._result, self._columns = cursor, result, None

    def __len__(self) -> int:
        return self._result.nfields

    def __getitem__(self, index):
        if self._columns is None:
            if self._cursor.pgresult is not self._result:
                raise psycopg.InterfaceError("description read after the cursor ran another")
            self._columns = psycopg.Cursor.description.fget(self._cursor)
        return self._columns[index]

    def __repr__(self) -> str:
        return repr(list(self))
