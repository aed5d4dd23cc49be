"""Forms for organisers: the event, its questions, co-organisers."""

from datetime import datetime

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    SelectChoice,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    StopValidation,
    ValidationError,
)

from app import clock
from app.forms import (
    LANGUAGE_CHOICES,
    CheckboxesField,
    EmailAddress,
    KutsuForm,
    NoControlCharacters,
    RadiosField,
    SafeFieldList,
    email_address_field,
)
from app.models import EventFormat, OrganiserRole, Participation, QuestionKind
from app.organiser.services import EventDetails, QuestionDetails

MAX_QUESTIONS = 30
DEFAULT_RETENTION_DAYS = 90
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]

FORMAT_CHOICES = [
    SelectChoice(EventFormat.IN_PERSON.value, _l("In person")),
    SelectChoice(EventFormat.ONLINE.value, _l("Online")),
    SelectChoice(EventFormat.HYBRID.value, _l("Hybrid: in person and online")),
]

REMINDER_CHOICES = [
    SelectChoice("10080", _l("One week before")),
    SelectChoice("2880", _l("Two days before")),
    SelectChoice("1440", _l("One day before")),
    SelectChoice("60", _l("One hour before, with the link to join (online and hybrid events)")),
]
# Ticked on a new event's form; an event in person then keeps only the two-day one.
NEW_EVENT_REMINDERS = ["2880", "60"]

KIND_CHOICES = [
    SelectChoice(QuestionKind.SHORT_TEXT.value, _l("Short text")),
    SelectChoice(QuestionKind.LONG_TEXT.value, _l("Long text")),
    SelectChoice(QuestionKind.SINGLE_CHOICE.value, _l("Choose one option")),
    SelectChoice(QuestionKind.MULTIPLE_CHOICE.value, _l("Choose one or more options")),
    SelectChoice(QuestionKind.YES_NO.value, _l("Yes or no")),
]


def _text(label, max_length, *, required_message=None, multiline=False, optional=True, **kwargs):
    # optional=False: may be empty, but the form's own validate_<field> still runs on it
    # (Optional() would stop every later check of an empty field).
    validators = []
    if required_message:
        validators.append(InputRequired(required_message))
    elif optional:
        validators.append(Optional())
    validators += [
        Length(max=max_length, message=_l("Use %(max)d characters or fewer")),
        NoControlCharacters(multiline=multiline),
    ]
    field = TextAreaField if multiline else StringField
    return field(label, validators=validators, **kwargs)


def _whole_number(label, low: int, high: int, message, **kwargs) -> IntegerField:
    """A number that may be left empty, else from low to high."""
    return IntegerField(
        label,
        validators=[Optional(), NumberRange(min=low, max=high, message=message)],
        **kwargs,
    )


def _moment(label, *, required_message=None, **kwargs):
    validators = [InputRequired(required_message)] if required_message else [Optional()]
    return DateTimeLocalField(
        label,
        validators=validators,
        format=DATETIME_FORMATS,
        render_kw={"data-hint": "YYYY-MM-DDTHH:MM"},
        **kwargs,
    )


PARTICIPATION_CHOICES = [
    SelectChoice(
        Participation.OPEN.value, _l("Open sign-up: anyone can sign up on the event page")
    ),
    SelectChoice(
        Participation.INVITATION.value,
        _l("By invitation: people are nominated or on your list, and you invite them by email"),
    ),
]


class OnlyByInvitation:
    """First check of a workshop setting: for an open event the setting is ignored."""

    def __call__(self, form, field):
        if form.participation.data != Participation.INVITATION:
            field.errors[:] = []
            raise StopValidation()


def _by_invitation(unbound):
    unbound.kwargs["validators"] = [OnlyByInvitation(), *unbound.kwargs.get("validators", [])]
    return unbound


LANGUAGES = [choice.value for choice in LANGUAGE_CHOICES]


def _lines(text: str | None) -> list[str]:
    stripped = (line.strip() for line in (text or "").splitlines())
    return list(dict.fromkeys(line for line in stripped if line))


class EventTextForm(Form):
    """The event's title and description in one more language."""

    title = _text(_l("Title"), 200)
    description = _text(_l("Description"), 20000, multiline=True)

    def translation(self) -> dict:
        given = {
            "title": (self.title.data or "").strip(),
            "description": self.description.data or "",
        }
        return given if any(given.values()) else {}


class QuestionTextForm(Form):
    """A question, its hint and its options in one more language."""

    label = _text(_l("Question"), 300)
    hint = _text(_l("Hint shown under the question"), 500)
    options = _text(
        _l("Options, one per line"),
        3000,
        multiline=True,
        description=_l("As many as in the main language, in the same order."),
    )

    def translation(self) -> dict:
        given = {
            "label": (self.label.data or "").strip(),
            "hint": (self.hint.data or "").strip(),
            "options": _lines(self.options.data),
        }
        return given if any(given.values()) else {}


def _translations(form, languages) -> dict:
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


class QuestionForm(Translated, Form):
    """One custom question; a sub-form of the event form."""

    id = HiddenField()
    label = _text(_l("Question"), 300)
    hint = _text(_l("Hint shown under the question"), 500)
    kind = SelectField(_l("Type of answer"), choices=KIND_CHOICES)
    options = _text(
        _l("Options, one per line"),
        3000,
        multiline=True,
        optional=False,
        description=_l("Only for questions with options to choose from."),
    )
    required = BooleanField(_l("An answer is required"))
    sensitive = BooleanField(
        _l("Sensitive: for example diets or accessibility needs (health data)"),
    )
    remove = BooleanField(_l("Remove this question"))
    text_fi = FormField(QuestionTextForm)
    text_sv = FormField(QuestionTextForm)
    text_en = FormField(QuestionTextForm)

    def option_list(self) -> list[str]:
        return _lines(self.options.data)

    def validate_options(self, field):
        choice = self.kind.data in (QuestionKind.SINGLE_CHOICE, QuestionKind.MULTIPLE_CHOICE)
        if choice and self.label.data and len(self.option_list()) < 2:
            raise ValidationError(_l("Give at least two options, one per line"))


class EventForm(Translated, KutsuForm):
    title = _text(_l("Title"), 200, required_message=_l("Enter a title"))
    description = _text(
        _l("Description"),
        20000,
        multiline=True,
        description=_l("You can use Markdown: **bold**, *italic*, lists and links."),
    )
    language = RadiosField(
        _l("Language of the title, description and questions"),
        choices=LANGUAGE_CHOICES,
        invalid_choice_message=_l("Choose the language"),
        description=_l(
            "Visitors see the event in their own language where you give it under "
            "“In other languages”, otherwise in this one."
        ),
    )
    text_fi = FormField(EventTextForm)
    text_sv = FormField(EventTextForm)
    text_en = FormField(EventTextForm)
    starts_at = _moment(
        _l("Starts"),
        required_message=_l("Enter the start date and time"),
        description=_l("Finnish time, for example 2026-03-17 17:00"),
    )
    ends_at = _moment(
        _l("Ends"),
        required_message=_l("Enter the end date and time"),
        description=_l("Finnish time"),
    )
    format = RadiosField(
        _l("Format"),
        choices=FORMAT_CHOICES,
        validators=[InputRequired(_l("Choose the format"))],
        invalid_choice_message=_l("Choose the format"),
    )
    venue_name = _text(
        _l("Venue"),
        200,
        optional=False,
        description=_l("For example: Kumppanuustalo, auditorium"),
    )
    venue_address = _text(_l("Address"), 300)
    join_link = URLField(
        _l("Online join link"),
        description=_l("Sent only to confirmed participants. Never shown on public pages."),
        validators=[
            Optional(),
            Length(max=500, message=_l("Use %(max)d characters or fewer")),
            NoControlCharacters(),
        ],
    )
    capacity = _whole_number(
        _l("Number of places"),
        1,
        100000,
        _l("Enter a number from 1 to 100000"),
        description=_l("Leave empty for no limit."),
    )
    waiting_list = BooleanField(_l("Keep a waiting list when the places are taken"))
    registration_opens_at = _moment(
        _l("Registration opens"), description=_l("Leave empty to open it when you publish.")
    )
    registration_closes_at = _moment(
        _l("Registration closes"), description=_l("Leave empty to close it when the event starts.")
    )
    contact_email = EmailField(
        _l("Contact email"),
        description=_l("Shown on the event page for questions."),
        validators=[
            Optional(),
            Length(max=254, message=_l("Use %(max)d characters or fewer")),
            NoControlCharacters(),
            EmailAddress(),
        ],
    )
    privacy_notice = _text(
        _l("Privacy notice"),
        10000,
        multiline=True,
        description=_l("Who keeps the data, why, and for how long. Shown on the sign-up form."),
    )
    retention_days = _whole_number(
        _l("Days the personal data is kept after the event"),
        1,
        3650,
        _l("Enter a number of days from 1 to 3650"),
        default=DEFAULT_RETENTION_DAYS,
        description=_l(
            "Then names, email addresses and answers are erased; only the numbers remain."
        ),
    )
    reminders = CheckboxesField(
        _l("Reminders by email"),
        description=_l("Sent to everyone with a confirmed place."),
        choices=REMINDER_CHOICES,
        invalid_choice_message=_l("Choose from the reminders given"),
    )
    # Workshops by invitation; ignored (and not kept) for an open event.
    participation = RadiosField(
        _l("Who can take part"),
        choices=PARTICIPATION_CHOICES,
        default=Participation.OPEN.value,
        invalid_choice_message=_l("Choose who can take part"),
    )
    nominations_open_at = _by_invitation(
        _moment(
            _l("Nominations open"),
            description=_l("Finnish time. Leave empty to open them when you publish."),
        )
    )
    nominations_close_at = _by_invitation(
        _moment(
            _l("Nominations close"),
            description=_l("Leave empty to take nominations until the event starts."),
        )
    )
    nominees_per_organisation = _by_invitation(
        _whole_number(
            _l("Nominees per nominating organisation"),
            1,
            1000,
            _l("Enter a number from 1 to 1000"),
            description=_l("The most people one organisation may nominate. Empty: no limit."),
        )
    )
    self_nomination = BooleanField(_l("People may nominate themselves"))
    themes = _by_invitation(
        _text(
            _l("Themes of expertise, one per line"),
            3000,
            multiline=True,
            optional=False,
            description=_l("Nominators tick the themes their nominee knows about."),
        )
    )
    invitations_send_at = _by_invitation(
        _moment(
            _l("When the invitations go out"),
            description=_l(
                "Finnish time, for example three weeks before. Leave empty to send them "
                "when you invite."
            ),
        )
    )
    reply_by = _by_invitation(
        _moment(
            _l("Reply by"),
            description=_l("Finnish time. After this the reply links in the invitation close."),
        )
    )
    invitation_reminder_days = _by_invitation(
        IntegerField(
            _l("Reminder to those who have not replied, days before the reply-by date"),
            default=3,
            description=_l("0 for no reminder."),
            validators=[
                InputRequired(_l("Enter a number of days, or 0 for no reminder")),
                NumberRange(min=0, max=60, message=_l("Enter a number from 0 to 60")),
            ],
        )
    )
    questions = SafeFieldList(FormField(QuestionForm), max_entries=MAX_QUESTIONS)
    add_question = SubmitField(_l("Add a question"))
    save = SubmitField(_l("Save"))

    def validate_ends_at(self, field):
        if field.data and self.starts_at.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The end must be after the start"))

    def validate_registration_closes_at(self, field):
        opens = self.registration_opens_at.data
        if field.data and opens and field.data <= opens:
            raise ValidationError(_l("Registration must close after it opens"))
        if field.data and self.ends_at.data and field.data > self.ends_at.data:
            raise ValidationError(_l("Registration must close before the event ends"))

    def validate_venue_name(self, field):
        in_person = self.format.data in (EventFormat.IN_PERSON, EventFormat.HYBRID)
        if in_person and not (field.data or "").strip():
            raise ValidationError(_l("Enter the venue of an event held in person"))

    def validate_join_link(self, field):
        if field.data and not field.data.startswith(("https://", "http://")):
            raise ValidationError(_l("Enter a link starting with https://"))

    def validate_questions(self, field):
        for entry in field.entries:
            sub = entry.form
            if not sub.remove.data and not (sub.label.data or "").strip() and sub.id.data:
                sub.label.errors.append(_l("Enter the question, or tick Remove"))
                raise ValidationError(_l("A question has no text"))
            if sub.remove.data or not sub.label.data:
                continue
            # Here, after each sub-form has validated itself (and reset its errors).
            for code in LANGUAGES:
                options = getattr(sub, f"text_{code}").form.options
                given = _lines(options.data)
                if given and len(given) != len(sub.option_list()):
                    options.errors.append(
                        _l("Give as many options as in the main language, in the same order")
                    )
                    raise ValidationError(_l("A translation has a different number of options"))

    def validate_nominations_open_at(self, field):
        if field.data and self.starts_at.data and field.data >= self.starts_at.data:
            raise ValidationError(_l("Nominations must open before the event starts"))

    def validate_nominations_close_at(self, field):
        opens = self.nominations_open_at.data
        if field.data and opens and field.data <= opens:
            raise ValidationError(_l("Nominations must close after they open"))
        if field.data and self.starts_at.data and field.data > self.starts_at.data:
            raise ValidationError(_l("Nominations must close before the event starts"))

    def validate_themes(self, field):
        if any(len(theme) > 100 for theme in self._theme_list()):
            raise ValidationError(_l("Use 100 characters or fewer for each theme"))

    def validate_invitations_send_at(self, field):
        if field.data and self.starts_at.data and field.data >= self.starts_at.data:
            raise ValidationError(_l("The invitations must go out before the event starts"))

    def validate_reply_by(self, field):
        sent = self.invitations_send_at.data
        if field.data and sent and field.data <= sent:
            raise ValidationError(_l("The reply-by date must be after the invitations go out"))
        if field.data and self.starts_at.data and field.data >= self.starts_at.data:
            raise ValidationError(_l("The reply-by date must be before the event starts"))

    def _theme_list(self) -> list[str]:
        lines = (line.strip() for line in (self.themes.data or "").splitlines())
        return list(dict.fromkeys(line for line in lines if line))

    def _workshop_details(self) -> dict:
        if self.participation.data != Participation.INVITATION:
            return {}  # an open event: every workshop setting back to its default
        return {
            "participation": Participation.INVITATION,
            "nominations_open_at": _utc_or_none(self.nominations_open_at.data),
            "nominations_close_at": _utc_or_none(self.nominations_close_at.data),
            "nominees_per_organisation": self.nominees_per_organisation.data,
            "self_nomination": self.self_nomination.data,
            "themes": self._theme_list(),
            "invitations_send_at": _utc_or_none(self.invitations_send_at.data),
            "reply_by": _utc_or_none(self.reply_by.data),
            "invitation_reminder_days": self.invitation_reminder_days.data,
        }

    def _reminder_minutes(self) -> list[int] | None:
        chosen = sorted({int(value) for value in self.reminders.data or []}, reverse=True)
        untouched = sorted(self.reminders.data or []) == sorted(NEW_EVENT_REMINDERS)
        if self.creating and untouched:
            return None  # the default for the format: one hour before only when online
        return chosen

    creating = False

    def other_languages(self) -> list[SelectChoice]:
        """The languages offered for translation: all but the one the text is written in
        (and that one too while it holds text typed before the main language changed)."""
        return [
            choice
            for choice in LANGUAGE_CHOICES
            if choice.value != self.main_language()
            or getattr(self, f"text_{choice.value}").form.translation()
        ]

    def main_language(self) -> str:
        return self.language.data or LANGUAGES[0]

    def details(self) -> EventDetails:
        others = [code for code in LANGUAGES if code != self.main_language()]
        return EventDetails(
            title=self.title.data.strip(),
            description=self.description.data or "",
            language=self.main_language(),
            translations=_translations(self, others),
            starts_at=clock.from_local(self.starts_at.data),
            ends_at=clock.from_local(self.ends_at.data),
            format=EventFormat(self.format.data),
            venue_name=(self.venue_name.data or "").strip(),
            venue_address=(self.venue_address.data or "").strip(),
            join_link=(self.join_link.data or "").strip(),
            capacity=self.capacity.data,
            waiting_list=self.waiting_list.data,
            registration_opens_at=_utc_or_none(self.registration_opens_at.data),
            registration_closes_at=_utc_or_none(self.registration_closes_at.data),
            contact_email=(self.contact_email.data or "").strip(),
            privacy_notice=self.privacy_notice.data or "",
            retention_days=self.retention_days.data or DEFAULT_RETENTION_DAYS,
            reminder_minutes=self._reminder_minutes(),
            **self._workshop_details(),
            questions=[
                QuestionDetails(
                    id=int(entry.form.id.data) if (entry.form.id.data or "").isdigit() else None,
                    label=entry.form.label.data.strip(),
                    hint=(entry.form.hint.data or "").strip(),
                    kind=QuestionKind(entry.form.kind.data),
                    options=entry.form.option_list(),
                    required=entry.form.required.data,
                    sensitive=entry.form.sensitive.data,
                    translations=_translations(entry.form, others),
                )
                for entry in self.questions.entries
                if not entry.form.remove.data and (entry.form.label.data or "").strip()
            ],
        )


def _utc_or_none(value: datetime | None):
    return clock.from_local(value) if value else None


def event_form_data(event) -> dict:
    """An existing event in the shape the form shows: Finnish wall-clock times."""

    def local(moment):
        return clock.to_local(moment).replace(tzinfo=None) if moment else None

    return {
        "title": event.title,
        "description": event.description,
        "language": event.language,
        **{f"text_{code}": text for code, text in event.translations.items()},
        "starts_at": local(event.starts_at),
        "ends_at": local(event.ends_at),
        "format": event.format.value,
        "venue_name": event.venue_name,
        "venue_address": event.venue_address,
        "join_link": event.join_link,
        "capacity": event.capacity,
        "waiting_list": event.waiting_list,
        "registration_opens_at": local(event.registration_opens_at),
        "registration_closes_at": local(event.registration_closes_at),
        "contact_email": event.contact_email,
        "privacy_notice": event.privacy_notice,
        "retention_days": event.retention_days,
        "reminders": [str(minutes) for minutes in event.reminder_minutes],
        "participation": event.participation.value,
        "nominations_open_at": local(event.nominations_open_at),
        "nominations_close_at": local(event.nominations_close_at),
        "nominees_per_organisation": event.nominees_per_organisation,
        "self_nomination": event.self_nomination,
        "themes": "\n".join(event.themes),
        "invitations_send_at": local(event.invitations_send_at),
        "reply_by": local(event.reply_by),
        "invitation_reminder_days": event.invitation_reminder_days,
        "questions": [
            {
                "id": str(question.id),
                "label": question.label,
                "hint": question.hint,
                "kind": question.kind.value,
                "options": "\n".join(question.options),
                "required": question.required,
                "sensitive": question.sensitive,
                **{
                    f"text_{code}": {**text, "options": "\n".join(text.get("options", []))}
                    for code, text in question.translations.items()
                },
            }
            for question in event.questions
        ],
    }


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
