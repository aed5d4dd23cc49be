"""An event's materials and follow-up messages go at its retention purge (app.privacy):
the files hold what was said at the event, and the messages were written to its people.
The people's links to the materials go with their registrations' other tokens."""

import sqlalchemy as sa

from app.extensions import db
from app.models import FollowUpMessage, Material


def forget_follow_up_of(event_id: int) -> None:
    db.session.execute(sa.delete(Material).where(Material.event_id == event_id))
    db.session.execute(sa.delete(FollowUpMessage).where(FollowUpMessage.event_id == event_id))
