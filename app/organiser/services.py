"""What organisers do to events: create, edit, publish, cancel, share."""

import re
import secrets
import unicodedata
from dataclasses import dataclass, field, fields
from datetime import datetime

import sqlalchemy as sa

from app import clock
from app.database import counts_by
from app.extensions import db
from app.invitations.services import reschedule_invitations
from app.mail.outbox import queue_email, queue_registration_email
from app.mail.schedule import replan_event_reminders
from app.models import (
    Event,
    EventFormat,
    EventOrganiser,
    EventStatus,
    GroupRule,
    Organiser,
    OrganiserRole,
    Participation,
    Question,
    QuestionKind,
    Registration,
    RegistrationStatus,
)
from app.places.services import promote_from_waiting_list
from app.signup.conditions import forget_inapplicable_answers, link_conditions


@dataclass
class QuestionDetails:
    id: int | None
    label: str
    kind: QuestionKind
    hint: str = ""
    options: list[str] = field(default_factory=list)
    required: bool = False
    sensitive: bool = False
    # Other languages: {"sv": {"label": ..., "hint": ..., "options": [...]}}.
    translations: dict = field(default_factory=dict)
    # Asked only when the question at this position (an earlier one, with options) has
    # one of these answers (app.signup.conditions).
    shown_if: int | None = None
    shown_if_options: list[str] = field(default_factory=list)


@dataclass
class EventDetails:
    title: str
    starts_at: datetime
    ends_at: datetime
    format: EventFormat
    description: str = ""
    venue_name: str = ""
    venue_address: str = ""
    # A wellbeing services county (app.nominations.regions), "" for the whole country.
    region: str = ""
    join_link: str = ""
    capacity: int | None = None
    # A hybrid event's online places (app.places.modes); capacity is then the in-person ones.
    online_capacity: int | None = None
    waiting_list: bool = True
    registration_opens_at: datetime | None = None
    registration_closes_at: datetime | None = None
    contact_email: str = ""
    privacy_notice: str = ""
    # Days after the event until its people's personal data is erased.
    retention_days: int = 90
    # The language of the text above; the others in `translations`:
    # {"sv": {"title": ..., "description": ...}}.
    language: str = "fi"
    translations: dict = field(default_factory=dict)
    questions: list[QuestionDetails] = field(default_factory=list)
    # Minutes before the start; None: two days before, and one hour before when online.
    reminder_minutes: list[int] | None = None
    # Workshops: participation by invitation, participants proposed through nominations.
    participation: Participation = Participation.OPEN
    nominations_open_at: datetime | None = None
    nominations_close_at: datetime | None = None
    nominees_per_organisation: int | None = None
    self_nomination: bool = False
    themes: list[str] = field(default_factory=list)
    invitations_send_at: datetime | None = None
    reply_by: datetime | None = None
    invitation_reminder_days: int = 3
    # Groups (app.places.groups): up to this many people in one sign-up; 1 is no groups.
    group_size_max: int = 1
    group_rule: GroupRule = GroupRule.TOGETHER
    # Sign-ups wait for an organiser's approval (app.places.approval).
    requires_approval: bool = False
    # Timed offers from the waiting list (app.places.offers): hours; None: promote at once.
    offer_hours: int | None = None
    # The sign-up form asks each person's wellbeing services county (app.reports).
    asks_region: bool = False


# Copied as they are from the details to the event.
APPLIED_FIELDS = [
    item.name for item in fields(EventDetails) if item.name not in ("questions", "reminder_minutes")
]


def default_reminder_minutes(format: EventFormat) -> list[int]:
    return [2 * 24 * 60] if format == EventFormat.IN_PERSON else [2 * 24 * 60, 60]


# What people are told about when it changes, with a new calendar entry.
NOTIFIED_FIELDS = {
    "time": ("starts_at", "ends_at"),
    "place": ("format", "venue_name", "venue_address"),
    "link": ("join_link",),
}


class CapacityBelowConfirmed(Exception):
    """Fewer places than people who already have one: nobody loses a place silently.
    field: the form's field of those places (a hybrid event's online ones apart)."""

    def __init__(self, confirmed: int, field: str = "capacity"):
        super().__init__(confirmed)
        self.confirmed = confirmed
        self.field = field


def create_event(owner: Organiser, details: EventDetails) -> Event:
    event = Event(slug=unique_slug(details.title), status=EventStatus.DRAFT)
    event.organiser_links.append(EventOrganiser(organiser=owner, role=OrganiserRole.OWNER))
    _apply(event, details)
    db.session.add(event)
    db.session.flush()
    _link_conditions(event, details)
    return event


def update_event(event: Event, details: EventDetails) -> None:
    """Change an event; raised capacity gives seats to the waiting list at once."""
    if details.capacity is not None and details.capacity < event.confirmed_count:
        raise CapacityBelowConfirmed(event.confirmed_count)
    online = details.online_capacity
    if online is not None and online < event.online_confirmed_count:
        raise CapacityBelowConfirmed(event.online_confirmed_count, "online_capacity")
    before = {name: getattr(event, name) for name in ("starts_at", "reminder_minutes")}
    invitation_times = (event.invitations_send_at, event.reply_by, event.invitation_reminder_days)
    changed = _notified_changes(event, details)
    _apply(event, details)
    db.session.flush()
    _link_conditions(event, details)
    if event.status != EventStatus.PUBLISHED:
        return
    promote_from_waiting_list(event)
    if changed:
        _tell_about_changes(event, changed)
    if any(getattr(event, name) != value for name, value in before.items()):
        replan_event_reminders(event)
    if invitation_times != (
        event.invitations_send_at,
        event.reply_by,
        event.invitation_reminder_days,
    ):
        reschedule_invitations(event)


def _notified_changes(event: Event, details: EventDetails) -> list[str]:
    return [
        what
        for what, names in NOTIFIED_FIELDS.items()
        if any(getattr(event, name) != getattr(details, name) for name in names)
    ]


def _tell_about_changes(event: Event, changed: list[str]) -> None:
    """A new SEQUENCE, and an email with a new calendar entry to everyone still coming."""
    event.sequence += 1
    people = db.session.scalars(
        sa.select(Registration).where(
            Registration.event_id == event.id,
            Registration.status != RegistrationStatus.CANCELLED,
        )
    ).all()
    for registration in people:
        queue_email(
            "event_updated",
            recipient=registration.email,
            locale=registration.locale,
            dedupe_key=f"event_updated:{registration.id}:{event.sequence}",
            event=event,
            registration=registration,
            payload={"changed": changed},
        )


def _apply(event: Event, details: EventDetails) -> None:
    event.reminder_minutes = (
        details.reminder_minutes
        if details.reminder_minutes is not None
        else default_reminder_minutes(details.format)
    )
    for name in APPLIED_FIELDS:
        setattr(event, name, getattr(details, name))
    _apply_questions(event, details.questions)


def _apply_questions(event: Event, wanted: list[QuestionDetails]) -> None:
    # Questions keep their ids so answers already given stay attached to them.
    existing = {question.id: question for question in event.questions}
    kept = []
    for position, details in enumerate(wanted):
        question = existing.get(details.id) or Question(kind=details.kind)
        question.position = position
        question.label = details.label
        question.hint = details.hint
        question.kind = details.kind
        question.options = details.options if question.is_choice else []
        question.required = details.required
        question.sensitive = details.sensitive
        question.translations = details.translations
        kept.append(question)
    event.questions = kept


def _link_conditions(event: Event, details: EventDetails) -> None:
    """The questions' conditions, by position: a new question has its id only now."""
    link_conditions(
        event, [(question.shown_if, question.shown_if_options) for question in details.questions]
    )
    db.session.flush()
    forget_inapplicable_answers(event)


def unique_slug(title: str, model=Event) -> str:
    """An address for a new event (or series, `model`): its title in ASCII, made unique."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    base = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:60] or "event"
    while True:
        slug = f"{base}-{secrets.token_hex(3)}"
        if db.session.scalar(sa.select(model.id).where(model.slug == slug)) is None:
            return slug


def publish_event(event: Event) -> None:
    if event.status == EventStatus.DRAFT:
        event.status = EventStatus.PUBLISHED
        event.published_at = clock.now()
        replan_event_reminders(event)


def cancel_event(event: Event) -> int:
    """Cancel the event and tell everyone who signed up; returns how many were told."""
    # PostgreSQL: the row locked FOR UPDATE, which waits for every sign-up still being
    # written (each holds it FOR KEY SHARE, app.signup.storage) and makes later ones wait
    # for this to commit; SQLite's write lock does both already.
    db.session.refresh(event, with_for_update=True)
    if event.status == EventStatus.CANCELLED:
        return 0
    event.status = EventStatus.CANCELLED
    event.cancelled_at = clock.now()
    event.sequence += 1
    # Written before the people are read, so every sign-up committed before the lock above
    # is found below, and every later one finds the event cancelled and is refused. Those
    # the organisers did not approve were told so already, and are not coming.
    db.session.flush()
    people = db.session.scalars(
        sa.select(Registration).where(
            Registration.event_id == event.id,
            Registration.status.not_in([RegistrationStatus.CANCELLED, RegistrationStatus.DECLINED]),
        )
    ).all()
    for registration in people:
        had_place = registration.status in (
            RegistrationStatus.CONFIRMED,
            RegistrationStatus.OFFERED,
        )
        queue_registration_email("event_cancelled", registration, payload={"had_place": had_place})
    return len(people)


def registration_counts(event: Event) -> dict[RegistrationStatus, int]:
    return counts_by(Registration.status, Registration.event_id == event.id, RegistrationStatus)
