from flask_babel import lazy_gettext as _l
from wtforms import BooleanField
from wtforms.validators import InputRequired

from app.forms import KutsuForm, email_address_field


class PersonForm(KutsuForm):
    email = email_address_field(
        _l("Email address of the person"),
        description=_l("Everything held about this address, in every event."),
    )


class EraseForm(PersonForm):
    confirm = BooleanField(
        _l("I understand that this cannot be undone"),
        validators=[InputRequired(_l("Tick the box to confirm the erasure"))],
    )
