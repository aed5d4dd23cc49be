from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_wtf.file import FileAllowed, FileField, FileSize
from wtforms import Field, TextAreaField
from wtforms.validators import Length, Optional

from app.forms import KutsuForm, NoControlCharacters
from app.invitations import services
from app.invitations.services import Invitee, ListProblem
from app.models import Event
from app.signup.forms import (
    AnswersForm,
    consent_field,
    organisation_field,
    person_name_field,
    with_questions,
)
from app.uploads import MAX_FILE_BYTES, UploadRefused


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


MAX_UPLOAD_BYTES = MAX_FILE_BYTES
MAX_PASTED_CHARACTERS = 200_000


class PeopleListForm(KutsuForm):
    """A list of people pasted or uploaded: for invitations and for contact lists."""

    pasted = TextAreaField(
        _l("Paste the addresses"),
        description=_l(
            "One person a line: name; email; organisation; language (fi, sv or en) – or just "
            "the email address. Columns copied from Excel work too."
        ),
        # Special characters are reported by line, with the rest of the list's problems.
        validators=[
            Optional(),
            Length(max=MAX_PASTED_CHARACTERS, message=_l("Use %(max)d characters or fewer")),
        ],
    )
    upload = FileField(
        _l("Or upload a file"),
        description=_l(
            "CSV or Excel (.xlsx), at most 1 MB, with the columns name, email, organisation "
            "and language (fi, sv or en; optional). A header row is fine."
        ),
        validators=[
            FileAllowed(["csv", "xlsx"], _l("Choose a .csv or .xlsx file")),
            FileSize(MAX_UPLOAD_BYTES, message=_l("The file must be 1 MB or smaller")),
        ],
    )


def read_people_list(
    form: PeopleListForm,
) -> tuple[list[Invitee], list[ListProblem], Field | None]:
    """(people, problems by line, the field to show them at); nothing is saved here."""
    upload = form.upload.data
    pasted = (form.pasted.data or "").strip()
    if upload and pasted:
        form.pasted.errors.append(_("Paste a list or upload a file, not both"))
        return [], [], None
    if upload:
        field = form.upload
        try:
            people, problems = services.read_uploaded_list(
                upload.filename, upload.read(MAX_UPLOAD_BYTES + 1)
            )
        except UploadRefused as refused:
            field.errors.append(str(refused))
            return [], [], field
    elif pasted:
        people, problems = services.read_pasted_list(form.pasted.data)
        field = form.pasted
    else:
        form.pasted.errors.append(_("Paste the addresses, or choose a file to upload"))
        return [], [], None
    if problems:
        field.errors.append(
            ngettext(
                "%(num)d line has a problem. Nothing was imported: correct the list and "
                "send it again.",
                "%(num)d lines have a problem. Nothing was imported: correct the list and "
                "send it again.",
                len(problems),
            )
        )
    elif not people:
        field.errors.append(_("There are no email addresses on the list"))
    return people, problems, field
