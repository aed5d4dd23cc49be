"""The organiser's preview: a draft's pages as the public will see them once published."""

from app.models import Event, EventStatus, Participation
from app.models.events import EventRules


class AsPublished(EventRules):
    """A draft read as if published now, for its preview: registration is open by its
    window as it will be, where a draft's own rules say it is closed to everyone. Every
    other attribute is the event's own."""

    def __init__(self, event: Event):
        self._event = event

    @property
    def status(self) -> EventStatus:
        if self._event.status == EventStatus.DRAFT:
            return EventStatus.PUBLISHED
        return self._event.status

    def __getattr__(self, name):
        return getattr(self._event, name)


def as_the_public_will_see(event: Event) -> Event | AsPublished:
    """An open event's draft as if published. A workshop's page already follows the
    clock alone; its nomination form has no preview, so it keeps no button to it."""
    if event.participation == Participation.INVITATION:
        return event
    return AsPublished(event)
