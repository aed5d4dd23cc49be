from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import EqualTo, InputRequired, Length, ValidationError

from app.auth.passwords import MAX_LENGTH, MIN_LENGTH, weakness
from app.forms import KutsuForm, email_address_field


def _email_field() -> EmailField:
    return email_address_field(_l("Email address"), required_message=_l("Enter your email address"))


class LoginForm(KutsuForm):
    email = _email_field()
    password = PasswordField(
        _l("Password"),
        validators=[
            InputRequired(_l("Enter your password")),
            Length(max=200, message=_l("Password must be 200 characters or fewer")),
        ],
    )


class ForgotPasswordForm(KutsuForm):
    email = _email_field()


def new_password_field() -> PasswordField:
    return PasswordField(
        _l("New password"),
        description=_l(
            "At least 10 characters, not a common password, and not your name or email "
            "address. A few unrelated words make a good one."
        ),
        validators=[
            InputRequired(_l("Enter a new password")),
            Length(
                min=MIN_LENGTH,
                max=MAX_LENGTH,
                message=_l("Use from %(min)d to %(max)d characters"),
            ),
        ],
    )


def password_again_field() -> PasswordField:
    return PasswordField(
        _l("The new password again"),
        validators=[
            InputRequired(_l("Enter the new password again")),
            EqualTo("password", _l("The passwords are not the same")),
        ],
    )


class NewPasswordForm(KutsuForm):
    """A new password for an account (its name and address are not allowed in it)."""

    password = new_password_field()
    confirm = password_again_field()

    def __init__(self, *args, account, **kwargs):
        super().__init__(*args, **kwargs)
        self.account = account

    def validate_password(self, field) -> None:
        if field.errors:  # too short or too long: that is said first
            return
        problem = weakness(field.data, name=self.account.name, email=self.account.email)
        if problem:
            raise ValidationError(problem)
