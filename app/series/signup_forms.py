"""The form of a series: which of its open occurrences, the person, and the questions of
the first of them (the occurrences are copies, so they ask the same)."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms.validators import ValidationError

from app.forms import CheckboxesField
from app.models import Event
from app.reports.person_region import asking_region
from app.signup.forms import (
    AnswersForm,
    consent_field,
    organisation_field,
    person_email_field,
    person_name_field,
    with_questions,
)


class MeetingsField(CheckboxesField):
    """The occurrences' ids. More ticked than there are choices is no honest form: it is
    refused before each value is looked at."""

    def pre_validate(self, form):
        if len(self.raw_data or ()) > len(self.choices or ()):
            raise ValidationError(self.gettext(str(_l("Choose from the meetings listed"))))
        super().pre_validate(form)


class SeriesSignupForm(AnswersForm):
    # In the order of the page, for the error summary.
    meetings = MeetingsField(
        _l("Which meetings will you attend?"),
        invalid_choice_message=_l("Choose from the meetings listed"),
    )
    all_meetings = BooleanField(_l("All the meetings listed"))
    name = person_name_field()
    email = person_email_field()
    organisation = organisation_field()

    def validate_meetings(self, field):
        if not field.data and not self.all_meetings.data:
            raise ValidationError(_l("Choose at least one meeting"))

    def chosen_ids(self, listed: list[int]) -> set[int]:
        """The ids of the chosen occurrences; listed: those the page listed as choices,
        which "all" stands for."""
        if self.all_meetings.data:
            return set(listed)
        return {int(value) for value in self.meetings.data}


def series_signup_form_for(
    first: Event, choices: list[tuple[str, str]], **kwargs
) -> SeriesSignupForm:
    """first: the occurrence whose questions the form asks; choices: (id, label) of the
    occurrences offered."""
    base = asking_region(SeriesSignupForm, first)  # the person's county, when asked
    form = with_questions(base, first, consent=consent_field)(**kwargs)
    form.meetings.choices = choices
    return form
