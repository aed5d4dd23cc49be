"""The calendar's filters, read from the address (a GET form: no CSRF, nothing changes)."""

import re
from datetime import date

from flask_babel import lazy_gettext as _l
from wtforms import Form, SelectChoice, SelectField

from app.calendar.services import NATIONAL, CalendarFilters
from app.models import EventFormat
from app.nominations.regions import region_choices
from app.text import has_control_characters

# As long as a theme may be (app.organiser.workshop_settings).
THEME_LENGTH = 100
# How far from this year the calendar goes, either way.
YEARS_AROUND = 5

FORMAT_CHOICES = [
    SelectChoice("", _l("Any format")),
    SelectChoice(EventFormat.IN_PERSON.value, _l("In person")),
    SelectChoice(EventFormat.ONLINE.value, _l("Online")),
    SelectChoice(EventFormat.HYBRID.value, _l("Hybrid: in person and online")),
]
REGION_CHOICES = region_choices(
    SelectChoice("", _l("Any region")),
    SelectChoice(NATIONAL, _l("Whole country or online only")),
)
ANY_THEME = SelectChoice("", _l("Any theme"))


class CalendarFilterForm(Form):
    format = SelectField(
        _l("Format"),
        choices=FORMAT_CHOICES,
        default="",
        invalid_choice_message=_l("Choose a format from the list"),
    )
    region = SelectField(
        _l("Wellbeing services county"),
        choices=REGION_CHOICES,
        default="",
        description=_l("Events for the whole country or online are shown with every county."),
        invalid_choice_message=_l("Choose a wellbeing services county from the list"),
    )
    theme = SelectField(
        _l("Theme"),
        default="",
        invalid_choice_message=_l("Choose a theme from the list"),
    )

    def __init__(self, args):
        super().__init__(args)
        self.theme.choices = [ANY_THEME, *self._asked_theme()]
        self.validate()

    def _asked_theme(self) -> list[SelectChoice]:
        """The theme in the address, kept as a choice when it could be a theme at all: one
        that no event of this period has finds nothing, but stays chosen for the next."""
        asked = self.theme.data or ""
        if asked and len(asked) <= THEME_LENGTH and not has_control_characters(asked):
            return [SelectChoice(asked)]
        return []

    def filters(self) -> CalendarFilters:
        """What was asked for and understood; a value with an error filters nothing."""

        def valid(field):
            return (field.data or None) if not field.errors else None

        chosen_format = valid(self.format)
        return CalendarFilters(
            format=EventFormat(chosen_format) if chosen_format else None,
            region=valid(self.region),
            theme=valid(self.theme),
        )

    def offer_themes(self, themes: list[str]) -> None:
        """The themes of the period's events to choose from, and the one asked for."""
        asked = [choice for choice in self._asked_theme() if choice.value not in themes]
        self.theme.choices = [ANY_THEME, *(SelectChoice(theme) for theme in themes), *asked]


_MONTH = re.compile(r"(\d{4})-(\d{2})")


def month_asked(text: str | None, today: date) -> date | None:
    """?month=YYYY-MM as the first of that month, within YEARS_AROUND of today; else None."""
    found = _MONTH.fullmatch(text or "")
    if not found:
        return None
    year, month = int(found.group(1)), int(found.group(2))
    if not 1 <= month <= 12 or not year_in_range(year, today):
        return None
    return date(year, month, 1)


def year_in_range(year: int, today: date) -> bool:
    return abs(year - today.year) <= YEARS_AROUND
