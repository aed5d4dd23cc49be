"""Expressions every part of app.places shares: what a change of an event's seat
counters leaves as it was, and the waiting list's order."""

import sqlalchemy as sa

from app.models import Event, Registration

# A seat taken or freed is not a change of the event: its updated_at (the calendar feeds'
# LAST-MODIFIED, DTSTAMP and ETag) stays, where the column's onupdate would move it with
# every sign-up and make every subscribed calendar fetch the feed again.
UNCHANGED = {"updated_at": Event.__table__.c.updated_at}

# A person's key in the waiting list's order: Registration.queue_order where an organiser
# reordered the list by hand, else the order they came in.
QUEUE_KEY = sa.func.coalesce(Registration.queue_order, Registration.id)
