"""The public nomination form: the nominator, then one block per person proposed."""

import re

from flask_babel import lazy_gettext as _l
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    EmailField,
    Form,
    FormField,
    SelectChoice,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import InputRequired, Length, Optional

from app.bounds import number_order
from app.forms import (
    CheckboxesField,
    EmailAddress,
    KutsuForm,
    NoControlCharacters,
    SafeFieldList,
    StoredLength,
)
from app.models import Event
from app.nominations.regions import region_choices
from app.nominations.services import NomineeDetails, organisation_key
from app.text import clean_text, normalise_email

MAX_NOMINEES = 20
NAME_MAX = 200
EMAIL_MAX = 254
ORGANISATION_MAX = 200
ROLE_MAX = 200
JUSTIFICATION_MAX = 2000
PREFIX = "nominees"


def _text(label, max, message, *, required=None, normalise=clean_text, **kwargs):
    return StringField(
        label,
        validators=[
            InputRequired(required) if required else Optional(),
            Length(max=max, message=message),
            NoControlCharacters(),
            StoredLength(max, message, normalise),
        ],
        **kwargs,
    )


def _email(label, required, **kwargs):
    message = _l("Email address must be 254 characters or fewer")
    return EmailField(
        label,
        validators=[
            InputRequired(required),
            Length(max=EMAIL_MAX, message=message),
            NoControlCharacters(),
            StoredLength(EMAIL_MAX, message, normalise_email),
            EmailAddress(),
        ],
        **kwargs,
    )


class NomineeForm(Form):
    """One person proposed; its fields are made per event (the themes are the event's)."""

    def details(self) -> NomineeDetails:
        themes = getattr(self, "themes", None)
        return NomineeDetails(
            name=self.name.data,
            email=self.email.data,
            organisation=self.organisation.data or "",
            role=self.role.data or "",
            region=self.region.data or "",
            themes=list(themes.data or []) if themes is not None else [],
            justification=self.justification.data or "",
        )


def _nominee_fields(themes: list[str], options_lang: str) -> dict:
    # Made in page order: WTForms orders fields by when they were made.
    fields = {
        "name": _text(
            _l("Full name"),
            NAME_MAX,
            _l("Name must be 200 characters or fewer"),
            required=_l("Enter the name of the person you propose"),
        ),
        "email": _email(
            _l("Email address"),
            _l("Enter the email address of the person you propose"),
            description=_l("We tell them that you proposed them, and send any invitation here."),
        ),
        "organisation": _text(
            _l("Organisation"),
            ORGANISATION_MAX,
            _l("Organisation must be 200 characters or fewer"),
            description=_l(
                "Leave empty if they take part, for example, as an expert by experience."
            ),
        ),
        "role": _text(
            _l("Role or title"),
            ROLE_MAX,
            _l("Role or title must be 200 characters or fewer"),
        ),
        "region": SelectField(
            _l("Wellbeing services county or region"),
            choices=region_choices(SelectChoice("", _l("Not given"))),
            default="",
            invalid_choice_message=_l("Choose a wellbeing services county from the list"),
        ),
    }
    if themes:
        fields["themes"] = CheckboxesField(
            _l("Themes of expertise"),
            description=_l("Choose any that apply."),
            choices=[SelectChoice(theme) for theme in themes],
            render_kw={"data-options-lang": options_lang},
            invalid_choice_message=_l("Choose from the themes given"),
        )
    fields["justification"] = TextAreaField(
        _l("Why do you propose this person?"),
        description=_l("What they would bring to the workshop. The organisers read this."),
        validators=[
            InputRequired(_l("Tell us why you propose this person")),
            Length(
                max=JUSTIFICATION_MAX,
                message=_l("Use 2000 characters or fewer"),
            ),
            NoControlCharacters(multiline=True),
        ],
    )
    return fields


class NominationForm(KutsuForm):
    name = _text(
        _l("Your full name"),
        NAME_MAX,
        _l("Name must be 200 characters or fewer"),
        required=_l("Enter your full name"),
    )
    email = _email(
        _l("Your email address"),
        _l("Enter your email address"),
        description=_l("We send you a list of the people you proposed."),
    )
    organisation = _text(
        _l("Your organisation"),
        ORGANISATION_MAX,
        _l("Organisation must be 200 characters or fewer"),
        required=_l("Enter the name of your organisation"),
        normalise=organisation_key,
        description=_l("The organisation on whose behalf you propose people."),
    )

    def nominee_details(self) -> list[NomineeDetails]:
        return [entry.form.details() for entry in self.nominees.entries]

    def can_add(self) -> bool:
        return len(self.nominees.entries) < MAX_NOMINEES


def _confirm_field() -> BooleanField:
    return BooleanField(
        _l(
            "The people I propose may be contacted about this workshop, and I have told "
            "them that I am proposing them or may otherwise share their details"
        ),
        validators=[
            InputRequired(
                _l("Confirm that the people you propose may be contacted about this workshop")
            )
        ],
    )


def nomination_form_for(event: Event, **kwargs) -> NominationForm:
    nominee_form = type(
        "NomineeFormForEvent", (NomineeForm,), _nominee_fields(event.themes, event.language)
    )
    form_class = type(
        "NominationFormForEvent",
        (NominationForm,),
        {
            PREFIX: SafeFieldList(FormField(nominee_form), min_entries=1, max_entries=MAX_NOMINEES),
            "confirm": _confirm_field(),
        },
    )
    return form_class(**kwargs)


_NOMINEE_KEY = re.compile(rf"{PREFIX}-([0-9]+)-(.+)", re.ASCII | re.DOTALL)


def renumbered(formdata: MultiDict, *, remove: int | None = None) -> MultiDict:
    """The posted form with nominee blocks numbered 0, 1, 2… in the order they came,
    leaving out the block at position `remove`.

    Keys for nominee blocks that are not ASCII-numbered are dropped: WTForms would take
    "nominees-²-name" for a number and fail on it.
    """
    blocks: dict[tuple[int, str], list[tuple[str, str]]] = {}
    others = []
    for key, value in formdata.items(multi=True):
        if match := _NOMINEE_KEY.fullmatch(key):
            # Ordered as numbers, but never made one: int() fails on 5,000 digits.
            blocks.setdefault(number_order(match.group(1)), []).append((match.group(2), value))
        elif not key.startswith(f"{PREFIX}-"):
            others.append((key, value))
    kept = [blocks[index] for index in sorted(blocks)]
    if remove is not None and 0 <= remove < len(kept):
        del kept[remove]
    for position, fields in enumerate(kept[:MAX_NOMINEES]):
        others += [(f"{PREFIX}-{position}-{name}", value) for name, value in fields]
    return MultiDict(others)


def posted_index(value: str | None) -> int | None:
    """The block number a "Remove this nominee" button sent, if it is one."""
    if value and value.isascii() and value.isdigit() and len(value) < 4:
        return int(value)
    return None
