"""An organiser's changes to who has a place: cancelling registrations, moving people from
the waiting list (past the capacity only when the organiser confirmed by how much) and
sending a person their confirmation again with a fresh manage link.

The seats follow app.places' rules: each change locks the event's row first, then the
people's rows, as a participant's cancellation and a promotion do, so they take turns and
never deadlock; sign-ups do not wait for it, and their conditional UPDATE of the count waits
for the change to commit. event.confirmed_count stays the number of confirmed people."""

from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app import clock, tokens
from app.extensions import db
from app.mail.outbox import queue_registration_email
from app.models import (
    Event,
    EventStatus,
    OutboundEmail,
    Registration,
    RegistrationStatus,
    TokenPurpose,
)
from app.places import modes
from app.places.services import (
    cancel_registration,
    give_place,
    seat_beyond_capacity,
    take_seat,
)

# An organiser may send one person their confirmation again this many times a day: enough
# for a lost email, too few to flood anyone's inbox.
RESENDS_PER_DAY = 5
RESEND_WINDOW = timedelta(days=1)
RESENT = "registration_resent"


class ChangeRefused(Exception):
    """The change cannot be made; the message is for the organiser."""


class EventCancelled(ChangeRefused):
    def __init__(self):
        super().__init__(_l("The event has been cancelled: its registrations cannot change."))


class OverCapacity(Exception):  # noqa: N818 - a question to ask, not an error
    """Moving these people goes past the capacity by more than the organiser confirmed."""

    def __init__(self, confirmed_after: int, capacity: int):
        super().__init__(confirmed_after, capacity)
        self.confirmed_after = confirmed_after
        self.capacity = capacity
        self.over_by = confirmed_after - capacity


@dataclass
class Outcome:
    """Whose registration changed (ids), and who had already changed meanwhile."""

    changed: list[int] = field(default_factory=list)
    unchanged: list[int] = field(default_factory=list)
    # Moved past the capacity: the id and how far over the event was after the move.
    over: dict[int, int] = field(default_factory=dict)


@dataclass(frozen=True)
class MovePlan:
    """What moving the chosen waiting people would do, as the confirmation page says it."""

    people: list[Registration]
    confirmed_after: int
    capacity: int | None

    @property
    def over_by(self) -> int:
        if self.capacity is None:
            return 0
        return max(0, self.confirmed_after - self.capacity)

    @property
    def within(self) -> list[Registration]:
        """Those who fit within the capacity: the first in the queue."""
        return self.people[: len(self.people) - min(self.over_by, len(self.people))]

    @property
    def beyond(self) -> list[Registration]:
        return self.people[len(self.within) :]


def chosen_people(event: Event, ids: list[int], status: RegistrationStatus | None = None):
    """The event's registrations among ids (others' are not found), in queue order."""
    if not ids:
        return []
    query = sa.select(Registration).where(
        Registration.event_id == event.id, Registration.id.in_(ids)
    )
    if status is not None:
        query = query.where(Registration.status == status)
    return list(db.session.scalars(query.order_by(Registration.id)))


def move_plan(event: Event, people: list[Registration]) -> MovePlan:
    waiting = [person for person in people if person.status == RegistrationStatus.WAITING]
    online = modes.waiting_online(event, waiting)
    waiting = [person for person in waiting if person not in online]
    return MovePlan(waiting, event.confirmed_count + len(waiting), event.capacity)


def cancel_registrations(event: Event, ids: list[int], *, tell: bool) -> Outcome:
    """Cancel each; each freed seat goes to the first person waiting, as when a person
    cancels (their mail in this transaction too). tell: mail each cancelled person."""
    _lock_published(event)
    outcome = Outcome()
    for person in _locked_people(event, ids):
        if person.status == RegistrationStatus.CANCELLED:
            outcome.unchanged.append(person.id)
            continue
        cancel_registration(person, tell=tell)
        outcome.changed.append(person.id)
    return outcome


def move_from_waiting_list(event: Event, ids: list[int], *, allowed_over: int = 0) -> Outcome:
    """Give the chosen waiting people a place, in queue order: within the capacity as any
    promotion (the atomic take_seat), past it only as far as allowed_over, which the
    organiser confirmed; further raises OverCapacity with the numbers as they now are."""
    _lock_published(event)
    people = _locked_people(event, ids)
    waiting = [person for person in people if person.status == RegistrationStatus.WAITING]
    outcome = Outcome(unchanged=[person.id for person in people if person not in waiting])
    online = modes.waiting_online(event, waiting)
    seated = [person for person in waiting if person not in online]
    plan = MovePlan(seated, event.confirmed_count + len(seated), event.capacity)
    if plan.over_by > max(allowed_over, 0):
        raise OverCapacity(plan.confirmed_after, plan.capacity)
    for person in online:  # a hybrid event's online places: only within their number
        if modes.take_online_seat(event):
            give_place(person)
            outcome.changed.append(person.id)
        else:
            outcome.unchanged.append(person.id)
    for person in seated:
        if not take_seat(event):
            seat_beyond_capacity(event)
            outcome.over[person.id] = event.confirmed_count - event.capacity
        give_place(person)
        outcome.changed.append(person.id)
    return outcome


def resend_confirmation(event: Event, registration_id: int, *, form_key: str) -> bool:
    """Mail the person their registration as it now is, with a new manage link; every
    earlier manage link stops working. form_key: the form's own key, so that the same form
    sent twice mails once (False: it was already sent)."""
    _lock_published(event)
    person = _locked_people(event, [registration_id])
    if not person or person[0].status == RegistrationStatus.CANCELLED:
        raise ChangeRefused(_l("The registration has been cancelled: there is nothing to send."))
    person = person[0]
    if not person.email:
        raise ChangeRefused(
            _l("%(name)s has no email address: add one on their page first.", name=person.name)
        )
    if resends_today(person) >= RESENDS_PER_DAY:
        raise ChangeRefused(
            _l(
                "The confirmation has already been sent again %(num)d times today. "
                "Try again tomorrow.",
                num=RESENDS_PER_DAY,
            )
        )
    if queue_registration_email(RESENT, person, key=form_key) is None:
        return False
    tokens.revoke_tokens(TokenPurpose.MANAGE, registration=person)
    return True


def resends_today(person: Registration) -> int:
    return db.session.scalar(
        sa.select(sa.func.count(OutboundEmail.id)).where(
            OutboundEmail.registration_id == person.id,
            OutboundEmail.kind == RESENT,
            OutboundEmail.created_at > clock.now() - RESEND_WINDOW,
        )
    )


def _lock_published(event: Event) -> None:
    """The event's row locked as app.places locks it, read as committed: a cancellation of
    the event comes wholly before the change (which is refused) or after it."""
    db.session.refresh(event, with_for_update={"key_share": True})
    if event.status == EventStatus.CANCELLED:
        raise EventCancelled()


def _locked_people(event: Event, ids: list[int]) -> list[Registration]:
    # Read again as committed: someone else may have cancelled or moved them meanwhile.
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.event_id == event.id, Registration.id.in_(ids))
            .order_by(Registration.id)
            .with_for_update(key_share=True)
            .execution_options(populate_existing=True)
        )
    )
