"""The period report's filters, read from the address (a GET form: nothing changes)."""

from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import Form, SelectChoice, SelectField, StringField, ValidationError

from app.bounds import database_id
from app.calendar.forms import THEME_LENGTH, CalendarFilterForm
from app.forms import YEARS, parse_date
from app.models import EventFormat
from app.nominations.regions import region_choices
from app.reports.period import PeriodFilters
from app.text import has_control_characters

# The longest period one report covers.
MAX_DAYS = 10 * 366
DAY_TEXT = 40
ANY_THEME = SelectChoice("", _l("Any theme"))


class DayField(StringField):
    """A day typed as text (17.3.2026 or 2026-03-17); its data the date, None if empty."""

    def __init__(self, label, *, which, **kwargs):
        super().__init__(label, **kwargs)
        self.which = which
        self.day: date | None = None

    def process_formdata(self, valuelist):
        self.data = (valuelist[0] if valuelist else "")[:DAY_TEXT]

    def pre_validate(self, form):
        text = (self.data or "").strip()
        if not text:
            return
        day = parse_date(text)
        if day is None:
            raise ValidationError(self.which["format"])
        if not YEARS[0] <= day.year <= YEARS[1]:
            raise ValidationError(self.which["range"])
        self.day = day


FIRST = {
    "format": _l("Enter the first day as day.month.year, for example 1.1.2026"),
    "range": _l("Enter the first day as a date from 1.1.2000 to 31.12.2199"),
}
LAST = {
    "format": _l("Enter the last day as day.month.year, for example 31.12.2026"),
    "range": _l("Enter the last day as a date from 1.1.2000 to 31.12.2199"),
}


class PeriodForm(Form):
    first_day = DayField(
        _l("First day"), which=FIRST, description=_l("For example 1.1.2026. Empty: 1 January.")
    )
    last_day = DayField(
        _l("Last day"), which=LAST, description=_l("For example 31.12.2026. Empty: 31 December.")
    )
    organiser = SelectField(
        _l("Organiser"), default="", invalid_choice_message=_l("Choose an organiser from the list")
    )
    series = SelectField(
        _l("Series"), default="", invalid_choice_message=_l("Choose a series from the list")
    )
    format = CalendarFilterForm.format
    region = SelectField(
        _l("Wellbeing services county of the event"),
        choices=region_choices(SelectChoice("", _l("Any region"))),
        default="",
        invalid_choice_message=_l("Choose a wellbeing services county from the list"),
    )
    theme = SelectField(
        _l("Theme"), default="", invalid_choice_message=_l("Choose a theme from the list")
    )

    def __init__(self, args, *, organisers: list, series: list, locale: str, today: date):
        super().__init__(args)
        self.today = today
        if not organisers:  # not an admin: no such filter, whatever the address says
            del self.organiser
        else:
            self._offer_organisers(organisers)
        self.series.choices = [
            SelectChoice("", _l("Any series")),
            *(SelectChoice(str(row.id), row.title_in(locale).text) for row in series),
        ]
        self.theme.choices = [ANY_THEME, *self._asked_theme()]
        self.validate()

    def _offer_organisers(self, organisers: list) -> None:
        self.organiser.choices = [
            SelectChoice("", _l("All organisers")),
            *(SelectChoice(str(row.id), f"{row.name} ({row.email})") for row in organisers),
        ]

    def validate_last_day(self, field):
        first, last = self.first_day.day, self.last_day.day
        if first and last and last < first:
            raise ValidationError(_l("The last day must be the same as or after the first day"))
        if first and last and last - first > timedelta(days=MAX_DAYS):
            raise ValidationError(_l("Choose a period of at most ten years"))

    def _asked_theme(self) -> list[SelectChoice]:
        """The theme asked for stays a choice when it could be a theme at all."""
        asked = self.theme.data or ""
        if asked and len(asked) <= THEME_LENGTH and not has_control_characters(asked):
            return [SelectChoice(asked)]
        return []

    def offer_themes(self, themes: list[str]) -> None:
        asked = [choice for choice in self._asked_theme() if choice.value not in themes]
        self.theme.choices = [ANY_THEME, *(SelectChoice(theme) for theme in themes), *asked]

    def filters(self) -> PeriodFilters:
        """What was asked for; an empty day is the start or end of this year (or of the
        other day's year)."""
        year = PeriodFilters.year_of(self.today)
        first, last = self.first_day.day, self.last_day.day
        first = first or (date(last.year, 1, 1) if last else year.first_day)
        last = last or date(first.year, 12, 31)
        return PeriodFilters(
            first,
            max(first, last),
            organiser_id=database_id(self.organiser.data) if "organiser" in self else None,
            series_id=database_id(self.series.data),
            format=EventFormat(self.format.data) if self.format.data else None,
            region=self.region.data or None,
            theme=self.theme.data or None,
        )
