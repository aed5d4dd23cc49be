from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField
from wtforms.validators import InputRequired, Length

from app.forms import EmailAddress, NoControlCharacters


class PersonForm(FlaskForm):
    email = EmailField(
        _l("Email address of the person"),
        description=_l("Everything held about this address, in every event."),
        validators=[
            InputRequired(_l("Enter an email address")),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
            NoControlCharacters(),
            EmailAddress(),
        ],
    )


class EraseForm(PersonForm):
    confirm = BooleanField(
        _l("I understand that this cannot be undone"),
        validators=[InputRequired(_l("Tick the box to confirm the erasure"))],
    )
