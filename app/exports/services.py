"""The only place that writes CSV and XLSX. Rows stream: an export never sits in memory."""

import csv
import io
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import xlsxwriter
from flask_babel import gettext as _

from app import clock
from app.extensions import db
from app.models import Answer, Candidate, Event, Nomination, Registration, RegistrationStatus
from app.nominations.services import organisation_key
from app.workshops.services import (
    STATUS_LABELS,
    WAY_IN_LABELS,
    nominating_organisations_query,
    shows_way_in,
)

CHUNK_ROWS = 1000
# OWASP CSV injection: a cell starting with one of these could run as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: str) -> str:
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def attendee_rows(event: Event, *, sensitive: bool = False) -> Iterator[list[str]]:
    """The header, then one row per registration, read from the database in chunks.

    A workshop's list (or one where anyone came by invitation) also says how each person
    came in, and which organisations nominated them. Answers to sensitive questions only
    when asked for: most uses of a list need none of them."""
    questions = [question for question in event.questions if sensitive or not question.sensitive]
    way_in = shows_way_in(event)
    yield [
        _("Name"),
        _("Email"),
        _("Organisation"),
        _("Status"),
        _("Registered"),
        _("Checked in"),
        *([_("Way in"), _("Nominated by")] if way_in else []),
        *[question.label for question in questions],
    ]
    statuses = {
        RegistrationStatus.CONFIRMED: _("Confirmed"),
        RegistrationStatus.WAITING: _("Waiting list"),
        RegistrationStatus.CANCELLED: _("Cancelled"),
    }
    answers = _answers_by_registration(event)
    pending = next(answers, None)
    nominators = _streamed(nominating_organisations_query(event)) if way_in else iter(())
    nominator = next(nominators, None)
    for row in _registrations(event):
        values: dict[int, Any] = {}
        # The queries all run in registration order, so they merge in one pass.
        while pending is not None and pending[0] <= row.id:
            if pending[0] == row.id:
                values[pending[1]] = pending[2]
            pending = next(answers, None)
        organisations = []
        while nominator is not None and nominator[0] <= row.id:
            if nominator[0] == row.id:
                organisations.append(nominator[1])
            nominator = next(nominators, None)
        came_in = [str(WAY_IN_LABELS[row.source]), ", ".join(_first_spellings(organisations))]
        yield [
            row.name,
            row.email,
            row.organisation,
            statuses[row.status],
            _when(row.created_at),
            _when(row.checked_in_at),
            *(came_in if way_in else []),
            *[_answer_text(values.get(question.id)) for question in questions],
        ]


def _registrations(event: Event):
    return db.session.execute(
        sa.select(
            Registration.id,
            Registration.name,
            Registration.email,
            Registration.organisation,
            Registration.status,
            Registration.source,
            Registration.created_at,
            Registration.checked_in_at,
        )
        .where(Registration.event_id == event.id)
        .order_by(Registration.id)
        .execution_options(yield_per=CHUNK_ROWS)
    )


def _answers_by_registration(event: Event):
    result = db.session.execute(
        sa.select(Answer.registration_id, Answer.question_id, Answer.value)
        .join(Registration)
        .where(Registration.event_id == event.id)
        .order_by(Answer.registration_id)
        .execution_options(yield_per=CHUNK_ROWS)
    )
    return iter(result)


def _streamed(query: sa.Select):
    return iter(db.session.execute(query.execution_options(yield_per=CHUNK_ROWS)))


def nomination_rows(event: Event) -> Iterator[list[str]]:
    """A workshop's nominees with every nomination of each, read in chunks like attendees."""
    yield [
        _("Name"),
        _("Email"),
        _("Organisation"),
        _("Role"),
        _("Region"),
        _("Themes"),
        _("Status"),
        _("Nominating organisations"),
        _("Nominators and justifications"),
        _("Notes"),
        _("First nominated"),
    ]
    nominations = _streamed(
        sa.select(
            Nomination.candidate_id,
            Nomination.nominator_name,
            Nomination.nominator_email,
            Nomination.nominator_organisation,
            Nomination.justification,
            Nomination.created_at,
        )
        .where(Nomination.event_id == event.id)
        .order_by(Nomination.candidate_id, Nomination.id)
    )
    pending = next(nominations, None)
    candidates = _streamed(
        sa.select(Candidate).where(Candidate.event_id == event.id).order_by(Candidate.id)
    )
    for (candidate,) in candidates:
        made = []
        # Both queries run in candidate order, so they merge in one pass.
        while pending is not None and pending.candidate_id <= candidate.id:
            if pending.candidate_id == candidate.id:
                made.append(pending)
            pending = next(nominations, None)
        yield [
            candidate.name,
            candidate.email,
            candidate.organisation,
            candidate.role,
            candidate.region,
            ", ".join(candidate.themes),
            str(STATUS_LABELS[candidate.status]),
            ", ".join(_first_spellings(n.nominator_organisation for n in made)),
            "\n".join(
                f"{n.nominator_name} ({n.nominator_organisation}, {n.nominator_email})"
                + (f": {n.justification}" if n.justification else "")
                for n in made
            ),
            candidate.notes,
            _when(made[0].created_at if made else candidate.created_at),
        ]


def _first_spellings(organisations: Iterable[str]) -> list[str]:
    """Each organisation once, as first written ("SOSTE ry" and "soste RY" are one)."""
    found: dict[str, str] = {}
    for name in organisations:
        found.setdefault(organisation_key(name), name)
    return list(found.values())


def _when(moment: datetime | None) -> str:
    return clock.to_local(moment).strftime("%Y-%m-%d %H:%M") if moment else ""


def _answer_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


def csv_chunks(rows: Iterable[list[str]]) -> Iterator[bytes]:
    """UTF-8 with BOM and `;` between cells, as Finnish and Swedish Excel expect."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    yield "\ufeff".encode()
    for count, row in enumerate(rows, start=1):
        writer.writerow([neutralise(cell) for cell in row])
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def write_xlsx(rows: Iterable[list[str]], target, *, sheet_name: str) -> None:
    """Every cell a plain string: nothing becomes a formula, a link or a number."""
    workbook = xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    sheet = workbook.add_worksheet(sheet_name[:31])
    bold = workbook.add_format({"bold": True})
    for row_number, row in enumerate(rows):
        for column, cell in enumerate(row):
            sheet.write_string(
                row_number, column, neutralise(cell), bold if row_number == 0 else None
            )
    workbook.close()
