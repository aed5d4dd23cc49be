"""The form of one custom question on the sign-up form; a sub-form of the event form."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, Form, FormField, HiddenField, SelectChoice, SelectField
from wtforms.validators import ValidationError

from app.models import QuestionKind
from app.organiser.translated import Translated, lines, text_field
from app.signup.condition_settings import ConditionSetting

MAX_QUESTIONS = 30

KIND_CHOICES = [
    SelectChoice(QuestionKind.SHORT_TEXT.value, _l("Short text")),
    SelectChoice(QuestionKind.LONG_TEXT.value, _l("Long text")),
    SelectChoice(QuestionKind.SINGLE_CHOICE.value, _l("Choose one option")),
    SelectChoice(QuestionKind.MULTIPLE_CHOICE.value, _l("Choose one or more options")),
    SelectChoice(QuestionKind.YES_NO.value, _l("Yes or no")),
]


class QuestionTextForm(Form):
    """A question, its hint and its options in one more language."""

    label = text_field(_l("Question"), 300)
    hint = text_field(_l("Hint shown under the question"), 500)
    options = text_field(
        _l("Options, one per line"),
        3000,
        multiline=True,
        description=_l("As many as in the main language, in the same order."),
    )

    def translation(self) -> dict:
        given = {
            "label": (self.label.data or "").strip(),
            "hint": (self.hint.data or "").strip(),
            "options": lines(self.options.data),
        }
        return given if any(given.values()) else {}


class QuestionForm(Translated, ConditionSetting, Form):
    """One custom question; a sub-form of the event form."""

    id = HiddenField()
    label = text_field(_l("Question"), 300)
    hint = text_field(_l("Hint shown under the question"), 500)
    kind = SelectField(
        _l("Type of answer"),
        choices=KIND_CHOICES,
        invalid_choice_message=_l("Choose the type of answer"),
    )
    options = text_field(
        _l("Options, one per line"),
        3000,
        multiline=True,
        optional=False,
        description=_l("Only for questions with options to choose from."),
    )
    required = BooleanField(_l("An answer is required"))
    sensitive = BooleanField(
        _l("Sensitive: for example diets or accessibility needs (health data)"),
    )
    remove = BooleanField(_l("Remove this question"))
    text_fi = FormField(QuestionTextForm)
    text_sv = FormField(QuestionTextForm)
    text_en = FormField(QuestionTextForm)

    def option_list(self) -> list[str]:
        return lines(self.options.data)

    def validate_options(self, field):
        choice = self.kind.data in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)
        if choice and self.label.data and len(self.option_list()) < 2:
            raise ValidationError(_l("Give at least two options, one per line"))
