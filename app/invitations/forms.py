from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional

from app.forms import NoControlCharacters, StoredLength
from app.models import Event
from app.signup.forms import AnswersForm, consent_field, with_questions


class AcceptForm(AnswersForm):
    name = StringField(
        _l("Full name"),
        validators=[
            InputRequired(_l("Enter your full name")),
            Length(max=200, message=_l("Name must be 200 characters or fewer")),
            NoControlCharacters(),
            StoredLength(200, _l("Name must be 200 characters or fewer")),
        ],
    )
    organisation = StringField(
        _l("Organisation"),
        validators=[
            Optional(),
            Length(max=200, message=_l("Organisation must be 200 characters or fewer")),
            NoControlCharacters(),
            StoredLength(200, _l("Organisation must be 200 characters or fewer")),
        ],
    )


def accept_form_for(event: Event, **kwargs) -> AcceptForm:
    return with_questions(AcceptForm, event, consent=consent_field)(**kwargs)


class DeclineForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        description=_l("If you like, tell the organisers why. They see what you write here."),
        validators=[
            Optional(),
            Length(max=1000, message=_l("Use 1000 characters or fewer")),
            NoControlCharacters(multiline=True),
        ],
    )
