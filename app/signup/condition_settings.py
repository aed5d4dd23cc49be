"""The question editor's "Ask only when ...": a question asked only when an earlier
question with options (choices, or yes or no) of the same event has one of the ticked
answers. Parts of the event form (app.organiser.event_form), which has the questions.

The answers offered are those of the earlier questions as the form holds them now, so a
question added or changed is offered after the page next comes back (for example after
"Add a question"). A ticked answer is "N:value", N the earlier question's number on the
page."""

from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import ValidationError

from app.forms import CheckboxesField
from app.models import Question, QuestionKind
from app.signup.conditions import YES_NO_VALUES

# More answers ticked than any form could offer (30 questions, each a bounded text of
# options) is no honest form.
MAX_TICKED = 1000


class ConditionField(CheckboxesField):
    """The ticked answers; checked against the earlier questions by the event form."""

    def pre_validate(self, form):
        if len(self.raw_data or ()) > MAX_TICKED:
            raise ValidationError(_l("Choose from the answers listed"))


class ConditionSetting:
    """The field of one question (app.organiser.question_form)."""

    shown_if = ConditionField(
        _l("Ask this question only when the answer to an earlier question is"),
        description=_l(
            "Tick the answers of one earlier question. Leave all unticked to ask everyone."
        ),
    )


def kept_question(entry) -> bool:
    """A question block that is saved: not removed, and with its question written."""
    return not entry.form.remove.data and bool((entry.form.label.data or "").strip())


@dataclass
class OfferedAnswer:
    value: str  # "N:value"
    label: str
    ticked: bool


@dataclass
class EarlierQuestion:
    number: int
    label: str
    answers: list[OfferedAnswer]


def _answers_of(entry) -> list[tuple[str, str]]:
    """(value, label) of the answers a question block offers, as the form holds it."""
    kind = entry.form.kind.data
    if kind == QuestionKind.YES_NO.value:
        return list(zip(YES_NO_VALUES, (_("Yes"), _("No")), strict=True))
    if kind in (QuestionKind.SINGLE_CHOICE.value, QuestionKind.MULTIPLE_CHOICE.value):
        return [(option, option) for option in entry.form.option_list()]
    return []


def _ticked(entry) -> list[tuple[str, str]]:
    """(number, value) of each ticked answer; a number "" when it is not one."""
    ticked = []
    for item in entry.form.shown_if.data or []:
        number, _colon, value = str(item).partition(":")
        ticked.append((number if number.isdigit() else "", value))
    return ticked


class QuestionConditions:
    """The event form's checks of the conditions against the questions, and what they
    save; a part of the event form, which has the questions."""

    def condition_choices(self, index: int) -> list[EarlierQuestion]:
        """The earlier questions whose answers the question at `index` may depend on."""
        entries = self.questions.entries
        ticked = set(entries[index].form.shown_if.data or []) if index < len(entries) else set()
        offered = []
        for number, entry in enumerate(entries[:index], start=1):
            answers = _answers_of(entry) if kept_question(entry) else []
            if answers:
                offered.append(
                    EarlierQuestion(
                        number,
                        entry.form.label.data.strip(),
                        [
                            OfferedAnswer(f"{number}:{value}", label, f"{number}:{value}" in ticked)
                            for value, label in answers
                        ],
                    )
                )
        return offered

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for index, entry in enumerate(self.questions.entries):
            problem = kept_question(entry) and self._condition_problem(index)
            if problem:
                entry.form.shown_if.errors = [*entry.form.shown_if.errors, problem]
                valid = False
        return valid

    def _condition_problem(self, index: int) -> str | None:
        ticked = _ticked(self.questions.entries[index])
        numbers = {number for number, _value in ticked}
        if not ticked:
            return None
        if len(numbers) > 1 or "" in numbers:
            return _("Tick the answers of one earlier question only")
        number = int(numbers.pop())
        if not 1 <= number <= index:
            return _("Tick the answers of an earlier question")
        parent = self.questions.entries[number - 1]
        if not kept_question(parent):
            return _("Question %(number)d is being removed: tick again", number=number)
        offered = [value for value, _label in _answers_of(parent)]
        if not offered:
            return _("Question %(number)d has no answers to choose from", number=number)
        for _number, value in ticked:
            if value not in offered:
                return _(
                    "Question %(number)d no longer has the answer “%(answer)s”: tick again",
                    number=number,
                    answer=value,
                )
        return None

    def question_conditions(self) -> list[tuple[int | None, list[str]]]:
        """Each kept question's condition: the position of the earlier question among the
        kept ones (as app.signup.conditions.link_conditions takes it), and the values."""
        kept = [entry for entry in self.questions.entries if kept_question(entry)]
        position_of = {
            number: kept.index(entry)
            for number, entry in enumerate(self.questions.entries, start=1)
            if entry in kept
        }
        conditions = []
        for entry in kept:
            ticked = _ticked(entry)
            numbers = {int(number) for number, _value in ticked if number}
            parent = position_of.get(numbers.pop()) if len(numbers) == 1 else None
            values = [value for _number, value in ticked] if parent is not None else []
            conditions.append((parent, values))
        return conditions


def condition_form_data(question: Question, questions: list[Question]) -> list[str]:
    """A stored condition as the question editor ticks it."""
    ids = [other.id for other in questions]
    if question.shown_if_question_id not in ids:
        return []
    number = ids.index(question.shown_if_question_id) + 1
    return [f"{number}:{value}" for value in question.shown_if_options]
