"""What every change of an event's seat counters leaves as it was."""

from app.models import Event

# A seat taken or freed is not a change of the event: its updated_at (the calendar feeds'
# LAST-MODIFIED, DTSTAMP and ETag) stays, where the column's onupdate would move it with
# every sign-up and make every subscribed calendar fetch the feed again.
UNCHANGED = {"updated_at": Event.__table__.c.updated_at}
