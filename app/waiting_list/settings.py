"""The event form's setting for timed offers from the waiting list: a part of the event
form (app.organiser.event_form), which declares the field where the page shows it."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField
from wtforms.validators import NumberRange, Optional

from app.places.offers import OFFER_HOURS_MOST


def offer_hours_field() -> IntegerField:
    return IntegerField(
        _l("Offer a freed place to the first person waiting, to accept within this many hours"),
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=OFFER_HOURS_MOST,
                message=_l("The hours to accept an offer must be from 1 to 168"),
            ),
        ],
        invalid_value_message=_l(
            "Enter the hours to accept an offer as a whole number, for example 24"
        ),
        description=_l(
            "Leave empty to give a freed place to the first person waiting at once. With a "
            "number of hours (1 to 168), the place is held for them and they are emailed an "
            "offer to accept; if they do not accept in time, it passes to the next person. "
            "Close to the event the time is shorter: at most half the time left before the "
            "start, but at least 15 minutes."
        ),
    )


class OfferSettings:
    """What the offer setting saves; a part of the event form, which has the field."""

    def offer_details(self) -> dict:
        return {"offer_hours": self.offer_hours.data}


def offer_form_data(event) -> dict:
    return {"offer_hours": event.offer_hours}
