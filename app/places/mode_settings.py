"""The event form's hybrid settings: the online places (app.places.modes). For an event of
one format they are not checked, and not kept; a hybrid event's "Number of places" are its
places in the hall (templates/places/_mode_settings.html)."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional, StopValidation

from app.models import EventFormat

ONLINE_CAPACITY_MAX = 100_000


class OnlyWhenHybrid:
    """First check of a hybrid setting: for an event of one format the setting is ignored."""

    def __call__(self, form, field):
        if form.format.data != EventFormat.HYBRID:
            field.errors[:] = []
            raise StopValidation()


class HybridSettings:
    """A part of the event form (app.organiser.event_form): the field, its checks and what
    it saves."""

    online_capacity = IntegerField(
        _l("Number of online places"),
        description=_l(
            "For a hybrid event: the number of places above is for those who come in "
            "person. Leave this empty for no limit online."
        ),
        validators=[
            OnlyWhenHybrid(),
            Optional(),
            NumberRange(
                min=1,
                max=ONLINE_CAPACITY_MAX,
                message=_l("The number of online places must be from 1 to 100000"),
            ),
        ],
        invalid_value_message=_l(
            "Enter the number of online places as a whole number, for example 200"
        ),
    )

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        shown_after(cls, "online_capacity", "capacity")

    def hybrid_details(self) -> dict:
        if self.format.data != EventFormat.HYBRID:
            return {"online_capacity": None}  # one format: no online places of their own
        return {"online_capacity": self.online_capacity.data}


def shown_after(form_class, name: str, after: str) -> None:
    """Fields are ordered as they were made (the page's and the error summary's order): a
    mixin's field, made before the form's own, is put right after the one it follows."""
    previous = getattr(form_class, after, None)
    if previous is not None:
        getattr(form_class, name).creation_counter = previous.creation_counter + 0.5


def hybrid_form_data(event) -> dict:
    return {"online_capacity": event.online_capacity}
