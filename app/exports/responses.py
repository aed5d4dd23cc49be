"""Export downloads: a streamed CSV, or an XLSX written to a temporary file and sent."""

import os
import re
import tempfile
from collections.abc import Iterable

from flask import Response, send_file, stream_with_context

from app import clock
from app.exports.services import csv_chunks, write_xlsx
from app.models import Event

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def export_name(event: Event, what: str, extension: str) -> str:
    stem = re.sub(r"[^A-Za-z0-9-]+", "-", event.slug)[:60]
    return f"{stem}-{what}-{clock.to_local(clock.now()):%Y%m%d}.{extension}"


def csv_download(rows: Iterable[list[str]], filename: str) -> Response:
    return Response(
        stream_with_context(csv_chunks(rows)),
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def xlsx_download(rows: Iterable[list[str]], filename: str, *, sheet_name: str) -> Response:
    handle, path = tempfile.mkstemp(suffix=".xlsx")
    os.close(handle)
    try:
        write_xlsx(rows, path, sheet_name=sheet_name)
        stream = open(path, "rb")  # noqa: SIM115 - closed by send_file when sent
    finally:
        os.unlink(path)  # the open handle keeps the data until it has been sent
    response = send_file(stream, mimetype=XLSX_TYPE, as_attachment=True, download_name=filename)
    response.headers["Cache-Control"] = "no-store"
    return response
