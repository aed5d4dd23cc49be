from flask_babel import lazy_gettext as _l
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, InputRequired, Length, ValidationError

from app.auth.forms import NewPasswordForm
from app.auth.passwords import verify_password
from app.forms import KutsuForm, NoControlCharacters, email_address_field

WRONG_PASSWORD = _l("Your current password is not right")


def current_password_field() -> PasswordField:
    return PasswordField(
        _l("Your current password"),
        validators=[
            InputRequired(_l("Enter your current password")),
            Length(max=200, message=_l("Password must be 200 characters or fewer")),
        ],
    )


class AskingPassword(KutsuForm):
    """A form that asks the account's current password before it changes anything."""

    current_password = current_password_field()

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account

    def validate_current_password(self, field) -> None:
        if not field.errors and not verify_password(self.account.password_hash, field.data):
            raise ValidationError(WRONG_PASSWORD)


class NameForm(KutsuForm):
    name = StringField(
        _l("Name"),
        description=_l("Shown to the other organisers of your events."),
        validators=[
            DataRequired(_l("Enter your name")),
            Length(max=200, message=_l("Name must be 200 characters or fewer")),
            NoControlCharacters(),
        ],
    )


class EmailChangeForm(AskingPassword):
    email = email_address_field(
        _l("New email address"),
        description=_l("We send a link to it: the address changes when you open the link."),
        required_message=_l("Enter the new email address"),
    )
    email.creation_counter = -1  # shown first: its error is listed first


class PasswordChangeForm(NewPasswordForm):
    current_password = current_password_field()
    current_password.creation_counter = -1  # asked first: its error is listed first

    def validate_current_password(self, field) -> None:
        if not field.errors and not verify_password(self.account.password_hash, field.data):
            raise ValidationError(WRONG_PASSWORD)
