"""The forms of an event's materials and of its follow-up messages."""

from datetime import datetime, timedelta
from urllib.parse import urlsplit

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, Form, FormField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, StopValidation, ValidationError

from app import clock
from app.followup.services import Draft
from app.forms import DateAndTimeField, KutsuForm, NoControlCharacters
from app.messages.forms import TranslatedVersions, plain_text, stripped, version_form
from app.models import FollowUpAudience

TITLE = dict(
    filters=[stripped],
    validators=[
        DataRequired(_l("Enter a title")),
        Length(max=200, message=_l("Use %(max)d characters or fewer")),
        NoControlCharacters(),
    ],
)


class LinkForm(KutsuForm):
    title = StringField(_l("Title of the link"), **TITLE)
    url = StringField(
        _l("Web address"),
        description=_l("Starts with https:// or http://"),
        filters=[stripped],
        validators=[
            DataRequired(_l("Enter the address")),
            Length(max=2000, message=_l("Use %(max)d characters or fewer")),
        ],
    )

    def validate_url(self, field):
        parts = urlsplit(field.data)
        if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
            raise ValidationError(_l("Enter an address that starts with https:// or http://"))
        if any(character.isspace() or ord(character) < 32 for character in field.data):
            raise ValidationError(_l("Enter the address without spaces"))


class FileForm(KutsuForm):
    title = StringField(_l("Title of the file"), **TITLE)
    upload = FileField(
        _l("File"),
        # The description, which names the size limit, is set by the view.
    )

    def validate_upload(self, field):
        if not field.data or not getattr(field.data, "filename", ""):
            raise StopValidation(_l("Choose a file"))


def _message_part(audience: FollowUpAudience) -> type[Form]:
    """One of the two messages: subject and text, both or neither, in the event's language
    and optionally in the others; and whether it carries the materials."""

    class MessagePart(TranslatedVersions, Form):
        subject = StringField(
            _l("Subject"),
            filters=[stripped],
            validators=[
                Length(max=200, message=_l("Use %(max)d characters or fewer")),
                NoControlCharacters(),
            ],
        )
        body = TextAreaField(
            _l("Message"),
            filters=[plain_text],
            description=_l(
                "Plain text: leave an empty line between paragraphs. The email begins with "
                "the person's name and ends with your name and the event's details."
            ),
            validators=[
                Length(max=10000, message=_l("Use %(max)d characters or fewer")),
                NoControlCharacters(multiline=True),
            ],
        )
        include_materials = BooleanField(
            _l("Include the materials: a personal link to them in each email"),
            default=audience == FollowUpAudience.ATTENDED,
        )
        text_fi = FormField(version_form("fi"))
        text_sv = FormField(version_form("sv"))
        text_en = FormField(version_form("en"))

        def validate_subject(self, field):
            if not field.data and (self.body.data or self.translations()):
                raise ValidationError(_l("Enter the subject, or leave this message empty"))

        def validate_body(self, field):
            if not field.data and self.subject.data:
                raise ValidationError(_l("Enter the message, or leave the subject empty"))

        def draft(self) -> Draft | None:
            if not (self.subject.data and self.body.data):
                return None
            return Draft(
                self.subject.data, self.body.data, self.translations(), self.include_materials.data
            )

    return MessagePart


SEND_AHEAD = timedelta(days=365)


class FollowUpForm(KutsuForm):
    """Set `ends_at` (the event's end) and `main_language` before validating."""

    attended = FormField(_message_part(FollowUpAudience.ATTENDED))
    absent = FormField(_message_part(FollowUpAudience.ABSENT))
    send_at = DateAndTimeField(
        _l("When to send them"),
        date_name=_l("the date to send them"),
        time_name=_l("the time to send them"),
        description=_l("Finnish time, after the event has ended."),
    )

    ends_at: datetime | None = None

    def set_language(self, language: str) -> None:
        for part in (self.attended, self.absent):
            part.form.main_language = language

    def drafts(self) -> dict[FollowUpAudience, Draft | None]:
        return {
            FollowUpAudience.ATTENDED: self.attended.form.draft(),
            FollowUpAudience.ABSENT: self.absent.form.draft(),
        }

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if valid and not any(self.drafts().values()):
            self.attended.form.subject.errors.append(_l("Write at least one of the two messages"))
            return False
        return valid

    def validate_send_at(self, field):
        if field.errors:
            raise StopValidation()
        if field.data is None:
            raise ValidationError(_l("Enter the date and time to send them"))
        moment = clock.from_local(field.data)
        if self.ends_at is not None and moment < self.ends_at:
            raise ValidationError(_l("The date and time must be after the event has ended"))
        if moment <= clock.now():
            raise ValidationError(_l("The date and time must be in the future"))
        if moment > clock.now() + SEND_AHEAD:
            raise ValidationError(_l("The date and time must be within a year from now"))
