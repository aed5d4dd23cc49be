"""The feedback settings, the organiser's own questions, and the person's feedback form."""

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FormField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from app.feedback.services import (
    ANSWER_LENGTH,
    COMMENT_LENGTH,
    option_labels,
    question_label,
)
from app.forms import DateAndTimeField, KutsuForm, NoControlCharacters, RadiosField
from app.models import Event, FeedbackAudience, FeedbackQuestionKind
from app.organiser.question_form import QuestionTextForm
from app.organiser.translated import Translated, lines, text_field

YES_NO = [SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))]


class SettingsForm(KutsuForm):
    enabled = BooleanField(_l("Send a feedback form after the event"))
    anonymous = RadiosField(
        _l("Are the answers anonymous?"),
        choices=[
            SelectChoice("no", _l("No: you see who answered what")),
            SelectChoice("yes", _l("Yes: answers are not linked to people")),
        ],
        validators=[InputRequired(_l("Choose whether the answers are anonymous"))],
        description=_l(
            "Anonymous answers are not linked to the people who gave them, not even in the "
            "database: no one can see who answered what. Decide before the first answer: "
            "this cannot be changed once anyone has answered."
        ),
    )
    audience = RadiosField(
        _l("Who is sent the form?"),
        choices=[
            SelectChoice(FeedbackAudience.ATTENDED.value, _l("Those marked as attended")),
            SelectChoice(FeedbackAudience.HAD_PLACE.value, _l("Everyone who had a place")),
        ],
        validators=[InputRequired(_l("Choose who is sent the form"))],
    )
    sends_at = DateAndTimeField(
        _l("When the form is sent"),
        validators=[InputRequired(_l("Enter when the form is sent"))],
        description=_l("Helsinki time. By default the morning after the event, at 9.00."),
        date_name=_l("the date the form is sent"),
        time_name=_l("the time the form is sent"),
    )
    closes_at = DateAndTimeField(
        _l("When the form closes"),
        validators=[InputRequired(_l("Enter when the form closes"))],
        description=_l("Helsinki time. Answers can be changed until then."),
        date_name=_l("the date the form closes"),
        time_name=_l("the time the form closes"),
    )

    def __init__(self, *args, event: Event, **kwargs):
        super().__init__(*args, **kwargs)
        self.event = event

    def validate_sends_at(self, field):
        if field.data and field.utc() < self.event.ends_at:
            raise ValidationError(_l("The form can be sent only after the event has ended"))

    def validate_closes_at(self, field):
        sends = self.sends_at.utc() if self.sends_at.data else None
        if field.data and sends and field.utc() <= sends:
            raise ValidationError(_l("The form must close after it is sent"))


class QuestionForm(Translated, KutsuForm):
    """One of the organiser's own questions, added to the end of the form."""

    label = text_field(_l("Question"), 300, required_message=_l("Enter the question"))
    kind = SelectField(
        _l("Type of answer"),
        choices=[
            SelectChoice(FeedbackQuestionKind.SHORT_TEXT.value, _l("Short text")),
            SelectChoice(FeedbackQuestionKind.LONG_TEXT.value, _l("Long text")),
            SelectChoice(FeedbackQuestionKind.SINGLE_CHOICE.value, _l("Choose one option")),
            SelectChoice(FeedbackQuestionKind.YES_NO.value, _l("Yes or no")),
        ],
        invalid_choice_message=_l("Choose the type of answer"),
    )
    options = text_field(
        _l("Options, one per line"),
        3000,
        multiline=True,
        optional=False,
        description=_l("Only for questions with options to choose from."),
    )
    text_fi = FormField(QuestionTextForm)
    text_sv = FormField(QuestionTextForm)
    text_en = FormField(QuestionTextForm)

    def option_list(self) -> list[str]:
        return lines(self.options.data)[:50]

    def validate_options(self, field):
        choice = self.kind.data == FeedbackQuestionKind.SINGLE_CHOICE
        if choice and len(self.option_list()) < 2:
            raise ValidationError(_l("Give at least two options, one per line"))


class ResponseForm(KutsuForm):
    """The person's feedback; the organiser's questions are added as q_<id> fields."""

    score = RadiosField(
        _l("Overall, how was the event?"),
        choices=[
            SelectChoice("1", _l("1 – poor")),
            SelectChoice("2", "2"),
            SelectChoice("3", "3"),
            SelectChoice("4", "4"),
            SelectChoice("5", _l("5 – excellent")),
        ],
        validators=[InputRequired(_l("Choose a score from 1 to 5"))],
    )
    would_recommend = RadiosField(
        _l("Would you recommend this event to a colleague?"),
        choices=YES_NO,
        validators=[Optional()],
    )
    comment = TextAreaField(
        _l("What would you like to tell the organisers?"),
        validators=[
            Optional(),
            Length(max=COMMENT_LENGTH, message=_l("Write 4000 characters or fewer")),
            NoControlCharacters(multiline=True),
        ],
    )

    def question_fields(self):
        return [field for name, field in self._fields.items() if name.startswith("q_")]

    def answers(self) -> dict[str, Any]:
        given = {}
        for field in self.question_fields():
            value = (field.data or "").strip()
            if field.render_kw.get("data-kind") == FeedbackQuestionKind.YES_NO:
                given[field.name[2:]] = {"yes": True, "no": False}.get(value)
            else:
                given[field.name[2:]] = value
        return given

    def recommend(self) -> bool | None:
        return {"yes": True, "no": False}.get(self.would_recommend.data or "")


def response_form(event: Event, questions: list[dict], locale: str, **kwargs) -> ResponseForm:
    """The form with the organiser's questions, in the visitor's language where given."""

    class EventResponseForm(ResponseForm):
        pass

    for question in questions:
        setattr(EventResponseForm, f"q_{question['id']}", _field(question, event, locale))
    return EventResponseForm(**kwargs)


def _field(question: dict, event: Event, locale: str):
    label = question_label(question, event, locale)
    attrs = {"data-kind": question["kind"], "data-lang": label.lang}
    kind = question["kind"]
    if kind in (FeedbackQuestionKind.SINGLE_CHOICE, FeedbackQuestionKind.YES_NO):
        if kind == FeedbackQuestionKind.YES_NO:
            choices = YES_NO
        else:
            shown = option_labels(question, event, locale)
            translated = shown != list(question["options"])
            attrs["data-options-lang"] = locale if translated else event.language
            choices = [SelectChoice(v, s) for v, s in zip(question["options"], shown, strict=True)]
        return RadiosField(label.text, choices=choices, render_kw=attrs, validators=[Optional()])
    field = TextAreaField if kind == FeedbackQuestionKind.LONG_TEXT else StringField
    too_long = _l("Answer in %(max)d characters or fewer", max=ANSWER_LENGTH)
    return field(
        label.text,
        render_kw=attrs,
        validators=[
            Optional(),
            Length(max=ANSWER_LENGTH, message=too_long),
            NoControlCharacters(multiline=True),
        ],
    )
