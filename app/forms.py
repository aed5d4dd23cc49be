"""Validators and fields shared by every form."""

from email_validator import EmailNotValidError
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, FieldList, RadioField, SelectChoice, SelectMultipleField
from wtforms.validators import InputRequired, Length, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from app.text import LettersMailCannotCarry, check_email, clean_text, has_control_characters

LANGUAGE_CHOICES = [
    SelectChoice("fi", _l("Finnish")),
    SelectChoice("sv", _l("Swedish")),
    SelectChoice("en", _l("English")),
]


class NoControlCharacters:
    """Refuse NUL bytes and other control characters; PostgreSQL would refuse them later."""

    def __init__(self, multiline: bool = False):
        self.multiline = multiline

    def __call__(self, form, field):
        if isinstance(field.data, str) and has_control_characters(
            field.data, multiline=self.multiline
        ):
            raise ValidationError(_l("Remove the special characters that cannot be saved"))


class EmailAddress:
    def __init__(self, message=None):
        self.message = message or _l(
            "Enter an email address in the correct format, like name@example.fi"
        )

    def __call__(self, form, field):
        if not field.data:
            return
        try:
            check_email(field.data.strip())
        except LettersMailCannotCarry as exc:
            raise ValidationError(
                _l("Enter an email address without letters like ä or ö before the @")
            ) from exc
        except EmailNotValidError as exc:
            raise ValidationError(self.message) from exc


class CheckboxesField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class RadiosField(RadioField):
    """Radios that may be left unanswered when the question is optional."""

    def pre_validate(self, form):
        if not self.raw_data:
            return
        super().pre_validate(form)


class KutsuForm(FlaskForm):
    """Kutsu's forms. Their CSRF token is checked once, for every post, by CSRFProtect
    (app.extensions.csrf) before any view runs, so the form does not check it again: that
    second check, and the signed token the form made for itself, cost a sign-up 3 % of its
    time. Templates put the token in with {{ csrf_field() }} (app.templating)."""

    class Meta:
        csrf = False


class ConfirmForm(KutsuForm):
    """Only the CSRF token (in the template): the button itself is the answer."""


class StoredLength:
    """The length as stored: NFC and case-folding can make text longer than it was typed
    (ß becomes ss), and PostgreSQL refuses a value longer than its column."""

    def __init__(self, max: int, message, normalise=clean_text):
        self.max = max
        self.normalise = normalise
        self.message = message

    def __call__(self, form, field):
        if isinstance(field.data, str) and len(self.normalise(field.data)) > self.max:
            raise ValidationError(self.message)


class SafeFieldList(FieldList):
    """A FieldList that ignores posted keys whose index is not a plain number.

    WTForms takes any Unicode digit ("questions-²-label") as an index and then fails to
    turn it into an int: a crafted post would be a server error instead of being ignored."""

    def _extract_indices(self, prefix, formdata):
        offset = len(prefix) + 1
        for key in formdata:
            if key.startswith(prefix):
                index = key[offset:].split(self._field_separator, 1)[0]
                if index.isascii() and index.isdigit() and len(index) < 4:
                    yield int(index)


ENTER_EMAIL = _l("Enter an email address")


def email_address_field(label, *, required_message=ENTER_EMAIL, **kwargs) -> EmailField:
    """An email address that must be given: the same checks wherever one is asked for."""
    return EmailField(
        label,
        validators=[
            InputRequired(required_message),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
            NoControlCharacters(),
            EmailAddress(),
        ],
        **kwargs,
    )
