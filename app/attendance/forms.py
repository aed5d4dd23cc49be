"""The Attendance page's forms: marks per person and for those ticked, a Teams report to
upload, and the report's confirmation (its matched people carried signed, by id only)."""

import re

from flask import current_app
from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField, FileRequired, FileSize
from itsdangerous import BadData, URLSafeTimedSerializer
from wtforms import HiddenField, SelectMultipleField
from wtforms.validators import ValidationError

from app.attendance.services import PAGE_SIZE
from app.forms import KutsuForm
from app.uploads import MAX_FILE_BYTES

_ID = re.compile(r"[0-9]{1,12}")
# Ids read from one post: a page of the list is PAGE_SIZE people; a report's absent ones
# are the event's people (a hybrid event's online ones) not in it.
MOST_AT_ONCE = 5_000
# What each person's choice posts, and what it stores.
MARKS = {"yes": True, "no": False, "unmarked": None}
ACTIONS = ("save", "attended", "no_show")
# The confirmation page's carried ids: signed, and good for this long.
REPORT_MAX_AGE_SECONDS = 2 * 3600
REPORT_MAX_CHARACTERS = 100_000


def posted_ids(values: list[str], most: int = MOST_AT_ONCE) -> list[int]:
    """Digits only, at most `most` of them, each once, in order."""
    return sorted({int(value) for value in values[:most] if _ID.fullmatch(value or "")})


class ChosenPeople(SelectMultipleField):
    """Ticked registrations' ids, bounded; not checked against the list shown (the
    services change only this event's people with a place)."""

    def __init__(self, *args, required: bool = False, **kwargs):
        super().__init__(*args, choices=[], coerce=int, **kwargs)
        self.required = required

    def process_formdata(self, valuelist):
        self.data = posted_ids(valuelist)

    def pre_validate(self, form):
        if self.required and not self.data:
            raise ValidationError(_l("Tick at least one person"))


class MarkForm(KutsuForm):
    """Each shown person's choice (attended-<id>, with was-<id>, the choice shown), and
    the ticked people for the button pressed."""

    person = ChosenPeople(_l("Choose"))

    def action(self, pressed: str | None) -> str:
        return pressed if pressed in ACTIONS else "save"

    def changes(self, formdata, action: str) -> dict[int, bool | None]:
        """What the organiser changed on the page, then the ticked as the button says."""
        changed = {}
        for person_id in posted_ids(formdata.getlist("shown"), PAGE_SIZE):
            now, was = formdata.get(f"attended-{person_id}"), formdata.get(f"was-{person_id}")
            if now in MARKS and now != was:
                changed[person_id] = MARKS[now]
        if action != "save":
            changed |= dict.fromkeys(self.person.data or [], action == "attended")
        return changed


class TeamsReportForm(KutsuForm):
    report = FileField(
        _l("Teams attendance report"),
        description=_l(
            "The file Teams gives when you download the meeting's attendance list: CSV or "
            "Excel (.xlsx), at most 1 MB."
        ),
        validators=[
            FileRequired(_l("Choose the attendance report file")),
            FileAllowed(["csv", "xlsx"], _l("Choose a .csv or .xlsx file")),
            FileSize(MAX_FILE_BYTES, message=_l("The file must be 1 MB or smaller")),
        ],
    )


class ApplyReportForm(KutsuForm):
    report = HiddenField()
    absent = ChosenPeople(_l("Mark as did not attend"))


def _serializer() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.secret_key, salt="kutsu.attendance.teams-report")


def carry_report(event_id: int, registration_ids: list[int]) -> str:
    """The matched people's ids for the confirmation page's form: signed, no names."""
    return _serializer().dumps([event_id, registration_ids])


def carried_report(text: str | None, event_id: int) -> list[int] | None:
    """The ids carried for this event, or None (tampered, too old, another event's)."""
    if not text or len(text) > REPORT_MAX_CHARACTERS:
        return None
    try:
        carried_event, ids = _serializer().loads(text, max_age=REPORT_MAX_AGE_SECONDS)
    except (BadData, TypeError, ValueError):
        return None
    if carried_event != event_id or not isinstance(ids, list):
        return None
    return posted_ids([str(value) for value in ids])
