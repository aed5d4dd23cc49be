"""The forms of copying an event and of its series: new dates, how the meetings repeat,
one more date, the end of the series, and which meetings an edit applies to."""

from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import Field, IntegerField, SelectChoice, SubmitField
from wtforms.validators import InputRequired, NumberRange, StopValidation, ValidationError
from wtforms.widgets import TextInput

from app.forms import YEARS, KutsuForm, RadiosField, parse_date
from app.organiser.event_form import EventForm
from app.organiser.translated import text_field
from app.series.dates import (
    BAD_DATE,
    BEFORE_FIRST,
    LAST,
    MAX_DATE_LINES,
    MAX_OCCURRENCES,
    MAX_WEEKS_APART,
    REPEATED,
    Rule,
    RuleKind,
    TooManyOccurrences,
    latest_date,
    occurrence_dates,
    read_date_lines,
)


def finnish_date(day: date) -> str:
    return f"{day.day}.{day.month}.{day.year}"


class DayField(Field):
    """A date typed as text, Finnish style (12.3.2027; 2027-03-12 taken too)."""

    widget = TextInput()

    def __init__(self, label=None, validators=None, *, date_name=None, **kwargs):
        super().__init__(label, validators, **kwargs)
        self.date_name = date_name or _l("the date")
        self.text = ""

    def process_formdata(self, valuelist):
        self.text = (valuelist[0] if valuelist else "")[:40]
        self.data = None
        if not self.text.strip():
            return
        day = parse_date(self.text)
        if day is None or not YEARS[0] <= day.year <= YEARS[1]:
            raise ValueError(
                _l("Enter %(date)s as day.month.year, for example 12.3.2027", date=self.date_name)
            )
        self.data = day

    def _value(self) -> str:
        if self.raw_data:
            return self.text
        return finnish_date(self.data) if isinstance(self.data, date) else ""


class CopyForm(KutsuForm):
    # The event form's own start and end, with its check that the end comes later.
    starts_at = EventForm.starts_at
    ends_at = EventForm.ends_at
    validate_ends_at = EventForm.validate_ends_at
    copy = SubmitField(_l("Copy the event"))


KIND_CHOICES = [
    SelectChoice(RuleKind.WEEKLY.value, _l("Every week, or every few weeks")),
    SelectChoice(RuleKind.MONTHLY_WEEKDAY.value, _l("Every month on the same weekday")),
    SelectChoice(RuleKind.DATES.value, _l("On dates I list")),
]
WEEK_CHOICES = [
    SelectChoice("1", _l("First")),
    SelectChoice("2", _l("Second")),
    SelectChoice("3", _l("Third")),
    SelectChoice("4", _l("Fourth")),
    SelectChoice(str(LAST), _l("Last")),
]
WEEKDAY_CHOICES = [
    SelectChoice(str(number), name)
    for number, name in enumerate(
        [
            _l("Monday"),
            _l("Tuesday"),
            _l("Wednesday"),
            _l("Thursday"),
            _l("Friday"),
            _l("Saturday"),
            _l("Sunday"),
        ]
    )
]


class OnlyFor:
    """A field of one way of repeating: not checked when another way is chosen."""

    def __init__(self, *kinds: RuleKind):
        self.kinds = kinds

    def __call__(self, form, field):
        if form.kind.data not in self.kinds:
            field.errors[:] = []
            raise StopValidation()


REPEATING = (RuleKind.WEEKLY, RuleKind.MONTHLY_WEEKDAY)


class SeriesForm(KutsuForm):
    """How the event repeats. `first` is the event's own date: the first meeting."""

    kind = RadiosField(
        _l("How the meeting repeats"),
        choices=KIND_CHOICES,
        validators=[InputRequired(_l("Choose how the meeting repeats"))],
        invalid_choice_message=_l("Choose how the meeting repeats"),
    )
    interval = IntegerField(
        _l("Weeks between meetings"),
        default=1,
        description=_l("Every week or every few weeks: 1 for every week, 2 for every other week."),
        invalid_value_message=_l("Enter the weeks between meetings as a whole number, like 2"),
        validators=[
            OnlyFor(RuleKind.WEEKLY),
            InputRequired(_l("Enter the weeks between meetings")),
            NumberRange(
                min=1,
                max=MAX_WEEKS_APART,
                message=_l("The weeks between meetings must be from 1 to 8"),
            ),
        ],
    )
    week_of_month = RadiosField(
        _l("Which week of the month"),
        choices=WEEK_CHOICES,
        description=_l("Every month: for example the second Thursday."),
        validators=[OnlyFor(RuleKind.MONTHLY_WEEKDAY), InputRequired(_l("Choose the week"))],
        invalid_choice_message=_l("Choose the week"),
    )
    weekday = RadiosField(
        _l("Weekday"),
        choices=WEEKDAY_CHOICES,
        validators=[OnlyFor(RuleKind.MONTHLY_WEEKDAY), InputRequired(_l("Choose the weekday"))],
        invalid_choice_message=_l("Choose the weekday"),
    )
    until = DayField(
        _l("Last date"),
        description=_l(
            "Every week or every month: meetings until this date, at most a year after "
            "the first. For example 11.6.2027"
        ),
        date_name=_l("the last date"),
        validators=[OnlyFor(*REPEATING), InputRequired(_l("Enter the last date"))],
    )
    dates = text_field(
        _l("Dates, one per line"),
        1000,
        multiline=True,
        optional=False,
        description=_l(
            "On dates you list: day.month.year, for example 12.3.2027, at most 60 dates "
            "within a year of the first meeting."
        ),
    )
    preview = SubmitField(_l("Show the dates"))
    make = SubmitField(_l("Make the meetings"))

    def __init__(self, *args, first: date, **kwargs):
        super().__init__(*args, **kwargs)
        self.first = first
        self.dates.validators = [OnlyFor(RuleKind.DATES), *self.dates.validators]
        self.date_problems: list[str] = []

    def validate_until(self, field):
        if field.data is None:
            return
        if field.data <= self.first:
            raise ValidationError(
                _l(
                    "The last date must be after the first meeting, %(day)s",
                    day=finnish_date(self.first),
                )
            )
        if field.data > latest_date(self.first):
            raise ValidationError(
                _l(
                    "The last date can be at most a year after the first meeting: "
                    "%(day)s or earlier",
                    day=finnish_date(latest_date(self.first)),
                )
            )

    def validate_dates(self, field):
        text = field.data or ""
        if len(text.splitlines()) > MAX_DATE_LINES:
            raise ValidationError(_l("Give at most 60 dates, one per line"))
        read = read_date_lines(text, self.first)
        self.date_problems = [self._problem(*problem) for problem in read.problems]
        if self.date_problems:
            raise ValidationError(self.date_problems[0])
        if not read.dates:
            raise ValidationError(_l("Enter at least one date after the first meeting"))
        if len(read.dates) >= MAX_OCCURRENCES:
            raise ValidationError(_l("A series can have at most 60 meetings"))

    def _problem(self, line: int, typed: str, what: str) -> str:
        if what == BAD_DATE:
            return _l(
                "Line %(line)d: “%(text)s” is not a date like 12.3.2027", line=line, text=typed
            )
        if what == BEFORE_FIRST:
            return _l(
                "Line %(line)d: %(text)s is not after the first meeting, %(day)s",
                line=line,
                text=typed,
                day=finnish_date(self.first),
            )
        if what == REPEATED:
            return _l("Line %(line)d: %(text)s is given twice", line=line, text=typed)
        return _l(
            "Line %(line)d: %(text)s is more than a year after the first meeting",
            line=line,
            text=typed,
        )

    def rule(self) -> Rule:
        kind = RuleKind(self.kind.data)
        if kind == RuleKind.DATES:
            return Rule(kind, dates=read_date_lines(self.dates.data or "", self.first).dates)
        if kind == RuleKind.WEEKLY:
            return Rule(kind, until=self.until.data, interval=self.interval.data)
        return Rule(
            kind,
            until=self.until.data,
            weekday=int(self.weekday.data),
            week_of_month=int(self.week_of_month.data),
        )

    def occurrence_dates(self) -> list[date] | None:
        """The dates the series would have; None (with the error at the field) when too
        many."""
        try:
            return occurrence_dates(self.first, self.rule())
        except TooManyOccurrences:
            self.until.errors.append(_l("A series can have at most 60 meetings"))
            return None


class AddDateForm(KutsuForm):
    day = DayField(
        _l("Date of the new meeting"),
        description=_l("At the same time of day as the others. For example 12.3.2027"),
        date_name=_l("the date of the new meeting"),
        validators=[InputRequired(_l("Enter the date of the new meeting"))],
    )
    add = SubmitField(_l("Add the meeting"))


class EndForm(KutsuForm):
    after = DayField(
        _l("Last meeting held"),
        description=_l(
            "Meetings after this date are cancelled and their people told. For example 12.3.2027"
        ),
        date_name=_l("the date of the last meeting held"),
        validators=[InputRequired(_l("Enter the date of the last meeting held"))],
    )
    check = SubmitField(_l("Continue"))
    confirm = SubmitField(_l("Yes, end the series"))


THIS_ONLY = "this"
THIS_AND_LATER = "later"


class OccurrenceForm(EventForm):
    """The event form of a meeting in a series: the change may go to the later ones too."""

    apply_to = RadiosField(
        _l("Apply the changes to"),
        choices=[
            SelectChoice(THIS_ONLY, _l("This meeting only")),
            SelectChoice(THIS_AND_LATER, _l("This and all later meetings in the series")),
        ],
        default=THIS_ONLY,
        invalid_choice_message=_l("Choose which meetings the changes apply to"),
        description=_l(
            "Later meetings keep their own dates; a new time of day is used on each of them. "
            "The people of each changed meeting are told, as for any change."
        ),
    )
