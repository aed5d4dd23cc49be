"""Organisers, events and their sign-up questions."""

from datetime import datetime

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.content import Shown, translated
from app.models.types import (
    AccountRole,
    EventFormat,
    EventStatus,
    GroupRule,
    OrganiserRole,
    Participation,
    QuestionKind,
    UTCDateTime,
    _enum,
    default_reminders,
)


class Organiser(UserMixin, db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    password_hash: Mapped[str] = mapped_column(sa.String(200))
    is_admin: Mapped[bool] = mapped_column(default=False)
    # A check-in helper account: in any event at most a helper (app.accounts.services.role_in),
    # and makes no events of its own. Never set together with is_admin.
    check_in_only: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    # Two-step sign-in (app.accounts.two_step): the TOTP secret, never logged nor exported;
    # the last time step a code was accepted for, so that no code is taken twice.
    totp_secret: Mapped[str | None] = mapped_column(sa.String(64))
    totp_last_step: Mapped[int | None] = mapped_column(sa.BigInteger)
    two_step_since: Mapped[datetime | None] = mapped_column(UTCDateTime)

    @property
    def has_two_step(self) -> bool:
        return self.two_step_since is not None

    @property
    def account_role(self) -> AccountRole:
        if self.is_admin:
            return AccountRole.ADMIN
        return AccountRole.HELPER if self.check_in_only else AccountRole.ORGANISER

    @property
    def is_active(self) -> bool:
        return self.active

    # The raw id of the sign-in session this request belongs to (app.auth.sessions): what
    # Flask-Login keeps in the session cookie. Set on sign-in and when a session is loaded.
    sign_in_id = None  # str: not a column

    def get_id(self) -> str | None:
        return self.sign_in_id


class EventOrganiser(db.Model):
    event_id: Mapped[int] = mapped_column(
        sa.ForeignKey("event.id", ondelete="CASCADE"), primary_key=True
    )
    organiser_id: Mapped[int] = mapped_column(
        sa.ForeignKey("organiser.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[OrganiserRole] = mapped_column(_enum(OrganiserRole, "organiser_role"))
    added_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)

    organiser: Mapped[Organiser] = relationship(lazy="joined")
    event: Mapped["Event"] = relationship(back_populates="organiser_links")


class EventRules:
    """What an event allows at a moment, from its columns alone: the same on a loaded
    Event and on its row read without the ORM (app.events.services.EventRow), which a
    sign-up uses."""

    @property
    def seats_left(self) -> int | None:
        if self.capacity is None:
            return None
        return max(self.capacity - self.confirmed_count, 0)

    @property
    def places_left(self) -> int | None:
        """Every place left: a hybrid event's in person and online together (app.places.modes);
        None for no limit."""
        if self.format != EventFormat.HYBRID:
            return self.seats_left
        if self.seats_left is None or self.online_capacity is None:
            return None
        return self.seats_left + max(self.online_capacity - self.online_confirmed_count, 0)

    def is_full_without_waiting_list(self) -> bool:
        """Every place taken and no waiting list: a sign-up, or an invitation accepted,
        could only be refused."""
        return self.places_left == 0 and not self.waiting_list

    def registration_is_open(self, at: datetime) -> bool:
        return self._window_is_open(
            Participation.OPEN, self.registration_opens_at, self.registration_closes_at, at
        )

    def nominations_are_open(self, at: datetime) -> bool:
        return self._window_is_open(
            Participation.INVITATION, self.nominations_open_at, self.nominations_close_at, at
        )

    def _window_is_open(self, participation, opens_at, closes_at, at: datetime) -> bool:
        """Published, taking part this way, and between the opening and the closing (by
        default the start)."""
        if self.status != EventStatus.PUBLISHED or self.participation != participation:
            return False
        if opens_at and at < opens_at:
            return False
        return at < (closes_at or self.starts_at)


class Event(EventRules, db.Model):
    __table_args__ = (
        sa.CheckConstraint("ends_at > starts_at", name="ends_after_start"),
        sa.CheckConstraint("capacity IS NULL OR capacity > 0", name="capacity_positive"),
        sa.CheckConstraint("confirmed_count >= 0", name="confirmed_not_negative"),
        sa.CheckConstraint(
            "online_capacity IS NULL OR online_capacity > 0", name="online_capacity_positive"
        ),
        sa.CheckConstraint("online_confirmed_count >= 0", name="online_confirmed_not_negative"),
        sa.CheckConstraint("group_size_max >= 1", name="group_size_max_positive"),
        sa.CheckConstraint("offer_hours IS NULL OR offer_hours > 0", name="offer_hours_positive"),
        sa.Index("ix_event_status_starts_at", "status", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(80), unique=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    format: Mapped[EventFormat] = mapped_column(_enum(EventFormat, "event_format"))
    venue_name: Mapped[str] = mapped_column(sa.String(200), default="")
    venue_address: Mapped[str] = mapped_column(sa.String(300), default="")
    # Sent only to confirmed people; never rendered on a public page.
    join_link: Mapped[str] = mapped_column(sa.String(500), default="")
    capacity: Mapped[int | None]
    waiting_list: Mapped[bool] = mapped_column(default=True)
    # Kept in step by one conditional UPDATE, so capacity holds under concurrency. In a
    # hybrid event these two are the in-person places; the online ones are below.
    confirmed_count: Mapped[int] = mapped_column(default=0)
    # A hybrid event's online places (app.places): None is no limit (the usual case).
    online_capacity: Mapped[int | None]
    online_confirmed_count: Mapped[int] = mapped_column(default=0, server_default="0")
    # Groups: one contact person signs up themselves and others, up to this many people in
    # all; 1 is no groups. group_rule: what happens when a group does not fit.
    group_size_max: Mapped[int] = mapped_column(default=1, server_default="1")
    group_rule: Mapped[GroupRule] = mapped_column(
        _enum(GroupRule, "group_rule"), default=GroupRule.TOGETHER, server_default="together"
    )
    # Sign-ups wait for an organiser's approval (status pending); a place is taken only
    # when approved.
    requires_approval: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # A freed place is offered to the first person waiting, to accept within this many
    # hours (shorter when the event is near); None: given to them at once, as before.
    offer_hours: Mapped[int | None]
    registration_opens_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    registration_closes_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    contact_email: Mapped[str] = mapped_column(sa.String(254), default="")
    privacy_notice: Mapped[str] = mapped_column(sa.Text, default="")
    participation: Mapped[Participation] = mapped_column(
        _enum(Participation, "participation"), default=Participation.OPEN
    )
    status: Mapped[EventStatus] = mapped_column(
        _enum(EventStatus, "event_status"), default=EventStatus.DRAFT
    )
    # The language title, description and questions are written in; `translations` holds
    # the other languages: {"sv": {"title": ..., "description": ...}}.
    language: Mapped[str] = mapped_column(sa.String(5), default="fi")
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    retention_days: Mapped[int] = mapped_column(default=90)
    # Workshops: participation by invitation, people proposed through nominations.
    nominations_open_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    nominations_close_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    nominees_per_organisation: Mapped[int | None]
    self_nomination: Mapped[bool] = mapped_column(default=False)
    themes: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # The wellbeing services county the event is for (app.nominations.regions, stored in
    # Finnish); "" for the whole country or online. The public calendar filters by it.
    region: Mapped[str] = mapped_column(sa.String(60), default="", server_default="")
    # The sign-up form asks each person's own wellbeing services county (optional for
    # them): the funder's counts by region (app.reports).
    asks_region: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    # The series this event is an occurrence of (app.series); None for a single event.
    series_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("series.id", ondelete="SET NULL"), index=True
    )
    invitations_send_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    reply_by: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Days before reply_by when those who have not replied are reminded.
    invitation_reminder_days: Mapped[int] = mapped_column(default=3)
    # Minutes before the start when confirmed people get a reminder.
    reminder_minutes: Mapped[list[int]] = mapped_column(sa.JSON, default=default_reminders)
    # Raised on every change people were told about (calendar SEQUENCE).
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=clock.now, onupdate=clock.now)
    published_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # When the retention time ended and the personal data of its people was erased.
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    questions: Mapped[list["Question"]] = relationship(
        back_populates="event",
        order_by="(Question.position, Question.id)",
        cascade="all, delete-orphan",
    )
    organiser_links: Mapped[list[EventOrganiser]] = relationship(
        back_populates="event", cascade="all, delete-orphan"
    )
    series: Mapped["Series | None"] = relationship(back_populates="occurrences")  # noqa: F821

    def title_in(self, locale: str) -> Shown:
        return translated(self.translations, self.language, locale, "title", self.title)

    def description_in(self, locale: str) -> Shown:
        return translated(self.translations, self.language, locale, "description", self.description)

    @property
    def is_online(self) -> bool:
        return self.format == EventFormat.ONLINE

    @property
    def has_venue(self) -> bool:
        return self.format != EventFormat.ONLINE


class Question(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("event.id", ondelete="CASCADE"))
    position: Mapped[int] = mapped_column(default=0)
    kind: Mapped[QuestionKind] = mapped_column(_enum(QuestionKind, "question_kind"))
    label: Mapped[str] = mapped_column(sa.String(300))
    hint: Mapped[str] = mapped_column(sa.String(500), default="")
    options: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    required: Mapped[bool] = mapped_column(default=False)
    # Diets and accessibility needs can be health data (GDPR art. 9).
    sensitive: Mapped[bool] = mapped_column(default=False)
    # Shown only when an earlier single- or multiple-choice question of the same event has
    # one of these answers (values of its `options`); an answer given otherwise is not kept.
    shown_if_question_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("question.id", ondelete="SET NULL")
    )
    shown_if_options: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    # {"sv": {"label": ..., "hint": ..., "options": [...]}}; options in the same order as
    # `options`, which stay the stored answer values whatever language was shown.
    translations: Mapped[dict] = mapped_column(sa.JSON, default=dict)

    event: Mapped[Event] = relationship(back_populates="questions")

    def label_in(self, locale: str) -> Shown:
        return translated(self.translations, self.event.language, locale, "label", self.label)

    def hint_in(self, locale: str) -> Shown:
        return translated(self.translations, self.event.language, locale, "hint", self.hint)

    def option_labels_in(self, locale: str) -> list[str]:
        """Labels for `options` in the visitor's language, when all of them are translated."""
        given = (self.translations or {}).get(locale, {}).get("options") or []
        if locale != self.event.language and len(given) == len(self.options):
            return given
        return list(self.options)

    @property
    def is_choice(self) -> bool:
        return self.kind in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)
