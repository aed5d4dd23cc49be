"""Column types and the state enums every model shares."""

import enum
from datetime import UTC

import sqlalchemy as sa

from app.text import normalise_email


class UTCDateTime(sa.TypeDecorator):
    """Aware UTC datetimes on every database (SQLite keeps no zone)."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        return None if value is None else value.replace(tzinfo=UTC)


def normalised(column: str):
    """A column default: normalise_email() of the address in `column` of the same row, so
    an address is stored in the one form it is matched in wherever the ORM writes it."""

    def default(context) -> str:
        return normalise_email(context.get_current_parameters()[column])

    return default


def _enum(cls: type[enum.Enum], name: str) -> sa.Enum:
    # Plain strings with a CHECK constraint: readable in exports and easy to migrate.
    return sa.Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=20,
        values_callable=lambda e: [m.value for m in e],
    )


class EventFormat(enum.StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"
    HYBRID = "hybrid"


class EventStatus(enum.StrEnum):
    DRAFT = "draft"
    PUBLISHED = "published"
    CANCELLED = "cancelled"


class Participation(enum.StrEnum):
    OPEN = "open"
    INVITATION = "invitation"


class OrganiserRole(enum.StrEnum):
    OWNER = "owner"
    CO_ORGANISER = "co_organiser"
    # May see the names of those coming and mark them arrived; nothing else.
    HELPER = "helper"


class AccountRole(enum.StrEnum):
    """What an account may be given: an admin manages accounts and every event; an
    organiser makes events; a check-in helper account may only be a helper in events."""

    ADMIN = "admin"
    ORGANISER = "organiser"
    HELPER = "helper"


class QuestionKind(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    SINGLE_CHOICE = "single_choice"
    MULTIPLE_CHOICE = "multiple_choice"
    YES_NO = "yes_no"


class RegistrationStatus(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    CANCELLED = "cancelled"
    # An event that requires approval: asked for, not yet decided; holds no place.
    PENDING = "pending"
    # Not approved by the organisers (and told so); holds no place.
    DECLINED = "declined"
    # A timed offer from the waiting list: a place held for the person, counted as taken,
    # until Registration.offer_expires_at; accepted, it is confirmed.
    OFFERED = "offered"


class ParticipationMode(enum.StrEnum):
    """How a person takes part in a hybrid event: each mode has its own places."""

    IN_PERSON = "in_person"
    ONLINE = "online"


class GroupRule(enum.StrEnum):
    """What happens to a group that does not fit in the places left, decided per event and
    written on its form."""

    TOGETHER = "together"  # the whole group goes to the waiting list together
    SPLIT = "split"  # as many as fit are confirmed, the rest wait


class RegistrationSource(enum.StrEnum):
    SIGNUP = "signup"
    INVITATION = "invitation"  # from an invitation list
    NOMINATION = "nomination"  # a nominee who was selected and invited
    ORGANISER = "organiser"  # added by an organiser, e.g. someone who phoned


class AttendanceSource(enum.StrEnum):
    """How a registration's attendance (Registration.attended) was marked."""

    CHECK_IN = "check_in"  # arrived at the door (Registration.checked_in_at)
    BY_HAND = "by_hand"  # an organiser ticked it after the event
    TEAMS_REPORT = "teams_report"  # matched by address in a Teams attendance report


class NominationStatus(enum.StrEnum):
    RECEIVED = "received"
    SHORTLISTED = "shortlisted"
    SELECTED = "selected"
    NOT_SELECTED = "not_selected"


class InvitationStatus(enum.StrEnum):
    PLANNED = "planned"
    SENT = "sent"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    EXPIRED = "expired"


class TokenPurpose(enum.StrEnum):
    MANAGE = "manage"
    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"  # noqa: S105 - a purpose, not a password
    # Confirms a new address for an account: the address is in Token.email.
    EMAIL_CHANGE = "email_change"
    ACCOUNT_INVITATION = "account_invitation"
    # The one manage page of a multi-date sign-up (app.series); the token names the
    # booking's registration for its last occurrence, the one kept longest.
    SERIES_MANAGE = "series_manage"
    # Leaving a contact list, from the link in a mail sent because of it.
    LIST_UNSUBSCRIBE = "list_unsubscribe"
    # After the event: a person's feedback form (app.feedback) and the event's materials
    # in a follow-up message (app.followup), each reached only by its link.
    FEEDBACK = "feedback"
    MATERIALS = "materials"


class EmailStatus(enum.StrEnum):
    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # refused for good by the mail server (5xx)
    DEAD = "dead"  # every attempt used
    SKIPPED = "skipped"  # no longer true when due, e.g. a reminder after a cancellation


class Audience(enum.StrEnum):
    CONFIRMED = "confirmed"
    WAITING = "waiting"
    EVERYONE = "everyone"


def default_reminders() -> list[int]:
    return [2 * 24 * 60]
