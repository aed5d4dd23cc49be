"""Forms for an event's team: co-organisers and check-in helpers."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice

from app.forms import KutsuForm, RadiosField, email_address_field
from app.models import OrganiserRole

ROLE_CHOICES = [
    SelectChoice(
        OrganiserRole.CO_ORGANISER.value,
        _l("Co-organiser: everything you can do with this event"),
    ),
    SelectChoice(
        OrganiserRole.HELPER.value,
        _l("Check-in helper: sees only the names of those coming, and marks them arrived"),
    ),
]


class CoOrganiserForm(KutsuForm):
    role = RadiosField(
        _l("Their part"),
        choices=ROLE_CHOICES,
        default=OrganiserRole.CO_ORGANISER.value,
        invalid_choice_message=_l("Choose their part"),
    )
    email = email_address_field(
        _l("Their email address"), description=_l("They need an organiser account in Kutsu.")
    )


class NewOwnerForm(KutsuForm):
    email = email_address_field(
        _l("Email address of the new owner"),
        description=_l("They need an organiser account in Kutsu."),
    )
