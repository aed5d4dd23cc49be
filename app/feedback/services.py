"""The personal feedback form's answers, an event's scores for reports, and forgetting.

An anonymous response has no registration_id. It is found again only by response_key, a
keyed hash of the raw link made differently from the link's own stored hash (Token.hash),
and its times are rounded to the day: nothing stored ties it to the person."""

import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, time
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm.attributes import flag_modified

from app import clock
from app.extensions import db
from app.models import (
    Event,
    FeedbackQuestionKind,
    FeedbackResponse,
    FeedbackSettings,
    Registration,
    Token,
    TokenPurpose,
)
from app.models.content import Shown, translated
from app.tokens import find_valid_token

RESPONSE_KEY_LABEL = b"kutsu feedback response key"
COMMENT_LENGTH = 4000
ANSWER_LENGTH = 2000
TEXT_KINDS = {FeedbackQuestionKind.SHORT_TEXT, FeedbackQuestionKind.LONG_TEXT}


def response_key(raw: str) -> str:
    """HMAC-SHA-256 of the raw link under the app's secret: not Token.hash (SHA-256), so
    the stored token and the stored response cannot be matched without the link."""
    secret = current_app.config["SECRET_KEY"].encode()
    keyed = hmac.new(secret, RESPONSE_KEY_LABEL, hashlib.sha256).digest()
    return hmac.new(keyed, raw.encode("ascii"), hashlib.sha256).hexdigest()


@dataclass
class FeedbackLink:
    """What a person's feedback link opens: their event's form, and their answer so far."""

    token: Token
    settings: FeedbackSettings
    response: FeedbackResponse | None

    @property
    def event(self) -> Event:
        return self.settings.event

    @property
    def closed(self) -> bool:
        return clock.now() >= self.settings.closes_at


def open_link(raw: str) -> FeedbackLink | None:
    """The form behind a raw link, or None: unknown, expired, or feedback turned off."""
    token = find_valid_token(raw, TokenPurpose.FEEDBACK)
    if token is None or token.registration is None:
        return None
    settings = db.session.get(FeedbackSettings, token.registration.event_id)
    if settings is None or not settings.enabled:
        return None
    return FeedbackLink(token, settings, _response(settings, token, raw))


def _response(settings: FeedbackSettings, token: Token, raw: str) -> FeedbackResponse | None:
    if settings.anonymous:
        found = FeedbackResponse.response_key == response_key(raw)
    else:
        found = FeedbackResponse.registration_id == token.registration_id
    query = sa.select(FeedbackResponse).where(FeedbackResponse.event_id == settings.event_id)
    return db.session.scalar(query.where(found))


def save_response(
    link: FeedbackLink,
    raw: str,
    *,
    score: int,
    would_recommend: bool | None,
    comment: str,
    answers: dict[str, Any],
) -> FeedbackResponse:
    """Store or change the person's one response (the caller checked it is not closed)."""
    response = link.response
    if response is None:
        response = FeedbackResponse(event_id=link.settings.event_id, answers={})
        if link.settings.anonymous:
            response.response_key = response_key(raw)
        else:
            response.registration_id = link.token.registration_id
        db.session.add(response)
    response.score = score
    response.would_recommend = would_recommend
    response.comment = comment[:COMMENT_LENGTH]
    response.answers = _kept_answers(link.settings.questions, answers)
    if link.settings.anonymous:  # to the day: no moment to match with the mail's
        today = datetime.combine(clock.now().date(), time(0), tzinfo=UTC)
        response.created_at = response.created_at or today
        response.updated_at = today
        flag_modified(response, "updated_at")  # written even when unchanged: no onupdate
    db.session.flush()
    link.response = response
    return response


def _kept_answers(questions: list[dict], answers: dict[str, Any]) -> dict[str, Any]:
    """Only answers to the event's questions, each a value the question allows."""
    kept: dict[str, Any] = {}
    for question in questions:
        key = str(question["id"])
        value = answers.get(key)
        kind = question["kind"]
        yes_no = kind == FeedbackQuestionKind.YES_NO and isinstance(value, bool)
        if yes_no or (kind == FeedbackQuestionKind.SINGLE_CHOICE and value in question["options"]):
            kept[key] = value
        elif kind in TEXT_KINDS and isinstance(value, str) and value.strip():
            kept[key] = value.strip()[:ANSWER_LENGTH]
    return kept


def question_label(question: dict, event: Event, locale: str) -> Shown:
    return translated(
        question.get("translations"), event.language, locale, "label", question["label"]
    )


def option_labels(question: dict, event: Event, locale: str) -> list[str]:
    """The options in the visitor's language, when all of them are translated."""
    given = (question.get("translations") or {}).get(locale, {}).get("options") or []
    options = question.get("options") or []
    if locale != event.language and len(given) == len(options):
        return list(given)
    return list(options)


class Scores(NamedTuple):
    responses: int
    average: float | None
    recommend_yes: int
    recommend_no: int

    @property
    def score_sum(self) -> int:
        """The scores added up (they are whole numbers): for averages over several events."""
        return round((self.average or 0) * self.responses)


def feedback_scores(event_ids: list[int]) -> dict[int, Scores]:
    """Each event's count of responses, average score and recommendations (for reports):
    what the retention purge keeps. Events without responses are left out."""
    if not event_ids:
        return {}
    recommends = FeedbackResponse.would_recommend
    query = (
        sa.select(
            FeedbackResponse.event_id,
            sa.func.count(),
            sa.func.avg(FeedbackResponse.score),
            sa.func.count().filter(recommends.is_(True)),
            sa.func.count().filter(recommends.is_(False)),
        )
        .where(FeedbackResponse.event_id.in_(event_ids))
        .group_by(FeedbackResponse.event_id)
    )
    return {
        event_id: Scores(count, float(average) if average is not None else None, yes, no)
        for event_id, count, average, yes, no in db.session.execute(query)
    }


def feedback_given(registration: Registration) -> dict | None:
    """The person's own response, for their data export (GDPR art. 15): the organisers'
    questions by their wording. An anonymous response is tied to no one, so never here."""
    response = db.session.scalar(
        sa.select(FeedbackResponse).where(FeedbackResponse.registration_id == registration.id)
    )
    if response is None:
        return None
    settings = db.session.get(FeedbackSettings, response.event_id)
    labels = {str(q["id"]): q["label"] for q in (settings.questions if settings else [])}
    return {
        "score": response.score,
        "would_recommend": response.would_recommend,
        "comment": response.comment,
        "answers": {labels.get(key, key): value for key, value in (response.answers or {}).items()},
        "answered_at": response.updated_at.isoformat(),
    }


def forget_feedback_of(registrations) -> None:
    """The retention purge's and a person's erasure: their responses are no longer linked
    to them and lose their free text; scores and choices stay, for the counts. Anonymous
    responses lose theirs when everyone of the event who could have written them is being
    forgotten (the event's purge, or its only person's erasure). `registrations`: ids, or
    a select of them."""
    ids = registrations if isinstance(registrations, sa.Select) else list(registrations)
    linked = FeedbackResponse.registration_id.in_(ids)
    others_left = (
        sa.select(Registration.id)
        .where(Registration.event_id == FeedbackResponse.event_id, Registration.id.not_in(ids))
        .exists()
    )
    touched = sa.select(Registration.event_id).where(Registration.id.in_(ids))
    anonymous = sa.and_(
        FeedbackResponse.registration_id.is_(None),
        FeedbackResponse.event_id.in_(touched),
        ~others_left,
    )
    for response in db.session.scalars(sa.select(FeedbackResponse).where(linked | anonymous)):
        response.registration_id = None
        response.response_key = None
        response.comment = ""
        response.answers = _without_text(response)
    db.session.flush()


def _without_text(response: FeedbackResponse) -> dict[str, Any]:
    """Choices and yes/no answers stay; what was written goes."""
    return {
        key: value
        for key, value in (response.answers or {}).items()
        if isinstance(value, bool) or _is_choice(response, key)
    }


def _is_choice(response: FeedbackResponse, key: str) -> bool:
    settings = db.session.get(FeedbackSettings, response.event_id)
    questions = {str(q["id"]): q for q in (settings.questions if settings else [])}
    question = questions.get(key)
    return question is not None and question["kind"] == FeedbackQuestionKind.SINGLE_CHOICE
