"""The confirmation forms of an organiser's changes to registrations."""

import re
import secrets

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectChoice
from wtforms.validators import InputRequired

from app.forms import KutsuForm, RadiosField

# One page of the attendee list: as many as can be ticked at once.
MOST_CHOSEN = 100
_ID = re.compile(r"[0-9]{1,12}")
_FORM_KEY = re.compile(r"[A-Za-z0-9_-]{22}")


def chosen_ids(values: list[str]) -> list[int]:
    """The registration ids in a query string (person=1&person=2); anything else is
    ignored, and no more than a page of them is read."""
    ids = {int(value) for value in values[:MOST_CHOSEN] if _ID.fullmatch(value or "")}
    return sorted(ids)


class CancelForm(KutsuForm):
    tell = RadiosField(
        _l("Tell them by email?"),
        choices=[
            SelectChoice("yes", _l("Yes, email them")),
            SelectChoice("no", _l("No, do not email")),
        ],
        default="yes",
        validators=[InputRequired(_l("Choose whether to email them"))],
    )


class MoveForm(KutsuForm):
    # How far past the capacity the organiser agreed to go, as the page told them.
    over = HiddenField(default="0")

    # Set by the button that moves only those who fit within the places.
    within = HiddenField()

    def only_within(self) -> bool:
        return self.within.data == "1"

    def allowed_over(self) -> int:
        value = self.over.data or ""
        return int(value) if _ID.fullmatch(value) and len(value) <= 6 else 0


class ResendForm(KutsuForm):
    # Made with the page: the same form sent twice mails the person once.
    form_key = HiddenField()

    def key(self) -> str | None:
        value = self.form_key.data or ""
        return value if _FORM_KEY.fullmatch(value) else None

    @staticmethod
    def new_key() -> str:
        return secrets.token_urlsafe(16)
