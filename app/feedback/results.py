"""An event's feedback results for its organisers, the export's rows, and a series'
occurrences side by side."""

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from flask_babel import gettext as _

from app import clock
from app.extensions import db
from app.feedback.services import TEXT_KINDS, Scores, feedback_scores, question_label
from app.feedback.settings import settings_or_defaults
from app.models import (
    Event,
    FeedbackQuestionKind,
    FeedbackResponse,
    FeedbackSettings,
    Registration,
)


@dataclass
class QuestionResult:
    question: dict
    counts: list[tuple[str, int]] = field(default_factory=list)  # choices, in order
    texts: list[str] = field(default_factory=list)  # written answers

    @property
    def is_text(self) -> bool:
        return self.question["kind"] in TEXT_KINDS


@dataclass
class Comment:
    text: str
    score: int
    name: str | None  # only when the feedback is not anonymous


@dataclass
class Results:
    settings: FeedbackSettings
    responses: int
    average: float | None
    distribution: list[tuple[int, int]]  # (score, how many), 1-5
    recommend_yes: int
    recommend_no: int
    questions: list[QuestionResult]
    comments: list[Comment]

    @property
    def rate(self) -> float | None:
        asked = self.settings.asked
        return self.responses / asked if asked else None

    @property
    def recommend_share(self) -> float | None:
        said = self.recommend_yes + self.recommend_no
        return self.recommend_yes / said if said else None


def results(event: Event) -> Results:
    settings = settings_or_defaults(event)
    rows = _responses(event.id)
    scores = Counter(response.score for response, _name in rows)
    recommends = Counter(response.would_recommend for response, _name in rows)
    return Results(
        settings=settings,
        responses=len(rows),
        average=sum(scores.elements()) / len(rows) if rows else None,
        distribution=[(score, scores[score]) for score in range(1, 6)],
        recommend_yes=recommends[True],
        recommend_no=recommends[False],
        questions=[_question_result(q, rows) for q in settings.questions or []],
        comments=[
            Comment(response.comment, response.score, None if settings.anonymous else name)
            for response, name in rows
            if response.comment
        ],
    )


def _responses(event_id: int) -> list[tuple[FeedbackResponse, str | None]]:
    query = (
        sa.select(FeedbackResponse, Registration.name)
        .outerjoin(Registration, Registration.id == FeedbackResponse.registration_id)
        .where(FeedbackResponse.event_id == event_id)
        .order_by(FeedbackResponse.id)
    )
    return [(response, name) for response, name in db.session.execute(query)]


def _question_result(question: dict, rows) -> QuestionResult:
    key = str(question["id"])
    given = [response.answers.get(key) for response, _name in rows]
    given = [value for value in given if value is not None and value != ""]
    result = QuestionResult(question)
    if result.is_text:
        result.texts = [str(value) for value in given]
    elif question["kind"] == FeedbackQuestionKind.YES_NO:
        counted = Counter(given)
        result.counts = [(_("Yes"), counted[True]), (_("No"), counted[False])]
    else:
        counted = Counter(given)
        result.counts = [(option, counted[option]) for option in question["options"]]
    return result


def response_rows(
    event: Event, settings: FeedbackSettings, locale: str, connection: sa.Connection
) -> Iterator[list[str]]:
    """The header, then one row per response: names only when not anonymous."""
    # Read now: the rows after the first are read once the request's session is gone.
    questions = list(settings.questions or [])
    anonymous = settings.anonymous
    named = not anonymous
    yes_no = {True: _("Yes"), False: _("No"), None: ""}
    yield [
        *([_("Name")] if named else []),
        _("Score (1–5)"),
        _("Would recommend"),
        _("Comment"),
        *(question_label(question, event, locale).text for question in questions),
        _("Answered on"),
    ]
    query = (
        sa.select(
            Registration.name,
            FeedbackResponse.score,
            FeedbackResponse.would_recommend,
            FeedbackResponse.comment,
            FeedbackResponse.answers,
            FeedbackResponse.updated_at,
        )
        .outerjoin(Registration, Registration.id == FeedbackResponse.registration_id)
        .where(FeedbackResponse.event_id == event.id)
        .order_by(FeedbackResponse.id)
    )
    for name, score, recommend, comment, answers, updated_at in connection.execute(query):
        yield [
            *([name or ""] if named else []),
            str(score),
            yes_no[recommend],
            comment,
            *(_answer(answers.get(str(q["id"])), yes_no) for q in questions),
            _answered(updated_at, anonymous=anonymous),
        ]


def _answer(value, yes_no: dict) -> str:
    if isinstance(value, bool) or value is None:
        return yes_no[value]
    return str(value)


def _answered(moment: datetime, *, anonymous: bool) -> str:
    """The day only when anonymous: that is all that is kept."""
    local = clock.to_local(moment)
    return f"{local:%Y-%m-%d}" if anonymous else f"{local:%Y-%m-%d %H:%M}"


@dataclass
class Occurrence:
    event: Event
    scores: Scores | None


def series_scores(events: list[Event]) -> list[Occurrence]:
    """A series' occurrences with their feedback scores, in order of time."""
    scores = feedback_scores([event.id for event in events])
    ordered = sorted(events, key=lambda event: event.starts_at)
    return [Occurrence(event, scores.get(event.id)) for event in ordered]
