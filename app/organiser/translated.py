"""Pieces shared by the organiser's forms whose texts come in several languages: the
event form and its questions."""

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.forms import LANGUAGE_CHOICES, NoControlCharacters

LANGUAGES = [choice.value for choice in LANGUAGE_CHOICES]


def lines(text: str | None) -> list[str]:
    stripped = (line.strip() for line in (text or "").splitlines())
    return list(dict.fromkeys(line for line in stripped if line))


def too_long(label, max_length: int):
    """The error of a text too long, naming its field."""
    return _l("%(field)s: use %(max)d characters or fewer", field=label, max=max_length)


def special_characters(label):
    return _l("%(field)s: remove the special characters that cannot be saved", field=label)


def text_field(
    label, max_length, *, required_message=None, multiline=False, optional=True, **kwargs
):
    # optional=False: may be empty, but the form's own validate_<field> still runs on it
    # (Optional() would stop every later check of an empty field).
    validators = []
    if required_message:
        validators.append(InputRequired(required_message))
    elif optional:
        validators.append(Optional())
    validators += [
        Length(max=max_length, message=too_long(label, max_length)),
        NoControlCharacters(multiline=multiline, message=special_characters(label)),
    ]
    field = TextAreaField if multiline else StringField
    return field(label, validators=validators, **kwargs)


def translations_of(form, languages) -> dict:
    given = {code: getattr(form, f"text_{code}").form.translation() for code in languages}
    return {code: text for code, text in given.items() if text}


class Translated:
    """A form with `text_fi`, `text_sv` and `text_en` sub-forms."""

    def languages_given(self) -> list[str]:
        """Languages with text or an error: their part of the form starts opened."""
        return [
            code
            for code in LANGUAGES
            if (sub := getattr(self, f"text_{code}")).form.translation() or sub.errors
        ]
