"""Forms for an event's team (co-organisers and check-in helpers), and for accounts:
inviting, roles, and making an account from an invitation."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, StringField
from wtforms.validators import DataRequired, Length, ValidationError

from app.auth.forms import NewPasswordForm, new_password_field, password_again_field
from app.auth.passwords import weakness
from app.forms import (
    LANGUAGE_CHOICES,
    KutsuForm,
    NoControlCharacters,
    RadiosField,
    StoredLength,
    email_address_field,
)
from app.models import AccountRole, OrganiserRole

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
        _l("Their email address"),
        description=_l("Someone without an account in Kutsu gets an invitation to make one."),
    )


class NewOwnerForm(KutsuForm):
    email = email_address_field(
        _l("Email address of the new owner"),
        description=_l("They need an organiser account in Kutsu."),
    )


ACCOUNT_ROLE_CHOICES = [
    SelectChoice(
        AccountRole.ORGANISER.value, _l("Organiser: makes events and works on others' events")
    ),
    SelectChoice(
        AccountRole.HELPER.value,
        _l("Check-in helper: can only be given the check-in of events"),
    ),
    SelectChoice(
        AccountRole.ADMIN.value,
        _l("Administrator: also manages accounts and people's data, and opens every event"),
    ),
]


def _account_role_field(label) -> RadiosField:
    return RadiosField(
        label,
        choices=ACCOUNT_ROLE_CHOICES,
        default=AccountRole.ORGANISER.value,
        invalid_choice_message=_l("Choose a role"),
    )


class InviteForm(KutsuForm):
    email = email_address_field(
        _l("Their email address"),
        description=_l("We send them a link for making their account. It works for 7 days."),
    )
    role = _account_role_field(_l("Their role"))
    language = RadiosField(
        _l("Language of the invitation email"),
        choices=LANGUAGE_CHOICES,
        invalid_choice_message=_l("Choose a language"),
    )


class AccountRoleForm(KutsuForm):
    role = _account_role_field(_l("Role"))


class AcceptInvitationForm(NewPasswordForm):
    """Their name, and a password (the same rule as a reset: app.auth.passwords)."""

    name = StringField(
        _l("Your name"),
        description=_l("As others in Kutsu will see it, e.g. Anna Virtanen."),
        validators=[
            DataRequired(_l("Enter your name")),
            Length(max=200, message=_l("Name must be 200 characters or fewer")),
            NoControlCharacters(),
            StoredLength(200, _l("Name must be 200 characters or fewer")),
        ],
    )
    password = new_password_field()
    confirm = password_again_field()

    def validate_password(self, field) -> None:
        if field.errors:
            return
        problem = weakness(field.data, name=self.name.data or "", email=self.account.email)
        if problem:
            raise ValidationError(problem)
