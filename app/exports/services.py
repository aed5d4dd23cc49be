"""The only place that writes CSV and XLSX. Rows stream: an export never sits in memory.

Row generators read on the connection they are given, not the request's session: a
download goes on after its request has ended, when the session and what it loaded are
gone (app.exports.responses gives each download a connection of its own)."""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from functools import lru_cache
from typing import Any

import sqlalchemy as sa
import xlsxwriter
from flask_babel import get_locale
from flask_babel import gettext as _

from app import clock
from app.models import Answer, Candidate, Event, Nomination, Registration, RegistrationStatus
from app.nominations.regions import region_name
from app.nominations.services import organisation_key
from app.places.groups import group_contact_name, shows_groups
from app.places.modes import is_hybrid, taking_part_words
from app.workshops.services import (
    STATUS_LABELS,
    WAY_IN_LABELS,
    nominating_organisations_query,
    shows_way_in,
)

CHUNK_ROWS = 1000
KEPT_ANSWERS = 4096
# OWASP CSV injection: a cell starting with one of these could run as a formula.
FORMULA_STARTS = frozenset(("=", "+", "-", "@", "\t", "\r"))


def neutralise(value: str) -> str:
    # The first character looked up, not each start tried: a row's cells in half the time.
    return "'" + value if value[:1] in FORMULA_STARTS else value


def attendee_rows(
    event: Event, connection: sa.Connection, *, sensitive: bool = False, notes: bool = False
) -> Iterator[list[str]]:
    """The header, then one row per registration, read from the database in chunks.

    A workshop's list (or one where anyone came by invitation) also says how each person
    came in, and which organisations nominated them. Answers to sensitive questions only
    when asked for: most uses of a list need none of them. The organisers' private notes
    likewise (as for nominations): a list is passed on more often than they should be."""
    questions = [question for question in event.questions if sensitive or not question.sensitive]
    way_in = shows_way_in(event)
    hybrid = is_hybrid(event)
    groups = shows_groups(event)
    asks_region = event.asks_region
    yield [
        _("Name"),
        _("Email"),
        _("Organisation"),
        *([_("Region")] if asks_region else []),
        _("Status"),
        _("Registered"),
        _("Checked in"),
        _("Attended"),
        *([_("Taking part")] if hybrid else []),
        *([_("Way in"), _("Nominated by")] if way_in else []),
        *([_("Group contact person")] if groups else []),
        *[question.label for question in questions],
        *([_("Notes")] if notes else []),
    ]
    # Words looked up once per export, not once per row.
    statuses = {
        RegistrationStatus.CONFIRMED.value: _("Confirmed"),
        RegistrationStatus.OFFERED.value: _("Offered a place"),
        RegistrationStatus.WAITING.value: _("Waiting list"),
        RegistrationStatus.CANCELLED.value: _("Cancelled"),
        RegistrationStatus.PENDING.value: _("Awaiting approval"),
        RegistrationStatus.DECLINED.value: _("Not approved"),
        RegistrationStatus.OFFERED.value: _("Offered a place"),
    }
    way_in_labels = {source.value: str(label) for source, label in WAY_IN_LABELS.items()}
    mode_words = taking_part_words()
    regions = _region_words()
    shown = _AnswerWords(yes_no={True: _("Yes"), False: _("No")})
    attended = {True: _("Yes"), False: _("No"), None: ""}  # app.attendance; empty: not marked
    nominators = (
        _streamed(connection, nominating_organisations_query(event)) if way_in else iter(())
    )
    nominator = next(nominators, None)
    # Rows unpacked, not read by name: 800,000 attribute lookups were a third of the time.
    question_ids = [question.id for question in questions]
    rows = _registrations(connection, event.id, question_ids, notes=notes, groups=groups)
    for row in rows:
        id_, name, email, organisation, region, status, source, *rest = row
        created, checked_in, came, *answers = rest
        mode = (answers.pop(0), answers.pop(0))  # at a hybrid event: mode and waiting_for
        group = [answers.pop()] if groups else []
        note = [answers.pop()] if notes else []
        cells = [name, email, organisation, *([regions(region)] if asks_region else [])]
        cells += [statuses[status], _when(created), _when(checked_in), attended[came]]
        if hybrid:
            cells.append(mode_words[mode])
        if way_in:
            organisations = []
            # The queries both run in registration order, so they merge in one pass.
            while nominator is not None and nominator[0] <= id_:
                if nominator[0] == id_:
                    organisations.append(nominator[1])
                nominator = next(nominators, None)
            cells += [way_in_labels[source], ", ".join(_first_spellings(organisations))]
        cells += group
        cells += map(shown, answers)
        yield cells + note


def _registrations(
    connection: sa.Connection,
    event_id: int,
    question_ids: list[int],
    *,
    notes: bool = False,
    groups: bool = False,
):
    """The registrations in order, each with its answer to each question (as JSON text) in
    a column of its own: one row per person, where reading the answers as rows of their own
    took as long as reading the people."""
    query = sa.select(
        Registration.id,
        Registration.name,
        Registration.email,
        Registration.organisation,
        Registration.region,
        # As stored: the words for them are looked up by the stored value.
        sa.type_coerce(Registration.status, sa.String()),
        sa.type_coerce(Registration.source, sa.String()),
        # As stored, in UTC without the time zone attached: _when needs none.
        sa.type_coerce(Registration.created_at, sa.DateTime()).label("created_at"),
        sa.type_coerce(Registration.checked_in_at, sa.DateTime()).label("checked_in_at"),
        Registration.attended,
        sa.type_coerce(Registration.mode, sa.String()),
        sa.type_coerce(Registration.waiting_for, sa.String()),
    ).select_from(Registration)
    for number, question_id in enumerate(question_ids):
        answer = sa.orm.aliased(Answer, name=f"answer_{number}")
        query = query.add_columns(sa.cast(answer.value, sa.Text)).outerjoin(
            answer,
            sa.and_(answer.registration_id == Registration.id, answer.question_id == question_id),
        )
    if notes:  # after the answers
        query = query.add_columns(Registration.note)
    if groups:  # last
        query = query.add_columns(group_contact_name())
    query = query.where(Registration.event_id == event_id).order_by(Registration.id)
    return _streamed(connection, query)


def _region_words():
    """A stored region in the language of the download, each looked up once."""
    locale = str(get_locale())
    return lru_cache(maxsize=64)(lambda stored: region_name(stored, locale).text if stored else "")


class _AnswerWords:
    """An answer, stored as JSON text, as the export shows it. The same few answers recur
    (options, "gluteeniton"), and each is decoded and worded once; only the first
    KEPT_ANSWERS different ones are kept, so free text cannot fill the memory."""

    def __init__(self, *, yes_no: dict[bool, str]):
        self.yes_no = yes_no
        self.shown: dict[str | None, str] = {None: ""}

    def __call__(self, text: str | None) -> str:
        words = self.shown.get(text)
        if words is None:
            words = _answer_text(json.loads(text), self.yes_no)
            if len(self.shown) < KEPT_ANSWERS:
                self.shown[text] = words
        return words


def _streamed(connection: sa.Connection, query: sa.Select):
    """Rows in chunks, past the ORM: plain columns need none of its work, which was a
    fifth of an export's time."""
    result = connection.execute(query.execution_options(yield_per=CHUNK_ROWS))
    if connection.dialect.name == "sqlite":  # in this process: nothing to wait for
        return iter(result)
    return _read_ahead(result)


def _read_ahead(result: sa.Result) -> Iterator[sa.Row]:
    """The rows of a result, each chunk asked for while the one before is written out: a
    database server makes the next rows while Python is busy with these, where otherwise
    the export would stop and wait for them (a third of its time on PostgreSQL)."""
    with ThreadPoolExecutor(1, "export-read-ahead") as reader:
        chunk = reader.submit(result.fetchmany, CHUNK_ROWS)
        while rows := chunk.result():
            chunk = reader.submit(result.fetchmany, CHUNK_ROWS)
            yield from rows


def nomination_rows(
    event: Event, connection: sa.Connection, *, notes: bool = False
) -> Iterator[list[str]]:
    """A workshop's nominees with every nomination of each, read in chunks like attendees.
    The organisers' own notes only when asked for: a list is passed on more often than
    the notes should be."""
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
        *([_("Notes")] if notes else []),
        _("First nominated"),
    ]
    nominations = _streamed(
        connection,
        sa.select(
            Nomination.candidate_id,
            Nomination.nominator_name,
            Nomination.nominator_email,
            Nomination.nominator_organisation,
            Nomination.justification,
            Nomination.created_at,
        )
        .where(Nomination.event_id == event.id)
        .order_by(Nomination.candidate_id, Nomination.id),
    )
    pending = next(nominations, None)
    candidates = _streamed(
        connection,
        sa.select(
            Candidate.id,
            Candidate.name,
            Candidate.email,
            Candidate.organisation,
            Candidate.role,
            Candidate.region,
            Candidate.themes,
            Candidate.status,
            Candidate.notes,
            Candidate.created_at,
        )
        .where(Candidate.event_id == event.id)
        .order_by(Candidate.id),
    )
    for candidate in candidates:
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
            *([candidate.notes] if notes else []),
            _when(made[0].created_at if made else candidate.created_at),
        ]


def _first_spellings(organisations: Iterable[str]) -> list[str]:
    """Each organisation once, as first written ("SOSTE ry" and "soste RY" are one)."""
    found: dict[str, str] = {}
    for name in organisations:
        found.setdefault(organisation_key(name), name)
    return list(found.values())


def _when(moment: datetime | None) -> str:
    """A UTC moment (with or without its time zone) in Helsinki time, to the minute;
    exports write hundreds of thousands of these."""
    if moment is None:
        return ""
    if moment.tzinfo is not None:  # as PostgreSQL's driver gives it: zoneinfo is quickest
        return moment.astimezone(clock.HELSINKI).isoformat(" ", "minutes")[:16]
    local = moment + _helsinki_offset(moment.toordinal(), moment.hour)
    return local.isoformat(" ", "minutes")


@lru_cache(maxsize=4096)
def _helsinki_offset(day: int, utc_hour: int) -> timedelta:
    # Daylight saving time changes on the hour (01.00 UTC), so an hour has one offset. The
    # hour is named by numbers: a datetime cut down to it cost twice the rest of _when.
    hour = datetime.fromordinal(day).replace(hour=utc_hour, tzinfo=UTC)
    return clock.to_local(hour).utcoffset()


def _answer_text(value: Any, yes_no: dict[bool, str]) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no[value]
    if isinstance(value, list):
        return ", ".join(value)
    return str(value)


def csv_chunks(rows: Iterable[list[str]]) -> Iterator[bytes]:
    """UTF-8 with BOM and `;` between cells, as Finnish and Swedish Excel expect."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    yield "\ufeff".encode()
    for count, row in enumerate(rows, start=1):
        # neutralise(), written out: a function call per cell was a tenth of the time.
        writer.writerow(["'" + c if c[:1] in FORMULA_STARTS else c for c in row])
        if count % CHUNK_ROWS == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue().encode()


def new_workbook(target) -> xlsxwriter.Workbook:
    """Written row by row (constant memory); no text becomes a formula, link or number."""
    return xlsxwriter.Workbook(
        target,
        {
            "constant_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )


def write_xlsx(rows: Iterable[list[str]], target, *, sheet_name: str) -> int:
    """Every cell a plain string: nothing becomes a formula, a link or a number. Returns
    how many rows were written after the header."""
    workbook = new_workbook(target)
    sheet = workbook.add_worksheet(sheet_name[:31])
    bold = workbook.add_format({"bold": True})
    row_number = 0
    for row_number, row in enumerate(rows):
        for column, cell in enumerate(row):
            sheet.write_string(
                row_number, column, neutralise(cell), bold if row_number == 0 else None
            )
    workbook.close()
    return row_number
