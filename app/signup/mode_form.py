"""The hybrid event's choice on its forms: in person or online (app.places.modes), with the
places left for each (templates/signup/_mode.html)."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice
from wtforms.validators import InputRequired

from app.forms import RadiosField
from app.models import ParticipationMode
from app.places import modes

MODE_CHOICES = [
    SelectChoice(ParticipationMode.IN_PERSON.value, _l("In person")),
    SelectChoice(ParticipationMode.ONLINE.value, _l("Online")),
]


def mode_field(label=None) -> RadiosField:
    return RadiosField(
        label or _l("How will you take part?"),
        choices=MODE_CHOICES,
        validators=[InputRequired(_l("Choose whether you take part in person or online"))],
        invalid_choice_message=_l("Choose whether you take part in person or online"),
    )


def chosen_mode(form) -> ParticipationMode | None:
    """The mode chosen on a hybrid event's form; None on any other event's."""
    field = getattr(form, "mode", None)
    return ParticipationMode(field.data) if field is not None and field.data else None


def mode_is_full(form, event) -> bool:
    """The mode chosen has no place left and the event no waiting list: said at the field,
    where the other mode may still have room. A place taken after this check refuses the
    sign-up as full."""
    mode = chosen_mode(form)
    if mode is None or event.waiting_list or modes.seats_left_in(event, mode) != 0:
        return False
    form.mode.errors = list(form.mode.errors) + [
        _l("There are no places left in person. Choose online, if you can take part online")
        if mode == ParticipationMode.IN_PERSON
        else _l("There are no places left online. Choose in person, if you can come")
    ]
    return True


def places_by_mode(event) -> dict[str, int | None]:
    """The places left for each mode, for the form's hints; None: no limit."""
    return {mode.value: modes.seats_left_in(event, mode) for mode in ParticipationMode}


def organiser_mode_field() -> RadiosField:
    """The mode on an organiser's form for adding a person (app.attendees)."""
    return mode_field(_l("How they take part"))
