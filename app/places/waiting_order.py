"""The waiting list's order, and an organiser changing it by hand.

People wait in the order of app.places.services.QUEUE_KEY: their queue_order if an
organiser has moved anyone, else their id (the order they came in). A move gives the people
waiting the same keys they had, in the new order: those who join later still get larger
ids, so they still come after everyone already waiting."""

from typing import NamedTuple

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.models import Event, EventStatus, Registration, RegistrationStatus
from app.places.services import QUEUE_KEY, lock_event


class OrderChanged(Exception):
    """The list is not as the organiser saw it (someone moved, left or got a place
    meanwhile): nothing was changed; the message is for the organiser."""

    def __init__(self):
        super().__init__(_l("The waiting list changed meanwhile. Check the order and try again."))


class Moved(NamedTuple):
    name: str
    position: int  # 1 for the first in line


def waiting_in_order(event: Event) -> list[Registration]:
    """Those waiting, the first in line first."""
    return list(db.session.scalars(_waiting(event.id)))


def open_offers(event: Event) -> list[Registration]:
    """The offers waiting for an answer, the one that lapses first first."""
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(
                Registration.event_id == event.id,
                Registration.status == RegistrationStatus.OFFERED,
            )
            .order_by(Registration.offer_expires_at, Registration.id)
        )
    )


def move_in_waiting_list(event: Event, registration_id: int, *, seen_at: int, to: int) -> Moved:
    """Move one person waiting from position seen_at (as the organiser saw the list) to
    position `to` (1 is the first in line; beyond the ends is the end). Raises
    OrderChanged when the person is no longer at seen_at."""
    lock_event(event)
    db.session.refresh(event)
    people = list(db.session.scalars(_waiting(event.id).with_for_update(key_share=True)))
    index = next((n for n, person in enumerate(people) if person.id == registration_id), None)
    if index is None or index != seen_at - 1 or event.status != EventStatus.PUBLISHED:
        raise OrderChanged
    keys = [person.queue_order or person.id for person in people]
    person = people.pop(index)
    new_index = min(max(to, 1), len(people) + 1) - 1
    people.insert(new_index, person)
    for key, someone in zip(keys, people, strict=True):
        someone.queue_order = key
    db.session.flush()
    return Moved(person.name, new_index + 1)


def _waiting(event_id: int):
    return (
        sa.select(Registration)
        .where(
            Registration.event_id == event_id,
            Registration.status == RegistrationStatus.WAITING,
        )
        .order_by(QUEUE_KEY)
    )
