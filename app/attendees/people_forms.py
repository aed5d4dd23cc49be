"""The organiser's forms for adding and editing a person, and for the private note. The
event's questions are the sign-up form's own (app.signup.forms.with_questions)."""

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.events.services import EventRow
from app.forms import (
    LANGUAGE_CHOICES,
    EmailAddress,
    KutsuForm,
    NoControlCharacters,
    RadiosField,
    StoredLength,
)
from app.models import NOTE_MAX, Event, EventFormat
from app.reports.person_region import asking_region, chosen_region
from app.signup.conditions import empty_answer
from app.signup.forms import (
    AnswersForm,
    organisation_field,
    stored_details_as_form_data,
    with_questions,
)
from app.signup.mode_form import chosen_mode, organiser_mode_field
from app.text import normalise_email

NAME_TOO_LONG = _l("Name must be 200 characters or fewer")
EMAIL_TOO_LONG = _l("Email address must be 254 characters or fewer")
NOTE_TOO_LONG = _l("Note must be 1000 characters or fewer")


class PersonForm(AnswersForm):
    """A person's details as an organiser enters them: the address may be left empty (a
    person who phoned may have none), and sensitive answers are kept only when the person
    agreed to it; without that they are not stored at all."""

    name = StringField(
        _l("Full name"),
        validators=[
            InputRequired(_l("Enter the person's full name")),
            Length(max=200, message=NAME_TOO_LONG),
            NoControlCharacters(),
            StoredLength(200, NAME_TOO_LONG),
        ],
    )
    email = EmailField(
        _l("Email address"),
        description=_l("Leave it empty if the person has none: no email is then sent to them."),
        validators=[
            Optional(),
            Length(max=254, message=EMAIL_TOO_LONG),
            NoControlCharacters(),
            StoredLength(254, EMAIL_TOO_LONG, normalise_email),
            EmailAddress(),
        ],
    )
    organisation = organisation_field()
    locale = RadiosField(
        _l("Language of their email"),
        choices=LANGUAGE_CHOICES,
        default="fi",
        validators=[InputRequired(_l("Choose the language of their email"))],
        invalid_choice_message=_l("Choose the language of their email"),
    )

    def validate(self, extra_validators=None) -> bool:
        # Not AnswersForm's: there an unticked consent with sensitive answers is an error;
        # here those answers are simply not kept.
        return KutsuForm.validate(self, extra_validators)

    def answers(self) -> dict[int, Any]:
        """The answers to store: sensitive ones emptied unless the person agreed."""
        collected = super().answers()
        if self.gave_sensitive_answers():
            return collected
        for field in self.question_fields():
            if field.render_kw.get("data-sensitive"):
                question_id = int(field.name.removeprefix("q_"))
                collected[question_id] = empty_answer(collected[question_id])
        return collected

    def details(self) -> dict[str, Any]:
        """The person's details as the services take them."""
        return {
            "name": self.name.data,
            "email": (self.email.data or "").strip(),
            "organisation": self.organisation.data or "",
            "region": chosen_region(self),
            "locale": self.locale.data,
            "answers": self.answers(),
            "sensitive_consent": self.gave_sensitive_answers(),
            "mode": chosen_mode(self),
        }


def note_field() -> TextAreaField:
    return TextAreaField(
        _l("Note for organisers"),
        description=_l(
            "For example “signed up by phone”. Only the organisers of this event see it: "
            "it is never shown or sent to the person."
        ),
        validators=[
            Optional(),
            Length(max=NOTE_MAX, message=NOTE_TOO_LONG),
            NoControlCharacters(multiline=True),
            StoredLength(NOTE_MAX, NOTE_TOO_LONG),
        ],
    )


def organiser_consent_field() -> BooleanField:
    """The consent a person gave on the phone (GDPR art. 9), as the organiser records it."""
    return BooleanField(
        _l("The person agreed that these answers are kept"),
        description=_l("Without this, answers to the questions marked sensitive are not kept."),
    )


def send_confirmation_field() -> BooleanField:
    return BooleanField(
        _l("Email the person a confirmation"),
        default=True,
        description=_l(
            "When an email address is given: with a link to see, change or cancel their "
            "registration."
        ),
    )


def send_update_field() -> BooleanField:
    return BooleanField(_l("Email the person their updated details"))


class NoteForm(KutsuForm):
    note = note_field()


def _fields_after(event: Event | EventRow, **more) -> dict:
    after = {}
    if any(question.sensitive for question in event.questions):
        after["sensitive_consent"] = organiser_consent_field
    return after | more


def add_person_form_for(event: Event, **kwargs) -> PersonForm:
    # A hybrid event's: in person or online (app.signup.mode_form).
    modes = {"mode": organiser_mode_field} if event.format == EventFormat.HYBRID else {}
    after = _fields_after(event, **modes, note=note_field, send_mail=send_confirmation_field)
    return with_questions(asking_region(PersonForm, event), event, **after)(**kwargs)


def edit_person_form_for(event: Event, **kwargs) -> PersonForm:
    after = _fields_after(event, send_update=send_update_field)
    return with_questions(asking_region(PersonForm, event), event, **after)(**kwargs)


def person_as_form_data(registration) -> dict[str, Any]:
    """The stored person in the shape the edit form expects."""
    data = stored_details_as_form_data(registration)
    data["sensitive_consent"] = registration.sensitive_consent_at is not None
    return data | {
        "email": registration.email,
        "locale": registration.locale,
        "region": registration.region,
    }
