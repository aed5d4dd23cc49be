"""The form an organiser writes a message to the people of an event with."""

from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import Form, FormField, SelectChoice, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    StopValidation,
    ValidationError,
)

from app import clock
from app.forms import (
    LANGUAGE_CHOICES,
    DateAndTimeField,
    KutsuForm,
    NoControlCharacters,
    RadiosField,
)
from app.messages.mode_choice import MessageModeChoice
from app.models import Audience

AUDIENCE_CHOICES = [
    SelectChoice(Audience.CONFIRMED.value, _l("People with a confirmed place")),
    SelectChoice(Audience.WAITING.value, _l("People on the waiting list")),
    SelectChoice(Audience.EVERYONE.value, _l("Everyone: confirmed and on the waiting list")),
]
WHEN_CHOICES = [
    SelectChoice("now", _l("Now")),
    SelectChoice("later", _l("Later, at the date and time below")),
]
MESSAGE_AHEAD = timedelta(days=365)


def plain_text(value):
    """Line breaks as one \\n (browsers send \\r\\n), no blank lines or spaces at the ends."""
    if not isinstance(value, str):
        return value
    lines = value.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    while lines and not lines[0].strip():
        lines.pop(0)
    return "\n".join(lines).rstrip()


def stripped(value):
    return value.strip() if isinstance(value, str) else value


LANGUAGE_NAMES = {choice.value: choice.label for choice in LANGUAGE_CHOICES}


def version_form(language: str) -> type[Form]:
    """The subject and the message in one more language: both, or neither."""
    name = LANGUAGE_NAMES[language]

    class VersionForm(Form):
        subject = StringField(
            _l("Subject (%(language)s)", language=name),
            filters=[stripped],
            # Not Optional(): that would stop the checks below on an empty field.
            validators=[
                Length(max=200, message=_l("Use %(max)d characters or fewer")),
                NoControlCharacters(),
            ],
        )
        body = TextAreaField(
            _l("Message (%(language)s)", language=name),
            filters=[plain_text],
            validators=[
                Length(max=10000, message=_l("Use %(max)d characters or fewer")),
                NoControlCharacters(multiline=True),
            ],
        )

        def validate_subject(self, field):
            if self.body.data and not field.data:
                raise ValidationError(
                    _l(
                        "Enter the subject (%(language)s), or leave the message in that "
                        "language empty",
                        language=name,
                    )
                )

        def validate_body(self, field):
            if self.subject.data and not field.data:
                raise ValidationError(
                    _l(
                        "Enter the message (%(language)s), or leave the subject in that "
                        "language empty",
                        language=name,
                    )
                )

        def version(self) -> dict[str, str]:
            if self.subject.data and self.body.data:
                return {"subject": self.subject.data, "body": self.body.data}
            return {}

    return VersionForm


class TranslatedVersions:
    """A message's versions in the languages besides `main_language` (the event's), in
    sub-forms text_fi, text_sv and text_en made by version_form(); shared with the
    follow-up messages (app.followup.forms)."""

    main_language: str = "fi"

    def other_languages(self) -> list[SelectChoice]:
        """The languages a version may be written in besides the main one."""
        return [choice for choice in LANGUAGE_CHOICES if choice.value != self.main_language]

    def translations(self) -> dict[str, dict[str, str]]:
        """{"sv": {"subject": ..., "body": ...}} for each other language written in."""
        given = {
            choice.value: getattr(self, f"text_{choice.value}").form.version()
            for choice in self.other_languages()
        }
        return {language: version for language, version in given.items() if version}

    def languages_given(self) -> list[str]:
        """Other languages with text or an error: their part of the form starts opened."""
        return [
            choice.value
            for choice in self.other_languages()
            if (part := getattr(self, f"text_{choice.value}")).form.version()
            or part.data.get("subject")
            or part.data.get("body")
            or part.errors
        ]


class MessageForm(MessageModeChoice, TranslatedVersions, KutsuForm):
    """A message to the people of one event. Set `sizes` (people per audience) first."""

    audience = RadiosField(
        _l("Who gets the message"),
        choices=AUDIENCE_CHOICES,
        description=_l("People who have cancelled never get messages."),
        validators=[InputRequired(_l("Choose who gets the message"))],
        invalid_choice_message=_l("Choose who gets the message"),
    )
    subject = StringField(
        _l("Subject"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Enter a subject")),
            Length(max=200, message=_l("Use %(max)d characters or fewer")),
            NoControlCharacters(),
        ],
    )
    body = TextAreaField(
        _l("Message"),
        filters=[plain_text],
        description=_l(
            "Plain text: leave an empty line between paragraphs. The email begins with the "
            "person's name and ends with your name, the event's details and their own link "
            "to change or cancel their registration."
        ),
        validators=[
            DataRequired(_l("Enter the message")),
            Length(max=10000, message=_l("Use %(max)d characters or fewer")),
            NoControlCharacters(multiline=True),
        ],
    )
    when = RadiosField(
        _l("When to send it"),
        choices=WHEN_CHOICES,
        validators=[InputRequired(_l("Choose when to send the message"))],
        invalid_choice_message=_l("Choose when to send the message"),
    )
    send_at = DateAndTimeField(
        _l("Date and time to send it"),
        date_name=_l("the date to send it"),
        time_name=_l("the time to send it"),
        description=_l("Only when sending later. Finnish time."),
    )

    text_fi = FormField(version_form("fi"))
    text_sv = FormField(version_form("sv"))
    text_en = FormField(version_form("en"))

    sizes: dict[Audience, int] | None = None
    # The event's language: `subject` and `body` are in it; set it before validating.
    main_language: str = "fi"

    def validate_audience(self, field):
        if field.data not in {audience.value for audience in Audience}:
            return  # refused already as not one of the choices
        if self.sizes is not None and self.sizes.get(Audience(field.data)) == 0:
            raise ValidationError(_l("No one is in that group. Choose another group."))

    def validate_send_at(self, field):
        if self.when.data != "later":
            field.errors.clear()  # a time typed and then "Now" chosen: it is not used
            raise StopValidation()
        if field.errors:  # the date or the time could not be read: the error says which
            raise StopValidation()
        if field.data is None:
            raise ValidationError(_l("Enter the date and time to send the message"))
        moment = clock.from_local(field.data)
        if moment <= clock.now():
            raise ValidationError(_l("The date and time must be in the future"))
        if moment > clock.now() + MESSAGE_AHEAD:
            raise ValidationError(_l("The date and time must be within a year from now"))

    def send_after(self) -> datetime | None:
        """When the message is due, in UTC; None for now."""
        return self.send_at.utc() if self.when.data == "later" else None
