"""The approvals page's form: the people chosen, the decision and a message for them."""

import re

from flask_babel import lazy_gettext as _l
from wtforms import SelectMultipleField
from wtforms.validators import ValidationError

from app.forms import KutsuForm
from app.organiser.translated import text_field
from app.places.approval import MESSAGE_MAX, MOST_AT_ONCE

_ID = re.compile(r"[0-9]{1,12}")
DECISIONS = ("approve", "decline")


class ChosenPeople(SelectMultipleField):
    """The ticked registrations' ids: digits only, at most MOST_AT_ONCE of them. Not
    checked against the list shown: someone may have been decided on since, which the
    decision reports rather than refuses."""

    def process_formdata(self, valuelist):
        values = valuelist[:MOST_AT_ONCE]
        self.data = sorted({int(value) for value in values if _ID.fullmatch(value or "")})

    def pre_validate(self, form):
        if not self.data:
            raise ValidationError(_l("Choose at least one person"))


class DecisionForm(KutsuForm):
    person = ChosenPeople(_l("Choose"), choices=[], coerce=int)
    message = text_field(
        _l("Message to the people you decide on"),
        MESSAGE_MAX,
        multiline=True,
        description=_l(
            "Included in each person's email, in the language you write it. For example "
            "where to go, or why there was no place."
        ),
    )

    def decision(self, pressed: str | None) -> str | None:
        """The button pressed: approve or decline (anything else is no decision)."""
        return pressed if pressed in DECISIONS else None

    def message_text(self) -> str:
        return (self.message.data or "").strip()
