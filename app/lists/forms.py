"""Forms of the contact-list pages."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Optional

from app.forms import (
    LANGUAGE_CHOICES,
    KutsuForm,
    NoControlCharacters,
    RadiosField,
    StoredLength,
    email_address_field,
)
from app.invitations.forms import PeopleListForm
from app.lists.inviting import MAX_DAYS_BEFORE
from app.organiser.event_form import _whole_number
from app.signup.forms import organisation_field


class ListForm(KutsuForm):
    name = StringField(
        _l("Name of the list"),
        description=_l("For example: Järjestöjen sote-ryhmä"),
        validators=[
            DataRequired(_l("Enter a name for the list")),
            Length(max=200, message=_l("Name must be 200 characters or fewer")),
            NoControlCharacters(),
            StoredLength(200, _l("Name must be 200 characters or fewer")),
        ],
    )
    purpose = TextAreaField(
        _l("Purpose"),
        description=_l(
            "Why people are on the list. Every email sent because of the list says this "
            "to its members."
        ),
        validators=[
            Optional(),
            Length(max=1000, message=_l("Use 1000 characters or fewer")),
            NoControlCharacters(),
            StoredLength(1000, _l("Use 1000 characters or fewer")),
        ],
    )


class AddMembersForm(PeopleListForm):
    language = RadiosField(
        _l("Language of those without a language column"),
        choices=LANGUAGE_CHOICES,
        description=_l("Their invitations are in this language."),
        validators=[InputRequired(_l("Choose the language"))],
        invalid_choice_message=_l("Choose the language"),
    )


class MemberForm(KutsuForm):
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(_l("Enter the name")),
            Length(max=200, message=_l("Name must be 200 characters or fewer")),
            NoControlCharacters(),
            StoredLength(200, _l("Name must be 200 characters or fewer")),
        ],
    )
    email = email_address_field(_l("Email address"))
    organisation = organisation_field()
    language = RadiosField(
        _l("Language"),
        choices=LANGUAGE_CHOICES,
        validators=[InputRequired(_l("Choose the language"))],
        invalid_choice_message=_l("Choose the language"),
    )


class ShareForm(KutsuForm):
    email = email_address_field(
        _l("Email address of the organiser"),
        description=_l("They need a Kutsu account. They may use and edit the list, not delete it."),
    )


DEFAULT_DAYS_BEFORE = 14


class InviteForm(KutsuForm):
    target = RadiosField(
        _l("Invite to"),
        validators=[InputRequired(_l("Choose the event or series"))],
        invalid_choice_message=_l("Choose the event or series"),
    )
    when = RadiosField(
        _l("When the invitations go out"),
        choices=[
            SelectChoice("now", _l("Now")),
            SelectChoice("before", _l("Some days before each meeting")),
        ],
        # Before each meeting, by default: "now" gives each member one invitation per
        # meeting of a series at once.
        default="before",
        validators=[InputRequired(_l("Choose when the invitations go out"))],
        invalid_choice_message=_l("Choose when the invitations go out"),
    )
    days_before = _whole_number(
        _l("Days before each meeting"),
        1,
        MAX_DAYS_BEFORE,
        not_a_number=_l("Enter the days before each meeting as a whole number, for example 7"),
        out_of_range=_l("Enter the days before each meeting as a number from 1 to 365"),
        default=DEFAULT_DAYS_BEFORE,
        description=_l(
            "If you chose some days before: for example 7. A meeting sooner than that is "
            "invited now."
        ),
    )

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if (
            self.when.data == "before"
            and self.days_before.data is None
            and not self.days_before.errors
        ):
            self.days_before.errors.append(
                _l("Enter the days before each meeting as a whole number, for example 7")
            )
            return False
        return valid
