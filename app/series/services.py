"""Copying an event, making a series of it, and changing or ending the series: each
occurrence is an event of its own, made and changed through app.organiser.services."""

import copy
from dataclasses import dataclass, fields, replace
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app import clock
from app.accounts.services import role_in
from app.extensions import db
from app.models import (
    Event,
    EventOrganiser,
    EventStatus,
    Organiser,
    OrganiserRole,
    Registration,
    RegistrationStatus,
    Series,
)
from app.organiser.services import (
    APPLIED_FIELDS,
    CapacityBelowConfirmed,
    EventDetails,
    QuestionDetails,
    cancel_event,
    create_event,
    publish_event,
    unique_slug,
    update_event,
)
from app.series.dates import MAX_OCCURRENCES, Rule, latest_date, occurrence_dates
from app.signup.conditions import positions_of

# Moments that keep their distance to the start when an event is copied to another date.
MOVED_WITH_START = (
    "registration_opens_at",
    "registration_closes_at",
    "nominations_open_at",
    "nominations_close_at",
    "invitations_send_at",
    "reply_by",
)
TIME_FIELDS = ("starts_at", "ends_at")


class AlreadyInSeries(Exception):
    """The event is an occurrence of a series already."""


class NotRepeatable(Exception):
    """A cancelled event is not made into a series."""


class DateNotAllowed(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "taken", "past", "too_late", "ended", "full"


class LaterCapacityBelowConfirmed(CapacityBelowConfirmed):
    """A later occurrence has more people with a place than the new capacity."""

    def __init__(self, confirmed: int, occurrence: Event):
        super().__init__(confirmed)
        self.occurrence = occurrence


def may_edit(organiser: Organiser, event: Event) -> bool:
    """The rights of the edit page: the event's owner, its co-organisers and admins."""
    return role_in(organiser, event) in (OrganiserRole.OWNER, OrganiserRole.CO_ORGANISER)


def series_for(organiser: Organiser, series_id: int) -> Series | None:
    """The series if the organiser may edit its first occurrence: a series' rights are
    its first meeting's (every occurrence is made with the same team)."""
    series = db.session.get(Series, series_id)
    if series is None or not series.occurrences or not may_edit(organiser, series.occurrences[0]):
        return None
    return series


def local_date_of(event: Event) -> date:
    return clock.to_local(event.starts_at).date()


def details_of(event: Event) -> EventDetails:
    """Everything the event form sets, as the event has it now; a question's condition by
    the position of the earlier question, so a copy's questions keep theirs."""
    conditions = positions_of(event.questions)
    return EventDetails(
        **{name: copy.deepcopy(getattr(event, name)) for name in APPLIED_FIELDS},
        reminder_minutes=list(event.reminder_minutes),
        questions=[
            QuestionDetails(
                id=question.id,
                label=question.label,
                kind=question.kind,
                hint=question.hint,
                options=list(question.options),
                required=question.required,
                sensitive=question.sensitive,
                translations=copy.deepcopy(question.translations),
                shown_if=shown_if,
                shown_if_options=values,
            )
            for question, (shown_if, values) in zip(event.questions, conditions, strict=True)
        ],
    )


def _wall(moment: datetime) -> datetime:
    """The Helsinki wall-clock time of a moment (naive)."""
    return clock.to_local(moment).replace(tzinfo=None)


def _moved(moment: datetime | None, by: timedelta) -> datetime | None:
    """The moment `by` later on the Helsinki clock: 10.00 stays 10.00 across DST."""
    return None if moment is None else clock.from_local(_wall(moment) + by)


def _copy(source: Event, starts_at: datetime, ends_at: datetime, owner: Organiser) -> Event:
    """A draft with every setting of the source, at a new time; its windows moved with
    its start; no people, no mail."""
    details = details_of(source)
    by = _wall(starts_at) - _wall(source.starts_at)
    details.starts_at, details.ends_at = starts_at, ends_at
    for name in MOVED_WITH_START:
        setattr(details, name, _moved(getattr(details, name), by))
    details.questions = [replace(question, id=None) for question in details.questions]
    event = create_event(owner, details)
    event.region = source.region
    return event


def _bring_team(source: Event, event: Event, owner_id: int) -> None:
    """The source's co-organisers and helpers (its owner, when not the new one, as a
    co-organiser): the team carries over."""
    for link in source.organiser_links:
        if link.organiser_id == owner_id:
            continue
        role = OrganiserRole.CO_ORGANISER if link.role == OrganiserRole.OWNER else link.role
        event.organiser_links.append(EventOrganiser(organiser_id=link.organiser_id, role=role))


def copy_event(source: Event, copier: Organiser, starts_at: datetime, ends_at: datetime) -> Event:
    """A draft copy owned by the copier, with the source's team."""
    event = _copy(source, starts_at, ends_at, copier)
    _bring_team(source, event, copier.id)
    db.session.flush()
    return event


def _owner_of(event: Event) -> Organiser | None:
    return next(
        (link.organiser for link in event.organiser_links if link.role == OrganiserRole.OWNER),
        None,
    )


def times_on(template: Event, day: date) -> tuple[datetime, datetime]:
    """The start and end of a copy of the template on another day, at the same clock time."""
    by = timedelta(days=(day - local_date_of(template)).days)
    return _moved(template.starts_at, by), _moved(template.ends_at, by)


def _occurrence_on(series: Series, template: Event, day: date, made_by: Organiser) -> Event:
    """A copy of the template on another day at the same Helsinki clock time, with the
    same team and status (a published template gives a published occurrence)."""
    owner = _owner_of(template) or made_by
    event = _copy(template, *times_on(template, day), owner)
    _bring_team(template, event, owner.id)
    event.series = series
    if template.status == EventStatus.PUBLISHED:
        publish_event(event)
    db.session.flush()
    return event


def make_series(source: Event, rule: Rule, made_by: Organiser) -> Series:
    """The source as the first occurrence and a copy on each later date of the rule."""
    if source.series_id is not None:
        raise AlreadyInSeries
    if source.status == EventStatus.CANCELLED:
        raise NotRepeatable
    dates = occurrence_dates(local_date_of(source), rule)
    series = Series(
        slug=unique_slug(source.title, Series),
        title=source.title,
        language=source.language,
        translations={
            code: {"title": text["title"]}
            for code, text in source.translations.items()
            if text.get("title")
        },
        rule=rule.as_stored(),
        created_by_id=made_by.id,
    )
    db.session.add(series)
    source.series = series
    for day in dates[1:]:
        _occurrence_on(series, source, day, made_by)
    return series


def add_date(series: Series, day: date, made_by: Organiser) -> Event:
    """One more meeting, a copy of the latest one still on."""
    occurrences = series.occurrences
    if series.ended_at is not None:
        raise DateNotAllowed("ended")
    if len(occurrences) >= MAX_OCCURRENCES:
        raise DateNotAllowed("full")
    if day < clock.to_local(clock.now()).date():
        raise DateNotAllowed("past")
    if day > latest_date(local_date_of(occurrences[0])):
        raise DateNotAllowed("too_late")
    if any(local_date_of(event) == day for event in occurrences):
        raise DateNotAllowed("taken")
    on = [event for event in occurrences if event.status != EventStatus.CANCELLED]
    return _occurrence_on(series, (on or occurrences)[-1], day, made_by)


@dataclass
class OccurrenceRow:
    event: Event
    confirmed: int
    waiting: int


def occurrence_rows(series: Series) -> list[OccurrenceRow]:
    """Each occurrence with its confirmed and waiting people: one query for all."""
    ids = [event.id for event in series.occurrences]
    counted = db.session.execute(
        sa.select(Registration.event_id, Registration.status, sa.func.count())
        .where(Registration.event_id.in_(ids))
        .group_by(Registration.event_id, Registration.status)
    ).all()
    counts = {(event_id, status): number for event_id, status, number in counted}
    return [
        OccurrenceRow(
            event,
            counts.get((event.id, RegistrationStatus.CONFIRMED), 0),
            counts.get((event.id, RegistrationStatus.WAITING), 0),
        )
        for event in series.occurrences
    ]


def later_occurrences(event: Event, after: datetime, organiser: Organiser) -> list[Event]:
    """The occurrences of the event's series after `after` that have not started nor
    been cancelled, and that the organiser may edit."""
    if event.series is None:
        return []
    now = clock.now()
    return [
        other
        for other in event.series.occurrences
        if other.id != event.id
        and other.starts_at > after
        and other.starts_at > now
        and other.status != EventStatus.CANCELLED
        and may_edit(organiser, other)
    ]


def update_this_and_later(event: Event, details: EventDetails, organiser: Organiser) -> list[Event]:
    """Change the occurrence, then the later ones the same way; returns the later ones."""
    before = details_of(event)
    update_event(event, details)
    return apply_to_later(event, before, details, organiser)


def apply_to_later(
    event: Event, before: EventDetails, after: EventDetails, organiser: Organiser
) -> list[Event]:
    """The fields changed on one occurrence (before -> after) changed on the later ones
    too, each through update_event, which tells that occurrence's own people."""
    changed = [
        item.name
        for item in fields(EventDetails)
        if getattr(before, item.name) != getattr(after, item.name)
    ]
    if not changed:
        return []
    later = later_occurrences(event, before.starts_at, organiser)
    for occurrence in later:
        details = _changed_details(occurrence, before, after, changed)
        try:
            update_event(occurrence, details)
        except CapacityBelowConfirmed as exc:
            raise LaterCapacityBelowConfirmed(exc.confirmed, occurrence) from exc
    return later


def _changed_details(
    occurrence: Event, before: EventDetails, after: EventDetails, changed: list[str]
) -> EventDetails:
    details = details_of(occurrence)
    moved = set(changed) & set(TIME_FIELDS)
    for name in changed:
        if name == "questions":
            details.questions = _questions_for(occurrence, before.questions, after.questions)
        elif name not in TIME_FIELDS and name not in MOVED_WITH_START:
            setattr(details, name, copy.deepcopy(getattr(after, name)))
    if moved:
        # The new clock time on the occurrence's own date, and the same length.
        start = datetime.combine(_wall(occurrence.starts_at).date(), _wall(after.starts_at).time())
        details.starts_at = clock.from_local(start)
        details.ends_at = clock.from_local(start + (_wall(after.ends_at) - _wall(after.starts_at)))
    for name in MOVED_WITH_START:
        if moved or name in changed:
            value = getattr(after, name)
            setattr(
                details,
                name,
                None
                if value is None
                else clock.from_local(
                    _wall(details.starts_at) + (_wall(value) - _wall(after.starts_at))
                ),
            )
    return details


def _questions_for(
    occurrence: Event, before: list[QuestionDetails], after: list[QuestionDetails]
) -> list[QuestionDetails]:
    """The changed questions, each on the occurrence's question in the same place as the
    one it was on this occurrence, so answers already given stay with their question."""
    place = {question.id: position for position, question in enumerate(before)}
    own = occurrence.questions
    wanted = []
    for question in after:
        position = place.get(question.id)
        own_id = own[position].id if position is not None and position < len(own) else None
        wanted.append(replace(question, id=own_id))
    return wanted


@dataclass
class Ending:
    meetings: list[Event]
    people: int


def ending(series: Series, after_day: date, organiser: Organiser) -> Ending:
    """What ending the series after a date cancels: the meetings still on and still to
    come (one held is never cancelled afterwards), and their people."""
    now = clock.now()
    meetings = [
        event
        for event in series.occurrences
        if local_date_of(event) > after_day
        and event.starts_at > now
        and event.status != EventStatus.CANCELLED
        and may_edit(organiser, event)
    ]
    people = 0
    if meetings:
        people = db.session.scalar(
            sa.select(sa.func.count()).where(
                Registration.event_id.in_([event.id for event in meetings]),
                Registration.status != RegistrationStatus.CANCELLED,
            )
        )
    return Ending(meetings, people)


def end_series(series: Series, after_day: date, organiser: Organiser) -> tuple[int, int]:
    """No more meetings after the date: each cancelled through cancel_event (its people
    mailed as for any cancelled event). Returns (meetings cancelled, people told)."""
    meetings = ending(series, after_day, organiser).meetings
    series.ended_at = clock.now()
    told = sum(cancel_event(event) for event in meetings)
    return len(meetings), told
