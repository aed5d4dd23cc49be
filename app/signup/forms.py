"""The sign-up form: fixed fields about the person plus the event's own questions."""

from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.events.services import EventRow, row_of
from app.extensions import db
from app.forms import (
    CheckboxesField,
    EmailAddress,
    KutsuForm,
    NoControlCharacters,
    RadiosField,
    StoredLength,
)
from app.models import Event, EventFormat, Question, QuestionKind
from app.pagecache import PageCache
from app.reports.person_region import asking_region
from app.signup.conditions import (
    Condition,
    OnlyWhenShown,
    applicable,
    conditions_of,
    field_attributes,
    without_inapplicable,
)
from app.signup.mode_form import mode_field
from app.text import normalise_email

SHORT_TEXT_MAX = 500
LONG_TEXT_MAX = 4000


class AnswersForm(KutsuForm):
    """Only the event's questions: what a person may change through the manage link."""

    # The event's conditional questions (app.signup.conditions), by question id; set on
    # the form class made for an event that has any.
    conditions: dict[int, Condition] = {}

    def question_fields(self):
        return [field for name, field in self._fields.items() if name.startswith("q_")]

    @staticmethod
    def answer_text(field) -> str:
        """The answer as the person saw it: the labels of the options they chose."""
        if not hasattr(field, "iter_choices"):
            return field.data or ""
        chosen = (label for _value, label, selected, _kw in field.iter_choices() if selected)
        return ", ".join(str(label) for label in chosen)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        consent = getattr(self, "sensitive_consent", None)
        if consent is None or consent.data:
            return valid
        if self._sensitive_answered():
            consent.errors = [
                _l("Tick this to give your answers to the sensitive questions, or leave them empty")
            ]
            return False
        return valid

    def gave_sensitive_answers(self) -> bool:
        """A sensitive question answered, under the explicit consent the form asks for."""
        consent = getattr(self, "sensitive_consent", None)
        return bool(consent is not None and consent.data) and self._sensitive_answered()

    def _sensitive_answered(self) -> bool:
        return any(
            field.render_kw.get("data-sensitive")
            and _answered(_answer_value(field))
            and self.applies(field.name)
            for field in self.question_fields()
        )

    def answers(self) -> dict[int, Any]:
        collected = {}
        for field in self.question_fields():
            question_id = int(field.name.removeprefix("q_"))
            collected[question_id] = _answer_value(field)
        if self.conditions:  # answers to questions that do not apply are never stored
            return without_inapplicable(self.conditions, collected)
        return collected

    def applies(self, field_name: str) -> bool:
        """Whether the question of this field applies, as the form was filled."""
        if not self.conditions:
            return True
        given = {
            int(field.name.removeprefix("q_")): _answer_value(field)
            for field in self.question_fields()
        }
        return int(field_name.removeprefix("q_")) in applicable(self.conditions, given)


def person_name_field() -> StringField:
    """The person's own full name: on the sign-up and invitation-accept forms alike."""
    message = _l("Name must be 200 characters or fewer")
    return StringField(
        _l("Full name"),
        validators=[
            # Data, not input: a name of spaces only passed, and was saved empty.
            DataRequired(_l("Enter your full name")),
            Length(max=200, message=message),
            NoControlCharacters(),
            StoredLength(200, message),
        ],
    )


def organisation_field() -> StringField:
    message = _l("Organisation must be 200 characters or fewer")
    return StringField(
        _l("Organisation"),
        validators=[
            Optional(),
            Length(max=200, message=message),
            NoControlCharacters(),
            StoredLength(200, message),
        ],
    )


class DetailsForm(AnswersForm):
    """What a person may correct through the manage link: their name, organisation and
    answers. Not the email address: the link was sent there, and it keeps them apart."""

    name = person_name_field()
    organisation = organisation_field()


def person_email_field() -> EmailField:
    """The address the confirmation and the manage link go to."""
    return EmailField(
        _l("Email address"),
        description=_l("We send your confirmation and a link to change or cancel it here."),
        validators=[
            InputRequired(_l("Enter your email address")),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
            NoControlCharacters(),
            StoredLength(254, _l("Email address must be 254 characters or fewer"), normalise_email),
            EmailAddress(),
        ],
    )


class SignupForm(AnswersForm):
    name = person_name_field()
    email = person_email_field()
    organisation = organisation_field()


class HybridSignupForm(SignupForm):
    """A hybrid event's: the person chooses in person or online (app.signup.mode_form)."""

    mode = mode_field()


def _answered(value: Any) -> bool:
    return value not in ("", [], None)


def _answer_value(field) -> Any:
    if isinstance(field, CheckboxesField):
        return list(field.data or [])
    if field.render_kw and field.render_kw.get("data-kind") == QuestionKind.YES_NO.value:
        return {"yes": True, "no": False}.get(field.data)
    return (field.data or "").strip()


def _question_field(question: Question, locale: str, event_language: str):
    label = question.label_in(locale)
    shown_hint = question.hint_in(locale)
    hint = shown_hint.text
    option_labels = question.option_labels_in(locale)
    options = [
        SelectChoice(value, shown)
        for value, shown in zip(question.options, option_labels, strict=True)
    ]
    validators = []
    if question.required:
        validators.append(InputRequired(_l("Answer this question")))
    else:
        validators.append(Optional())
    # Each part in its own language, for `lang` (templates/_forms.html); the sensitive note,
    # in the page's language, is added after the hint there.
    kind_attr = {
        "data-kind": question.kind.value,
        "data-lang": label.lang,
        "data-hint-lang": shown_hint.lang,
    }
    if question.is_choice:
        translated_options = option_labels != list(question.options)
        kind_attr["data-options-lang"] = locale if translated_options else event_language
    if question.sensitive:
        # Its note is shown apart from the hint (templates/_forms.html): the hint is the
        # organiser's words, perhaps in another language, and may end without a stop.
        kind_attr["data-sensitive"] = "1"
    match question.kind:
        case QuestionKind.SHORT_TEXT:
            return StringField(
                label.text,
                description=hint,
                render_kw=kind_attr,
                validators=[
                    *validators,
                    Length(max=SHORT_TEXT_MAX, message=_l("Answer in 500 characters or fewer")),
                    NoControlCharacters(),
                ],
            )
        case QuestionKind.LONG_TEXT:
            return TextAreaField(
                label.text,
                description=hint,
                render_kw=kind_attr,
                validators=[
                    *validators,
                    Length(max=LONG_TEXT_MAX, message=_l("Answer in 4000 characters or fewer")),
                    NoControlCharacters(multiline=True),
                ],
            )
        case QuestionKind.SINGLE_CHOICE:
            return RadiosField(
                label.text,
                description=hint,
                render_kw=kind_attr,
                choices=options,
                validators=[_choose_one(question.required)],
                invalid_choice_message=_l("Choose one of the options"),
            )
        case QuestionKind.MULTIPLE_CHOICE:
            return CheckboxesField(
                label.text,
                description=hint,
                render_kw=kind_attr,
                choices=options,
                validators=[_choose_one(question.required, _l("Choose at least one option"))],
                invalid_choice_message=_l("Choose from the options given"),
            )
        case QuestionKind.YES_NO:
            return RadiosField(
                label.text,
                description=hint,
                render_kw=kind_attr,
                choices=[SelectChoice("yes", _l("Yes")), SelectChoice("no", _l("No"))],
                validators=[_choose_one(question.required, _l("Choose yes or no"))],
                invalid_choice_message=_l("Choose yes or no"),
            )


def _choose_one(required: bool, message=None):
    if required:
        return InputRequired(message or _l("Choose an option"))
    return Optional()


def consent_field() -> BooleanField:
    return BooleanField(
        _l("I have read the privacy notice, and my details may be used to organise this event"),
        validators=[InputRequired(_l("Confirm that you have read the privacy notice"))],
    )


def sensitive_consent_field() -> BooleanField:
    """Explicit consent for answers that can be health data (GDPR art. 9): not needed to
    take part, only to answer those questions."""
    return BooleanField(
        _l(
            "I agree that my answers to the questions marked sensitive are used to arrange "
            "this event, and seen only by its organisers"
        ),
    )


# The form classes made for events' questions, kept like pages (app.pagecache): making
# one cost a sign-up as much as checking its answers.
_FORM_CLASSES = PageCache()


def with_questions(
    base: type[AnswersForm],
    event: Event | EventRow,
    *,
    question_rows: tuple | None = None,
    **after,
) -> type[AnswersForm]:
    """The form class for the event's questions, made once per version of them.

    question_rows: the questions' rows, when read without loading them (events.services)."""
    locale = str(get_locale())
    if question_rows is None:
        question_rows = tuple(row_of(question) for question in event.questions)
    key = (base, tuple(after.items()), repr(question_rows), event.language, locale)
    form_class = _FORM_CLASSES.get(key)
    if form_class is None:
        form_class = _make_form_class(base, event, locale, after)
        _FORM_CLASSES.put(key, form_class)
    return form_class


def _make_form_class(base, event, locale, after):
    # Fields keep the order they were made in: the `after` fields, made last, follow the
    # questions on the page and in the error summary.
    questions = _questions_of(event)
    fields = {
        f"q_{question.id}": _question_field(question, locale, event.language)
        for question in questions
    }
    conditions = conditions_of(questions)
    if conditions:
        _make_conditional(fields, questions, conditions, locale)
    if any(question.sensitive for question in questions):
        fields["sensitive_consent"] = sensitive_consent_field()
    fields.update({name: make() for name, make in after.items()})
    return type(f"{base.__name__}ForEvent", (base,), fields)


def _make_conditional(fields: dict, questions, conditions, locale: str) -> None:
    """The conditional questions' fields checked only when they apply, and described."""
    fields["conditions"] = conditions
    by_id = {question.id: question for question in questions}
    for question_id, condition in conditions.items():
        unbound = fields[f"q_{question_id}"]
        unbound.kwargs["validators"] = [OnlyWhenShown(), *unbound.kwargs["validators"]]
        unbound.kwargs["render_kw"] |= field_attributes(
            by_id[question_id], by_id[condition.parent], locale
        )


def _questions_of(event: Event | EventRow) -> list[Question]:
    if isinstance(event, EventRow):  # read without the ORM: the questions are loaded now
        event = db.session.get(Event, event.id)
    return event.questions


def signup_form_for(
    event: Event | EventRow, question_rows: tuple | None = None, **kwargs
) -> SignupForm:
    base = HybridSignupForm if event.format == EventFormat.HYBRID else SignupForm
    base = asking_region(base, event)  # the person's county, when the event asks it
    return with_questions(base, event, question_rows=question_rows, consent=consent_field)(**kwargs)


def details_form_for(event: Event, **kwargs) -> DetailsForm:
    return with_questions(asking_region(DetailsForm, event), event)(**kwargs)


def stored_details_as_form_data(registration) -> dict[str, Any]:
    """The registration's name, organisation and answers in the shape the form expects."""
    data = {
        "name": registration.name,
        "organisation": registration.organisation,
        "region": registration.region,
    }
    for answer in registration.answers:
        value = answer.value
        if isinstance(value, bool):
            value = "yes" if value else "no"
        data[f"q_{answer.question_id}"] = value
        if answer.question.sensitive and _answered(value):
            data["sensitive_consent"] = True  # given when they answered
    return data
