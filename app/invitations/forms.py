from flask_babel import lazy_gettext as _l
from wtforms import TextAreaField
from wtforms.validators import Length, Optional

from app.forms import KutsuForm, NoControlCharacters
from app.models import Event
from app.signup.forms import (
    AnswersForm,
    consent_field,
    organisation_field,
    person_name_field,
    with_questions,
)


class AcceptForm(AnswersForm):
    name = person_name_field()
    organisation = organisation_field()


def accept_form_for(event: Event, **kwargs) -> AcceptForm:
    return with_questions(AcceptForm, event, consent=consent_field)(**kwargs)


class DeclineForm(KutsuForm):
    reason = TextAreaField(
        _l("Reason"),
        description=_l("If you like, tell the organisers why. They see what you write here."),
        validators=[
            Optional(),
            Length(max=1000, message=_l("Use 1000 characters or fewer")),
            NoControlCharacters(multiline=True),
        ],
    )
