"""The event form: an event's texts, time and place, registration, questions, workshop
settings, privacy and reminders."""

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    Form,
    FormField,
    IntegerField,
    SelectChoice,
    SelectField,
    SubmitField,
    URLField,
)
from wtforms.validators import (
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from app import clock
from app.bounds import database_id
from app.forms import (
    LANGUAGE_CHOICES,
    CheckboxesField,
    DateAndTimeField,
    EmailAddress,
    KutsuForm,
    NoControlCharacters,
    RadiosField,
    SafeFieldList,
)
from app.models import EventFormat, Participation, QuestionKind
from app.nominations.regions import region_choices
from app.organiser.question_form import MAX_QUESTIONS, QuestionForm
from app.organiser.services import EventDetails, QuestionDetails
from app.organiser.translated import (
    LANGUAGES,
    Translated,
    lines,
    special_characters,
    text_field,
    too_long,
    translations_of,
)
from app.organiser.workshop_settings import (
    PARTICIPATION_CHOICES,
    WorkshopSettings,
    by_invitation,
)
from app.places.group_settings import group_rule_field, group_size_field
from app.places.settings import TakingPartSettings, taking_part_form_data
from app.reports.person_region import RegionQuestionSetting, region_question_form_data
from app.signup.condition_settings import (
    QuestionConditions,
    condition_form_data,
    kept_question,
)
from app.waiting_list.settings import offer_hours_field

DEFAULT_RETENTION_DAYS = 90

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


def _whole_number(label, low: int, high: int, *, not_a_number, out_of_range, **kwargs):
    """A number that may be left empty, else from low to high; both errors name the field."""
    return IntegerField(
        label,
        validators=[Optional(), NumberRange(min=low, max=high, message=out_of_range)],
        invalid_value_message=not_a_number,
        **kwargs,
    )


def _moment(label, *, required_message=None, **kwargs):
    validators = [InputRequired(required_message)] if required_message else [Optional()]
    return DateAndTimeField(label, validators=validators, **kwargs)


class EventTextForm(Form):
    """The event's title and description in one more language."""

    title = text_field(_l("Title"), 200)
    description = text_field(_l("Description"), 20000, multiline=True)

    def translation(self) -> dict:
        given = {
            "title": (self.title.data or "").strip(),
            "description": self.description.data or "",
        }
        return given if any(given.values()) else {}


class EventForm(
    Translated,
    WorkshopSettings,
    TakingPartSettings,
    RegionQuestionSetting,
    QuestionConditions,
    KutsuForm,
):
    """The event form, its fields in the order of the page (the error summary's order)."""

    language = RadiosField(
        _l("Language of the title, description and questions"),
        choices=LANGUAGE_CHOICES,
        invalid_choice_message=_l("Choose the language"),
        description=_l(
            "Visitors see the event in their own language where you give it under "
            "“In other languages”, otherwise in this one."
        ),
    )
    title = text_field(_l("Title"), 200, required_message=_l("Enter a title"))
    description = text_field(
        _l("Description"),
        20000,
        multiline=True,
        description=_l("You can use Markdown: **bold**, *italic*, lists and links."),
    )
    text_fi = FormField(EventTextForm)
    text_sv = FormField(EventTextForm)
    text_en = FormField(EventTextForm)
    contact_email = EmailField(
        _l("Contact email"),
        description=_l("Shown on the event page for questions."),
        validators=[
            Optional(),
            Length(max=254, message=too_long(_l("Contact email"), 254)),
            NoControlCharacters(message=special_characters(_l("Contact email"))),
            EmailAddress(
                _l("Enter the contact email in the correct format, like name@example.fi"),
                letters_message=_l(
                    "Enter the contact email without letters like ä or ö before the @"
                ),
            ),
        ],
    )
    starts_at = _moment(
        _l("Starts"),
        required_message=_l("Enter the start date and time"),
        description=_l("Finnish time."),
        date_name=_l("the start date"),
        time_name=_l("the start time"),
    )
    ends_at = _moment(
        _l("Ends"),
        required_message=_l("Enter the end date and time"),
        description=_l("Finnish time."),
        date_name=_l("the end date"),
        time_name=_l("the end time"),
    )
    format = RadiosField(
        _l("Format"),
        choices=FORMAT_CHOICES,
        validators=[InputRequired(_l("Choose the format"))],
        invalid_choice_message=_l("Choose the format"),
    )
    venue_name = text_field(
        _l("Venue"),
        200,
        optional=False,
        description=_l("For example: Kumppanuustalo, auditorium"),
    )
    venue_address = text_field(_l("Address"), 300)
    join_link = URLField(
        _l("Online join link"),
        description=_l("Sent only to confirmed participants. Never shown on public pages."),
        validators=[
            Optional(),
            Length(max=500, message=too_long(_l("Online join link"), 500)),
            NoControlCharacters(message=special_characters(_l("Online join link"))),
        ],
    )
    region = SelectField(
        _l("Wellbeing services county"),
        choices=region_choices(SelectChoice("", _l("Whole country or online"))),
        default="",
        description=_l("Whom the event is for. The public calendar can be filtered by it."),
        invalid_choice_message=_l("Choose a wellbeing services county from the list"),
    )
    themes = text_field(
        _l("Themes, one per line"),
        3000,
        multiline=True,
        optional=False,
        description=_l(
            "For example: mental health, employment. The public calendar can be filtered "
            "by them, and nominators of a workshop tick the themes their nominee knows about."
        ),
    )
    participation = RadiosField(
        _l("Who can take part"),
        choices=PARTICIPATION_CHOICES,
        default=Participation.OPEN.value,
        invalid_choice_message=_l("Choose who can take part"),
    )
    capacity = _whole_number(
        _l("Number of places"),
        1,
        100000,
        not_a_number=_l("Enter the number of places as a whole number, for example 40"),
        out_of_range=_l("The number of places must be from 1 to 100000"),
        description=_l("Leave empty for no limit."),
    )
    waiting_list = BooleanField(_l("Keep a waiting list when the places are taken"))
    group_size_max = group_size_field()
    group_rule = group_rule_field()
    offer_hours = offer_hours_field()
    registration_opens_at = _moment(
        _l("Registration opens"),
        description=_l("Leave empty to open it when you publish."),
        date_name=_l("the date registration opens"),
        time_name=_l("the time registration opens"),
    )
    registration_closes_at = _moment(
        _l("Registration closes"),
        description=_l("Leave empty to close it when the event starts."),
        date_name=_l("the date registration closes"),
        time_name=_l("the time registration closes"),
    )
    # Workshops by invitation; ignored (and not kept) for an open event.
    nominations_open_at = by_invitation(
        _moment(
            _l("Nominations open"),
            description=_l("Finnish time. Leave empty to open them when you publish."),
            date_name=_l("the date nominations open"),
            time_name=_l("the time nominations open"),
        )
    )
    nominations_close_at = by_invitation(
        _moment(
            _l("Nominations close"),
            description=_l("Leave empty to take nominations until the event starts."),
            date_name=_l("the date nominations close"),
            time_name=_l("the time nominations close"),
        )
    )
    nominees_per_organisation = by_invitation(
        _whole_number(
            _l("Nominees per nominating organisation"),
            1,
            1000,
            not_a_number=_l("Enter the nominees per organisation as a whole number, for example 2"),
            out_of_range=_l("The nominees per organisation must be from 1 to 1000"),
            description=_l("The most people one organisation may nominate. Empty: no limit."),
        )
    )
    self_nomination = BooleanField(_l("People may nominate themselves"))
    invitations_send_at = by_invitation(
        _moment(
            _l("When the invitations go out"),
            description=_l(
                "Finnish time, for example three weeks before. Leave empty to send them "
                "when you invite."
            ),
            date_name=_l("the date the invitations go out"),
            time_name=_l("the time the invitations go out"),
        )
    )
    reply_by = by_invitation(
        _moment(
            _l("Reply by"),
            description=_l("Finnish time. After this the reply links in the invitation close."),
            date_name=_l("the reply-by date"),
            time_name=_l("the reply-by time"),
        )
    )
    invitation_reminder_days = by_invitation(
        IntegerField(
            _l("Reminder to those who have not replied, days before the reply-by date"),
            default=3,
            description=_l("0 for no reminder."),
            invalid_value_message=_l(
                "Enter the days before the reply-by date for the reminder as a whole number, "
                "for example 3"
            ),
            validators=[
                InputRequired(
                    _l("Enter the days before the reply-by date for the reminder, or 0 for none")
                ),
                NumberRange(
                    min=0,
                    max=60,
                    message=_l("The days before the reply-by date must be from 0 to 60"),
                ),
            ],
        )
    )
    questions = SafeFieldList(FormField(QuestionForm), max_entries=MAX_QUESTIONS)
    add_question = SubmitField(_l("Add a question"))
    privacy_notice = text_field(
        _l("Privacy notice"),
        10000,
        multiline=True,
        description=_l("Who keeps the data, why, and for how long. Shown on the sign-up form."),
    )
    retention_days = _whole_number(
        _l("Days the personal data is kept after the event"),
        1,
        3650,
        not_a_number=_l(
            "Enter the days the personal data is kept as a whole number, for example 90"
        ),
        out_of_range=_l("The days the personal data is kept must be from 1 to 3650"),
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
            raise ValidationError(_l("The online join link must start with https://"))

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
                given = lines(options.data)
                if given and len(given) != len(sub.option_list()):
                    options.errors.append(
                        _l("Give as many options as in the main language, in the same order")
                    )
                    raise ValidationError(_l("A translation has a different number of options"))

    def _reminder_minutes(self) -> list[int] | None:
        chosen = sorted({int(value) for value in self.reminders.data or []}, reverse=True)
        untouched = sorted(self.reminders.data or []) == sorted(NEW_EVENT_REMINDERS)
        if self.creating and untouched:
            return None  # the default for the format: one hour before only when online
        return chosen

    creating = False
    question_added = False  # "Add a question" was pressed: the page comes back to it

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
            translations=translations_of(self, others),
            starts_at=self.starts_at.utc(),
            ends_at=self.ends_at.utc(),
            format=EventFormat(self.format.data),
            venue_name=(self.venue_name.data or "").strip(),
            venue_address=(self.venue_address.data or "").strip(),
            region=self.region.data or "",
            themes=self._theme_list(),
            join_link=(self.join_link.data or "").strip(),
            capacity=self.capacity.data,
            waiting_list=self.waiting_list.data,
            registration_opens_at=self.registration_opens_at.utc(),
            registration_closes_at=self.registration_closes_at.utc(),
            contact_email=(self.contact_email.data or "").strip(),
            privacy_notice=self.privacy_notice.data or "",
            retention_days=self.retention_days.data or DEFAULT_RETENTION_DAYS,
            reminder_minutes=self._reminder_minutes(),
            **self.workshop_details(),
            **self.taking_part_details(),
            **self.region_question_details(),
            questions=[
                QuestionDetails(
                    id=database_id(entry.form.id.data),
                    label=entry.form.label.data.strip(),
                    hint=(entry.form.hint.data or "").strip(),
                    kind=QuestionKind(entry.form.kind.data),
                    options=entry.form.option_list(),
                    required=entry.form.required.data,
                    sensitive=entry.form.sensitive.data,
                    translations=translations_of(entry.form, others),
                    shown_if=shown_if,
                    shown_if_options=values,
                )
                for entry, (shown_if, values) in zip(
                    filter(kept_question, self.questions.entries),
                    self.question_conditions(),
                    strict=True,
                )
            ],
        )


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
        "region": event.region,
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
        **taking_part_form_data(event),
        **region_question_form_data(event),
        "questions": [
            {
                "id": str(question.id),
                "label": question.label,
                "hint": question.hint,
                "kind": question.kind.value,
                "options": "\n".join(question.options),
                "required": question.required,
                "sensitive": question.sensitive,
                "shown_if": condition_form_data(question, event.questions),
                **{
                    f"text_{code}": {**text, "options": "\n".join(text.get("options", []))}
                    for code, text in question.translations.items()
                },
            }
            for question in event.questions
        ],
    }
