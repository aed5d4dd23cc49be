"""Export downloads: a streamed CSV, or an XLSX written to a temporary file and sent.

A streamed download must never end as a file that looks complete but is not. Whatever can
fail is done before the first byte: the header is made and every query has run and given
its first rows, so a failure there is an error page. A failure after that is logged and
breaks the connection, so the browser reports a failed download.

Its audit line is written before the first byte ("not finished") and says at the end how
the download ended: complete, stopped after N rows (the browser went away), or failed
after N rows. N counts the rows handed to the server to send."""

import os
import socket
import struct
import tempfile
from collections.abc import Callable, Iterator
from contextlib import suppress
from functools import partial
from itertools import chain, islice

import sqlalchemy as sa
from flask import Response, current_app, request, stream_with_context

from app import audit, clock
from app.downloads import attachment
from app.exports.services import CHUNK_ROWS, csv_chunks, write_xlsx
from app.extensions import db
from app.models import Event

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
XLSX_BLOCK = 256 * 1024

# An export's rows, read on the connection given.
Rows = Callable[[sa.Connection], Iterator[list[str]]]


def export_name(event: Event, what: str, extension: str) -> str:
    """The Content-Disposition of an event's export: saved under the event's title and
    `what` it holds (in the organiser's language), with the slug for browsers that read
    only ASCII names."""
    ending = f"{what}-{clock.to_local(clock.now()):%Y%m%d}.{extension}"
    return attachment(f"{event.title[:80]}-{ending}", ascii_name=f"{event.slug}-{ending}")


def csv_download(rows: Rows, disposition: str, *, noted: audit.Note) -> Response:
    """The rows as a CSV download, streamed from a connection of the download's own: the
    request's session is closed when the view returns, while the rows are still coming."""
    connection = db.engine.connect()
    try:
        made = rows(connection)
        # The header and the first chunk: every query has run once these are read.
        first = list(islice(made, CHUNK_ROWS + 1))
    except BaseException as exc:
        connection.close()
        _conclude(noted, f"failed before the first byte: {type(exc).__name__}")
        raise
    read = _Counted(chain(first, made))
    body = _delivered(csv_chunks(read), lambda: read.count, connection.close, noted)
    response = Response(
        stream_with_context(body),
        mimetype="text/csv",
        headers={
            "Content-Disposition": disposition,
            "Cache-Control": "no-store",
        },
    )
    # Also when the body is never read (a HEAD request, a browser gone before the first
    # byte): the generator's own `finally` runs only once it has started.
    response.call_on_close(connection.close)
    return response


class _Counted:
    """Rows passed on, counted: the header is not a row."""

    def __init__(self, rows: Iterator[list[str]]):
        self.rows = rows
        self.count = -1

    def __iter__(self) -> Iterator[list[str]]:
        for row in self.rows:
            self.count += 1
            yield row


def _delivered(
    chunks: Iterator[bytes],
    rows_so_far: Callable[[], int],
    release: Callable[[], None],
    noted: audit.Note,
) -> Iterator[bytes]:
    """The chunks, and the download's audit line concluded when they end (after
    release(), which lets go of what the download read from). A chunk is sent once the
    server asks for the next; a browser that goes away ends the sending with
    GeneratorExit at the `yield`. rows_so_far() says how many rows the chunks so far hold."""
    sent = 0
    try:
        for chunk in chunks:
            in_chunk = rows_so_far()
            yield chunk
            sent = in_chunk
    except Exception as exc:
        current_app.logger.exception("An export broke off after %d rows", sent)
        # Said before the connection breaks: whoever looks next sees how it ended.
        _conclude(noted, f"failed after {sent} rows: {type(exc).__name__}", release)
        _break_the_transfer()
        raise
    except GeneratorExit:
        _conclude(noted, f"stopped after {sent} rows: the download was not finished", release)
        raise
    else:  # before the body's last, empty chunk is sent
        _conclude(noted, f"complete, {sent} rows", release)
    finally:
        release()


def _conclude(noted: audit.Note, outcome: str, release: Callable[[], None] | None = None) -> None:
    """The audit line concluded, after release(); a database that cannot take it (the
    failure may be the database's) leaves the line saying "not finished", and the log
    says why."""
    if release is not None:
        release()
    try:
        noted.conclude(outcome)
    except Exception:
        db.session.rollback()
        current_app.logger.exception("The audit line of an export could not say: %s", outcome)


def _break_the_transfer() -> None:
    """Close the browser's connection before the server can end the response in order:
    the development server (and its debugger) would end it as if complete, with an error
    text after the rows. Without the chunked body's last, empty chunk a browser reports
    the download as failed."""
    client = request.environ.get("gunicorn.socket") or request.environ.get("werkzeug.socket")
    if client is None:
        return
    with suppress(OSError):
        # Reset rather than close in order: nothing the server writes after this arrives.
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.shutdown(socket.SHUT_RDWR)


def xlsx_download(rows: Rows, disposition: str, *, sheet_name: str, noted: audit.Note) -> Response:
    """The rows as an XLSX file, written whole before the first byte is sent. Its rows are
    counted as sent only with the file's last byte: a part of a workbook opens as nothing."""
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        written = write_xlsx(rows(db.session.connection()), path, sheet_name=sheet_name)
        stream = open(path, "rb")  # noqa: SIM115 - closed when the response is
    except BaseException as exc:
        _conclude(noted, f"failed before the first byte: {type(exc).__name__}")
        raise
    finally:
        os.unlink(path)  # the open handle keeps the data until it has been sent
    size = os.fstat(stream.fileno()).st_size
    blocks = iter(partial(stream.read, XLSX_BLOCK), b"")
    body = _delivered(blocks, lambda: written if stream.tell() == size else 0, stream.close, noted)
    response = Response(
        stream_with_context(body),
        mimetype=XLSX_TYPE,
        headers={
            "Content-Disposition": disposition,
            "Content-Length": str(size),
            "Cache-Control": "no-store",
        },
    )
    response.call_on_close(stream.close)
    return response
