"""Forms of the organisers' workshop pages: reviewing nominees and inviting people."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectChoice, SelectField, SelectMultipleField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.forms import LANGUAGE_CHOICES, KutsuForm, NoControlCharacters, RadiosField
from app.invitations.forms import PeopleListForm
from app.models import NominationStatus
from app.workshops.services import STATUS_LABELS

STATUS_CHOICES = [SelectChoice(status.value, STATUS_LABELS[status]) for status in NominationStatus]


class BulkStatusForm(KutsuForm):
    """A checkbox on each row of the nominations table, and the status to give them."""

    candidates = SelectMultipleField(
        _l("Nominees"),
        coerce=int,
        validate_choice=False,  # set_status changes only this event's nominees
        validators=[InputRequired(_l("Tick at least one nominee"))],
    )
    new_status = SelectField(
        _l("New status for the ticked nominees"),
        choices=STATUS_CHOICES,
        default=NominationStatus.SELECTED.value,
        invalid_choice_message=_l("Choose one of the statuses"),
    )


class CandidateForm(KutsuForm):
    status = RadiosField(
        _l("Status"),
        choices=STATUS_CHOICES,
        validators=[InputRequired(_l("Choose a status"))],
        invalid_choice_message=_l("Choose a status"),
    )
    notes = TextAreaField(
        _l("Notes"),
        description=_l(
            "Only the organisers of this event see these notes. They are never sent to the "
            "nominee or to the nominators."
        ),
        validators=[
            Optional(),
            Length(max=10000, message=_l("Use %(max)d characters or fewer")),
            NoControlCharacters(multiline=True),
        ],
    )


class InviteSelectedForm(KutsuForm):
    send_now = BooleanField(_l("Send now, not at the set time"))


class InviteListForm(PeopleListForm):
    language = RadiosField(
        _l("Language of the invitations"),
        choices=LANGUAGE_CHOICES,
        description=_l("Each person can still choose their language on the invitation page."),
        invalid_choice_message=_l("Choose the language"),
    )
    send_now = BooleanField(_l("Send now, not at the set time"))
