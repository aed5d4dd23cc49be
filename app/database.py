"""Database engine settings: SQLite in WAL mode with writers that queue, not fail."""

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

import sqlalchemy as sa
from flask import Flask, has_request_context, request
from sqlalchemy import event
from sqlalchemy.engine import Engine

from app.extensions import db

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def configure(app: Flask) -> None:
    uri = app.config["SQLALCHEMY_DATABASE_URI"]
    if uri.startswith("postgresql://"):
        # psycopg 3 is the driver we ship; plain URLs from operators should just work.
        app.config["SQLALCHEMY_DATABASE_URI"] = uri.replace(
            "postgresql://", "postgresql+psycopg://", 1
        )
    app.before_request(_mark_read_only_requests)
    # A copy: the defaults' dict is shared by every app made in this process.
    options = dict(app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {})
    # A failed statement's values (names, addresses) stay out of error messages and logs.
    options.setdefault("hide_parameters", True)
    if uri.startswith("sqlite"):
        # Seconds a writer waits for the write lock (SQLite's busy timeout) before failing.
        options["connect_args"] = {"timeout": 30, **options.get("connect_args", {})}
    elif uri.startswith("postgresql"):
        from app.postgresql import Cursor  # psycopg only where it is used: 9 MB a process

        connect_args = {"cursor_factory": Cursor}
        seconds = app.config.get("DATABASE_STATEMENT_TIMEOUT_SECONDS")
        if seconds:
            # A statement running past it is cancelled: its request fails with an error
            # page, and its process lives on (deploy/gunicorn.conf.py: runaway requests).
            connect_args["options"] = f"-c statement_timeout={int(float(seconds) * 1000)}"
        options["connect_args"] = {**connect_args, **options.get("connect_args", {})}
    app.config["SQLALCHEMY_ENGINE_OPTIONS"] = options


def check_idle_connections(app: Flask) -> None:
    """On PostgreSQL, a pooled connection is checked (a round trip) before use only when
    it has sat unused for DATABASE_CHECK_AFTER_IDLE_SECONDS, and replaced if the server
    dropped it (a restart, an idle timeout). SQLAlchemy's pool_pre_ping checked every
    time: two of the ten round trips of a sign-up. A connection used a moment ago is
    alive unless the server restarted within that moment, and a restart takes longer;
    the requests it interrupts fail either way. Call after db.init_app(app)."""
    seconds = app.config["DATABASE_CHECK_AFTER_IDLE_SECONDS"]
    with app.app_context():
        engines = [engine for engine in db.engines.values() if engine.dialect.name != "sqlite"]
    for engine in engines:
        _check_after_idle(engine, seconds)


def _check_after_idle(engine: Engine, seconds: float) -> None:
    @event.listens_for(engine, "checkin")
    def returned(dbapi_connection, record) -> None:
        record.info[_IDLE_SINCE] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def taken(dbapi_connection, record, proxy) -> None:
        idle_since = record.info.get(_IDLE_SINCE)
        if idle_since is None or time.monotonic() - idle_since < seconds:
            return  # new, or used a moment ago
        try:
            engine.dialect.do_ping(dbapi_connection)
        except engine.dialect.loaded_dbapi.Error as error:
            # The pool throws this connection away and takes another (its documented way).
            raise sa.exc.DisconnectionError from error


_IDLE_SINCE = "kutsu.idle_since"


def contains(column, typed: str):
    """Case-insensitive "contains" for what a person typed into a search: their % and _
    are letters, not wildcards."""
    escaped = typed.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return sa.func.lower(column).like(f"%{escaped}%", escape="\\")


def counts_by(column, condition, values) -> dict:
    """How many rows meeting condition have each of values in column (0 for none): one
    GROUP BY, where a count per value would be a query each."""
    rows = db.session.execute(
        sa.select(column, sa.func.count()).where(condition).group_by(column)
    ).all()
    return dict.fromkeys(values, 0) | dict(rows)


def insert_rows(table: sa.Table, rows: list[dict]) -> None:
    """rows into table, as one INSERT with a VALUES list; each row gives the same columns,
    all but those the database fills itself (column defaults in Python do not apply).

    An executemany of three rows cost three times this on PostgreSQL (psycopg sends it as
    a pipeline); SQLAlchemy's own multi-row insert is compiled anew on every call. This
    statement is written once for each table, set of columns and number of rows, and its
    values still go through the columns' types."""
    if not rows:
        return
    columns = tuple(rows[0])
    key = (table.name, columns, len(rows))
    statement = _inserts.get(key)
    if statement is None:
        statement = _inserts[key] = _insert_values(table, columns, len(rows))
    values = {f"{name}_{n}": row[name] for n, row in enumerate(rows) for name in columns}
    db.session.execute(statement, values)


def _insert_values(table: sa.Table, columns: tuple[str, ...], count: int) -> sa.TextClause:
    # Only the table's own names go into the SQL: table.c[name] fails for any other.
    names = ", ".join(table.c[name].name for name in columns)
    rows = ", ".join(
        "(" + ", ".join(f":{name}_{n}" for name in columns) + ")" for n in range(count)
    )
    sql = f"INSERT INTO {table.name} ({names}) VALUES {rows}"  # noqa: S608 (names above)
    return sa.text(sql).bindparams(
        *(
            sa.bindparam(f"{name}_{n}", type_=table.c[name].type)
            for n in range(count)
            for name in columns
        )
    )


_inserts: dict[tuple, sa.TextClause] = {}


READ_ONLY_FLAG = "kutsu.read_only"


def _mark_read_only_requests() -> None:
    if request.method in SAFE_METHODS:
        request.environ[READ_ONLY_FLAG] = True


_writing: ContextVar[bool] = ContextVar("kutsu_writing", default=False)
_reading: ContextVar[bool] = ContextVar("kutsu_reading", default=False)


@contextmanager
def _while_set(flag: ContextVar[bool]) -> Iterator[None]:
    token = flag.set(True)
    try:
        yield
    finally:
        flag.reset(token)


def writing():
    """Transactions begun inside take SQLite's write lock at once (the worker, the CLI)."""
    return _while_set(_writing)


@contextmanager
def reading() -> Iterator[None]:
    """Transactions begun inside only read, even in a form post (SQLite: BEGIN, not BEGIN
    IMMEDIATE), and the read ends on leaving, for writes to follow: SQLite cannot turn an
    old read into a write. What it loaded stays loaded for those writes to use (loading a
    sign-up's event again cost a tenth of the post). On PostgreSQL a read holds up no
    writer, so the transaction simply goes on."""
    with _while_set(_reading):
        yield
    session = db.session()
    if session.get_bind().dialect.name != "sqlite":
        return
    session.expire_on_commit = False
    try:
        session.commit()
    finally:
        session.expire_on_commit = True


def _wants_to_write() -> bool:
    # Form posts may read then write; GET pages only read. Outside a request only code
    # that says so (the worker, write commands) writes, so a shell or a test that reads
    # never holds the write lock.
    if _writing.get():
        return True
    if _reading.get():
        return False
    return has_request_context() and not request.environ.get(READ_ONLY_FLAG)


@event.listens_for(Engine, "connect")
def _sqlite_on_connect(dbapi_connection, connection_record):
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy's begin hook below issue BEGIN itself (pysqlite's own is broken).
    dbapi_connection.isolation_level = None
    # SQLite's own lower() folds only ASCII, so a search for "äijä" missed "Äijä";
    # PostgreSQL's folds every letter. Searches use lower(): make both agree.
    dbapi_connection.create_function("lower", 1, _unicode_lower, deterministic=True)
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _unicode_lower(value):
    return value.lower() if isinstance(value, str) else value


@event.listens_for(Engine, "begin")
def _sqlite_on_begin(conn):
    if conn.dialect.name != "sqlite":
        return
    # A deferred transaction that reads and then writes can fail with SQLITE_BUSY
    # without waiting; BEGIN IMMEDIATE makes writers queue on the busy timeout instead.
    conn.exec_driver_sql("BEGIN IMMEDIATE" if _wants_to_write() else "BEGIN")
