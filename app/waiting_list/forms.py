"""The waiting-list page's one form: move a person up or down (each row's own buttons)."""

from wtforms import HiddenField, IntegerField
from wtforms.validators import InputRequired, NumberRange

from app.bounds import database_id
from app.forms import KutsuForm

# Far beyond any waiting list; a position past its end is its end.
POSITION_MOST = 1_000_000


class MoveForm(KutsuForm):
    """person: whom to move; seen_at: their position on the page the organiser saw; to:
    the position wanted (the button pressed gives it)."""

    person = HiddenField(validators=[InputRequired()])
    seen_at = IntegerField(validators=[InputRequired(), NumberRange(1, POSITION_MOST)])
    to = IntegerField(validators=[InputRequired(), NumberRange(1, POSITION_MOST)])

    def person_id(self) -> int | None:
        return database_id(self.person.data)
