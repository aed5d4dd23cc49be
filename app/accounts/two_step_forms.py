from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, StringField
from wtforms.validators import InputRequired, Length

from app.accounts.profile_forms import AskingPassword
from app.forms import KutsuForm, NoControlCharacters

WRONG_CODE = _l("The code is not right. Enter the code your app shows now, or a recovery code.")
WRONG_APP_CODE = _l("The code is not right. Enter the 6 digits your app shows now.")


def _code_field(label, hint) -> StringField:
    return StringField(
        label,
        description=hint,
        validators=[
            InputRequired(_l("Enter the code")),
            Length(max=40, message=_l("The code must be 40 characters or fewer")),
            NoControlCharacters(),
        ],
    )


class SetupCodeForm(KutsuForm):
    code = _code_field(_l("Code from the app"), _l("6 digits, for example 123456."))


class SignInCodeForm(KutsuForm):
    code = _code_field(
        _l("Code from your authenticator app"),
        _l("6 digits. Without your phone, enter one of your recovery codes instead."),
    )


class RecoveryCodesForm(AskingPassword):
    """New recovery codes: the password first."""


class TurnOffForm(AskingPassword):
    code = _code_field(
        _l("Code from your authenticator app"),
        _l("6 digits. Without your phone, enter one of your recovery codes instead."),
    )


class RequirementForm(KutsuForm):
    admins = BooleanField(_l("Administrators"))
    sensitive = BooleanField(
        _l("Organisers of events with sensitive questions"),
        description=_l("Owners and co-organisers of an event that asks a sensitive question."),
    )
