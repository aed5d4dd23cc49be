"""A hybrid event's message form: to those in person, those online, or both
(app.places.modes). At an event of one format the choice is not shown, and not used."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from app.forms import RadiosField
from app.models import ParticipationMode
from app.places.mode_settings import shown_after

BOTH = "both"
MODE_CHOICES = [
    SelectChoice(BOTH, _l("Both: in person and online")),
    SelectChoice(ParticipationMode.IN_PERSON.value, _l("Only those taking part in person")),
    SelectChoice(ParticipationMode.ONLINE.value, _l("Only those taking part online")),
]


class MessageModeChoice:
    """A part of the message form (app.messages.forms)."""

    mode = RadiosField(
        _l("In person or online"),
        choices=MODE_CHOICES,
        default=BOTH,
        invalid_choice_message=_l("Choose in person, online or both"),
    )

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        shown_after(cls, "mode", "audience")

    def chosen_mode(self) -> ParticipationMode | None:
        """None: everyone, in person and online (and at any event of one format)."""
        if not self.mode.data or self.mode.data == BOTH:
            return None
        return ParticipationMode(self.mode.data)
