"""Conditional questions: a question asked only when an earlier choice question of the same
event has one of the chosen answers (for example "Special diet?" yes -> "Which diet?").

The rule is one, used by every form that asks an event's questions (app.signup.forms): an
answer to a question that does not apply is never stored, whatever the browser sent, and a
required question is required only when it applies. Events without conditions never reach
this module on a sign-up: their forms carry no conditions to check."""

import json
from collections import defaultdict
from collections.abc import Sequence
from typing import Any, NamedTuple

import sqlalchemy as sa
from babel.lists import format_list
from flask_babel import gettext as _
from markupsafe import Markup, escape
from wtforms.validators import StopValidation

from app.extensions import db
from app.models import Answer, Event, Question, QuestionKind

# The answers a yes-or-no question gives in its form, and a condition names.
YES_NO_VALUES = ("yes", "no")


class Condition(NamedTuple):
    """Question `parent` (an id) answered with one of `values` (its option values)."""

    parent: int
    values: frozenset[str]


def conditions_of(questions: Sequence[Question]) -> dict[int, Condition]:
    """The conditions of an event's questions, by question id; only sound ones: on an
    earlier question of the same event that has options to choose from."""
    earlier = {}
    found = {}
    for question in questions:
        parent = earlier.get(question.shown_if_question_id)
        if parent is not None and question.shown_if_options and answer_values(parent):
            found[question.id] = Condition(parent.id, frozenset(question.shown_if_options))
        earlier[question.id] = question
    return found


def answer_values(question: Question) -> list[str]:
    """The values a condition on this question may name; none for a text question."""
    if question.kind == QuestionKind.YES_NO:
        return list(YES_NO_VALUES)
    return list(question.options) if question.is_choice else []


def chosen(answer: Any) -> set[str]:
    """The option values an answer holds, as a condition names them."""
    if isinstance(answer, bool):
        return {"yes" if answer else "no"}
    if isinstance(answer, list):
        return {str(value) for value in answer}
    if answer in ("", None):
        return set()
    return {str(answer)}


def applicable(conditions: dict[int, Condition], answers: dict[int, Any]) -> set[int]:
    """The ids among `answers` of the questions that apply: those without a condition, and
    those whose earlier question applies and was answered with one of the chosen values."""
    applies: dict[int, bool] = {}

    def check(question_id: int) -> bool:
        if question_id not in applies:
            condition = conditions.get(question_id)
            applies[question_id] = False  # a loop (never saved) applies nowhere
            applies[question_id] = condition is None or (
                check(condition.parent)
                and bool(chosen(answers.get(condition.parent)) & condition.values)
            )
        return applies[question_id]

    return {question_id for question_id in answers if check(question_id)}


def empty_answer(answer: Any) -> Any:
    """What an unanswered question of the same kind stores."""
    if isinstance(answer, list):
        return []
    if isinstance(answer, bool) or answer is None:
        return None
    return ""


def without_inapplicable(conditions: dict[int, Condition], answers: dict[int, Any]) -> dict:
    """The answers, those to questions that do not apply emptied: never stored."""
    applying = applicable(conditions, answers)
    return {
        question_id: answer if question_id in applying else empty_answer(answer)
        for question_id, answer in answers.items()
    }


class OnlyWhenShown:
    """The first check of a conditional question's field: when the question does not apply,
    nothing of it is checked (a required one is required only when shown)."""

    def __call__(self, form, field):
        if not form.applies(field.name):
            field.errors[:] = []
            raise StopValidation()


def field_attributes(question: Question, parent: Question, locale: str) -> dict[str, str]:
    """What the page needs of a condition: the earlier question's field and the values
    (for the script, app/static/conditions.js), the hint in words, and the texts announced
    when the question appears or goes."""
    label = question.label_in(locale)
    return {
        "data-shown-if": f"q_{parent.id}",
        "data-shown-if-values": json.dumps(sorted(question.shown_if_options)),
        "data-condition-hint": condition_hint(question, parent, locale),
        "data-shown-text": _("Question shown: %(question)s", question=label.text),
        "data-hidden-text": _("Question hidden: %(question)s", question=label.text),
    }


def condition_hint(question: Question, parent: Question, locale: str) -> Markup:
    """ "Answer only if you answered “Yes” to “Special diet?”", in the page's language; the
    organiser's words marked with their own language where it is another."""
    parent_label = parent.label_in(locale)
    labels = dict(zip(answer_values(parent), _value_labels(parent, locale), strict=True))
    options_lang = _options_lang(parent, locale)
    shown = [
        _quoted(labels[value], options_lang, locale)
        for value in answer_values(parent)
        if value in question.shown_if_options
    ]
    # CLDR's own words between the quoted parts ("“A”, “B” tai “C”"), escaped by format
    # from a pattern of placeholders.
    pattern = format_list([f"{{{n}}}" for n in range(len(shown))], style="or", locale=locale)
    return escape(_("Answer only if you answered %(answers)s to %(question)s.")) % {
        "answers": escape(pattern).format(*shown),
        "question": _quoted(parent_label.text, parent_label.lang, locale),
    }


def _value_labels(question: Question, locale: str) -> list[str]:
    if question.kind == QuestionKind.YES_NO:
        return [_("Yes"), _("No")]
    return question.option_labels_in(locale)


def _options_lang(question: Question, locale: str) -> str:
    if question.kind == QuestionKind.YES_NO:
        return locale
    translated = question.option_labels_in(locale) != list(question.options)
    return locale if translated else question.event.language


# Quotation marks as each language writes them.
QUOTES = {"fi": ("”", "”"), "sv": ("”", "”"), "en": ("“", "”")}


def _quoted(text: str, lang: str, locale: str) -> Markup:
    start, end = QUOTES.get(locale, QUOTES["en"])
    if lang == locale:
        return Markup("{}{}{}").format(start, text, end)
    return Markup('{}<span lang="{}">{}</span>{}').format(start, lang, text, end)


def link_conditions(event: Event, shown_if: Sequence[tuple[int | None, list[str]]]) -> None:
    """Each of the event's questions (in order, flushed: they have ids) shown only when the
    question at the given position, an earlier one with options, has one of the values;
    (None, []) for a question always asked. A condition that is not sound is dropped."""
    questions = event.questions
    for position, (question, (parent_at, values)) in enumerate(
        zip(questions, shown_if, strict=True)
    ):
        parent = questions[parent_at] if parent_at is not None and parent_at < position else None
        kept = [value for value in values if parent and value in answer_values(parent)]
        question.shown_if_question_id = parent.id if kept else None
        question.shown_if_options = kept


def forget_inapplicable_answers(event: Event) -> int:
    """Answers kept from before a condition was added or changed that it now rules out
    (a diet given by someone who, asked now, would not be asked it): deleted, as no form
    would store them today. Returns how many."""
    conditions = conditions_of(event.questions)
    if not conditions:
        return 0
    involved = set(conditions) | {condition.parent for condition in conditions.values()}
    people: dict[int, dict[int, Any]] = defaultdict(dict)
    ids = {}
    for answer_id, person, question, value in db.session.execute(
        sa.select(Answer.id, Answer.registration_id, Answer.question_id, Answer.value).where(
            Answer.question_id.in_(involved)
        )
    ):
        people[person][question] = value
        ids[person, question] = answer_id
    gone = [
        ids[person, question]
        for person, answers in people.items()
        for question in set(answers) - applicable(conditions, answers)
    ]
    for start in range(0, len(gone), 1000):  # within any database's limit of values
        db.session.execute(sa.delete(Answer).where(Answer.id.in_(gone[start : start + 1000])))
    return len(gone)


def positions_of(questions: Sequence[Question]) -> list[tuple[int | None, list[str]]]:
    """Each question's condition as link_conditions takes it: the earlier question's
    position and the values; what a copy of the event keeps."""
    place = {question.id: position for position, question in enumerate(questions)}
    return [
        (place.get(question.shown_if_question_id), list(question.shown_if_options))
        if question.shown_if_question_id in place
        else (None, [])
        for question in questions
    ]
