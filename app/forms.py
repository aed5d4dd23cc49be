"""Validators and fields shared by every form."""

import re
from datetime import date, datetime, time

from email_validator import EmailNotValidError
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, Field, FieldList, RadioField, SelectChoice, SelectMultipleField
from wtforms.utils import unset_value
from wtforms.validators import InputRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app import clock
from app.text import LettersMailCannotCarry, check_email, clean_text, has_control_characters

LANGUAGE_CHOICES = [
    SelectChoice("fi", _l("Finnish")),
    SelectChoice("sv", _l("Swedish")),
    SelectChoice("en", _l("English")),
]


class NoControlCharacters:
    """Refuse NUL bytes and other control characters; PostgreSQL would refuse them later."""

    def __init__(self, multiline: bool = False, message=None):
        self.multiline = multiline
        self.message = message or _l("Remove the special characters that cannot be saved")

    def __call__(self, form, field):
        if isinstance(field.data, str) and has_control_characters(
            field.data, multiline=self.multiline
        ):
            raise ValidationError(self.message)


class EmailAddress:
    def __init__(self, message=None, letters_message=None):
        self.message = message or _l(
            "Enter an email address in the correct format, like name@example.fi"
        )
        self.letters_message = letters_message or _l(
            "Enter an email address without letters like ä or ö before the @"
        )

    def __call__(self, form, field):
        if not field.data:
            return
        try:
            check_email(field.data.strip())
        except LettersMailCannotCarry as exc:
            raise ValidationError(self.letters_message) from exc
        except EmailNotValidError as exc:
            raise ValidationError(self.message) from exc


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RadiosField(RadioField):
    """Radios that may be left unanswered when the question is optional."""

    def pre_validate(self, form):
        if not self.raw_data:
            return
        super().pre_validate(form)


class KutsuForm(FlaskForm):
    """Kutsu's forms. Their CSRF token is checked once, for every post, by CSRFProtect
    (app.extensions.csrf) before any view runs, so the form does not check it again: that
    second check, and the signed token the form made for itself, cost a sign-up 3 % of its
    time. Templates put the token in with {{ csrf_field() }} (app.templating)."""

    class Meta:
        csrf = False


class ConfirmForm(KutsuForm):
    """Only the CSRF token (in the template): the button itself is the answer."""


class StoredLength:
    """The length as stored: NFC and case-folding can make text longer than it was typed
    (ß becomes ss), and PostgreSQL refuses a value longer than its column."""

    def __init__(self, max: int, message, normalise=clean_text):
        self.max = max
        self.normalise = normalise
        self.message = message

    def __call__(self, form, field):
        if isinstance(field.data, str) and len(self.normalise(field.data)) > self.max:
            raise ValidationError(self.message)


class SafeFieldList(FieldList):
    """A FieldList that ignores posted keys whose index is not a plain number.

    WTForms takes any Unicode digit ("questions-²-label") as an index and then fails to
    turn it into an int: a crafted post would be a server error instead of being ignored."""

    def _extract_indices(self, prefix, formdata):
        offset = len(prefix) + 1
        for key in formdata:
            if key.startswith(prefix):
                index = key[offset:].split(self._field_separator, 1)[0]
                if index.isascii() and index.isdigit() and len(index) < 4:
                    yield int(index)


ENTER_EMAIL = _l("Enter an email address")


def email_address_field(label, *, required_message=ENTER_EMAIL, **kwargs) -> EmailField:
    """An email address that must be given: the same checks wherever one is asked for."""
    return EmailField(
        label,
        validators=[
            InputRequired(required_message),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
            NoControlCharacters(),
            EmailAddress(),
        ],
        **kwargs,
    )


# 17.3.2026 or 17.03.2026 (a final full stop allowed), or 2026-03-17.
_FINNISH_DATE = re.compile(r"(\d{1,2})\.(\d{1,2})\.(\d{4})\.?")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
# 1.1.0001 would overflow when turned into UTC, and 9999 when its retention time is added
# (and no event is that far): a date outside these years is refused at its field.
YEARS = (2000, 2199)
_FIRST_DAY, _LAST_DAY = f"1.1.{YEARS[0]}", f"31.12.{YEARS[1]}"
# 17.00, 17:00, 9.05 or just 17.
_TIME = re.compile(r"(\d{1,2})(?:[.:](\d{2}))?")


def parse_date(text: str) -> date | None:
    """A date as Finns and Swedes type it; None if it is not one."""
    text = text.strip()
    if found := _FINNISH_DATE.fullmatch(text):
        day, month, year = found.groups()
    elif found := _ISO_DATE.fullmatch(text):
        year, month, day = found.groups()
    else:
        return None
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        return None  # 31.2.2026


def parse_time(text: str) -> time | None:
    found = _TIME.fullmatch(text.strip())
    if not found:
        return None
    hours, minutes = int(found.group(1)), int(found.group(2) or 0)
    return time(hours, minutes) if hours < 24 and minutes < 60 else None


class DateAndTimeField(Field):
    """A date and a time typed as text in two inputs, Finnish style (17.3.2026 and 17.00;
    17:00, 17.03.2026 and 2026-03-17 are taken too), as the Suomi.fi date input does: no
    browser's own picker, whose format the person cannot choose. Its data is a naive
    Helsinki wall-clock datetime, as DateTimeLocalField's was, so a form changes one line.

    The inputs are named <name>-date and <name>-time. `date_name` and `time_name` say in
    the errors which date and time is meant ("the start date"); typed text is kept."""

    def __init__(self, label=None, validators=None, *, date_name=None, time_name=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.date_name = date_name or _l("the date")
        self.time_name = time_name or _l("the time")
        self.date_text = ""
        self.time_text = ""
        self.wrong_part = ""  # "date" or "time": the input the error is about

    @property
    def error_id(self) -> str:
        """The input the error summary links to: the one to correct."""
        return f"{self.id}-{self.wrong_part or 'date'}"

    def process(self, formdata, data=unset_value, extra_filters=None):
        self.process_errors = []
        if data is unset_value:
            data = self.default() if callable(self.default) else self.default
        self.object_data = data
        self.process_data(self.object_data)
        if formdata is None:
            return
        self.date_text = formdata.get(f"{self.name}-date", "")[:40]
        self.time_text = formdata.get(f"{self.name}-time", "")[:40]
        typed = f"{self.date_text} {self.time_text}".strip()
        self.raw_data = [typed] if typed else []
        try:
            self.data = self._parsed()
        except ValueError as error:
            self.data = None
            self.process_errors.append(error.args[0])

    def process_data(self, value):
        self.data = value if isinstance(value, datetime) else None
        if self.data is not None:
            self.date_text = f"{value.day}.{value.month}.{value.year}"
            self.time_text = f"{value.hour}.{value.minute:02d}"

    def _parsed(self) -> datetime | None:
        if not self.raw_data:
            return None  # empty: the validators say whether it may be
        day, moment = self.date_text.strip(), self.time_text.strip()
        self.wrong_part = "date"
        if not day:
            raise ValueError(_("Enter %(date)s", date=self.date_name))
        if (on := parse_date(day)) is None:
            raise ValueError(
                _("Enter %(date)s as day.month.year, for example 17.3.2026", date=self.date_name)
            )
        if not YEARS[0] <= on.year <= YEARS[1]:
            raise ValueError(
                _(
                    "Enter %(date)s as a date from %(first)s to %(last)s",
                    date=self.date_name,
                    first=_FIRST_DAY,
                    last=_LAST_DAY,
                )
            )
        self.wrong_part = "time"
        if not moment:
            raise ValueError(_("Enter %(time)s", time=self.time_name))
        if (at := parse_time(moment)) is None:
            raise ValueError(
                _("Enter %(time)s as hours.minutes, for example 17.00", time=self.time_name)
            )
        self.wrong_part = ""
        return datetime.combine(on, at)

    def _value(self) -> str:
        return f"{self.date_text} {self.time_text}".strip()

    def utc(self) -> datetime | None:
        """The moment typed, in UTC; None when none was."""
        return clock.from_local(self.data) if self.data else None
