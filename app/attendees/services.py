"""The organiser's view of who signed up: search, counts and a summary of answers."""

from collections import Counter
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.attendance.services import note_arrival
from app.collation import surname_first_key
from app.database import contains
from app.extensions import db
from app.models import Answer, Event, Question, QuestionKind, Registration, RegistrationStatus
from app.places import modes
from app.places.services import QUEUE_KEY

PAGE_SIZE = 100
# Those coming first by name, then those holding an offer of a place, then those waiting
# in queue order, then those who cancelled.
_LIST_ORDER = (
    sa.case(
        (Registration.status == RegistrationStatus.CONFIRMED, 0),
        (Registration.status == RegistrationStatus.OFFERED, 1),
        (Registration.status == RegistrationStatus.WAITING, 2),
        else_=3,
    ),
    sa.case((Registration.status == RegistrationStatus.WAITING, QUEUE_KEY), else_=0),
    sa.func.lower(Registration.name),
    Registration.id,
)


def attendee_page(event: Event, *, search: str = "", status: str = "", page: int = 1):
    query = (
        sa.select(Registration)
        .where(Registration.event_id == event.id)
        .options(selectinload(Registration.answers))
        .order_by(*_LIST_ORDER)
    )
    # Values, not `in RegistrationStatus`: on Python 3.11 a str there raises TypeError.
    if status in {member.value for member in RegistrationStatus}:
        query = query.where(Registration.status == RegistrationStatus(status))
    if search:
        columns = (Registration.name, Registration.email_normalised, Registration.organisation)
        query = query.where(sa.or_(*(contains(column, search) for column in columns)))
    return db.paginate(query, page=page, per_page=PAGE_SIZE, error_out=False)


def door_list(event: Event) -> list[Registration]:
    """Everyone with a place, by surname: the list to tick at the door. At a hybrid event
    those who come in person (app.places.modes): the others do not come to the door."""
    people = check_in_list(event)
    if modes.is_hybrid(event):
        return [person for person in people if modes.mode_of(person) == modes.IN_PERSON]
    return people


def check_in_list(event: Event, search: str = "") -> list[Registration]:
    """Those with a place, by surname as the door list, for marking arrivals; a search
    narrows it by name.

    Sorted here, not by the database: neither SQLite nor PostgreSQL (without a Finnish
    collation installed) puts å, ä and ö after z."""
    query = sa.select(Registration).where(
        Registration.event_id == event.id,
        Registration.status == RegistrationStatus.CONFIRMED,
    )
    if search.strip():
        query = query.where(contains(Registration.name, search))
    people = db.session.scalars(query.order_by(Registration.id))
    return sorted(people, key=lambda person: surname_first_key(person.name))


def arrivals(event: Event) -> tuple[int, int]:
    """(arrived, with a place): one query for the count at the top of the check-in page."""
    arrived, total = db.session.execute(
        sa.select(
            sa.func.count(Registration.checked_in_at),
            sa.func.count(Registration.id),
        ).where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    ).one()
    return arrived, total


def mark_arrival(event: Event, registration_id: int, *, arrived: bool, at) -> Registration | None:
    """Arrived, or not after all (a mistaken tick); only someone with a place here."""
    registration = db.session.scalar(
        sa.select(Registration).where(
            Registration.id == registration_id,
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    )
    if registration is not None:
        registration.checked_in_at = at if arrived else None
        note_arrival(registration, arrived=arrived, at=at)
    return registration


@dataclass
class QuestionSummary:
    question: Question
    # Choice questions: (option, count) in the organiser's order. Text: distinct answers.
    counts: list[tuple[str, int]] = field(default_factory=list)
    texts: list[tuple[str, int]] = field(default_factory=list)
    answered: int = 0
    # A sensitive question's written answers, not asked for: only how many answered.
    texts_withheld: bool = False


def answer_summary(event: Event, *, sensitive: bool) -> list[QuestionSummary]:
    """Answers of confirmed people only: the ones who are coming. What they wrote to a
    sensitive question only when asked for (`sensitive`, audited by the caller); else
    only how many answered it."""
    rows = db.session.execute(
        sa.select(Answer.question_id, Answer.value)
        .join(Registration)
        .where(
            Registration.event_id == event.id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    ).all()
    by_question: dict[int, list] = {}
    for question_id, value in rows:
        by_question.setdefault(question_id, []).append(value)
    return [
        _summarise(question, by_question.get(question.id, []), sensitive=sensitive)
        for question in event.questions
    ]


def _summarise(question: Question, values: list, *, sensitive: bool) -> QuestionSummary:
    summary = QuestionSummary(question)
    tally: Counter = Counter()
    for value in values:
        if value in (None, "", []):
            continue
        summary.answered += 1
        tally.update(value if isinstance(value, list) else [value])
    if question.kind == QuestionKind.YES_NO:
        summary.counts = [("yes", tally[True]), ("no", tally[False])]
    elif question.is_choice:
        summary.counts = [(option, tally[option]) for option in question.options]
    elif question.sensitive and not sensitive:
        summary.texts_withheld = True
    else:
        summary.texts = sorted(tally.items(), key=lambda item: (-item[1], item[0].casefold()))
    return summary
