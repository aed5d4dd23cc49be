"""An organiser adding a person (who phoned, say), the person's page, editing their
details and the organisers' private note. A blueprint of its own ("people"), beside the
attendee list's: not for check-in helpers."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user

from app import audit
from app.attendees import people_services as services
from app.attendees.people_forms import (
    NoteForm,
    PersonForm,
    add_person_form_for,
    edit_person_form_for,
    person_as_form_data,
)
from app.database import reading
from app.extensions import db
from app.models import AuditAction, RegistrationStatus
from app.organiser.access import event_or_404
from app.places.services import waiting_position

bp = Blueprint("people", __name__, url_prefix="/organiser")


@bp.before_request
def require_login():
    """Every page here needs a signed-in organiser; which events they may open is
    event_or_404's (check-in helpers none)."""
    with reading():
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
    return None


@bp.route("/events/<int:event_id>/attendees/new", methods=["GET", "POST"])
def add(event_id: int):
    event = event_or_404(event_id)
    form = add_person_form_for(event)
    if not form.validate_on_submit():
        return render_template("attendees/person_add.html", event=event, form=form)
    try:
        added = services.add_person(
            event,
            _details(form),
            note=form.note.data or "",
            send_mail=form.send_mail.data,
        )
    except services.PersonRefused as refusal:
        db.session.rollback()
        return _refused(event, form, refusal)
    audit.record(
        AuditAction.ADDED_PERSON, event=event, detail=f"registration {added.registration_id}"
    )
    db.session.commit()
    flash(_added_message(added), "success")
    return redirect(
        url_for("people.show", event_id=event.id, registration_id=added.registration_id), code=303
    )


def _details(form: PersonForm) -> services.PersonDetails:
    return services.PersonDetails(**form.details())


def _added_message(added: services.Added) -> str:
    if added.status == RegistrationStatus.CONFIRMED:
        return _("Added: confirmed")
    return _("Added to the waiting list, position %(position)d", position=added.position)


def _refused(event, form: PersonForm, refusal: services.PersonRefused, person=None):
    """The form again, with why: at the address's field, or for the whole event."""
    existing = None
    if isinstance(refusal, services.AlreadyRegistered):
        form.email.errors = [_("Someone with this email address is already registered")]
        existing = refusal.registration_id
    elif isinstance(refusal, services.NoPlaces):
        flash(_("The event is full and has no waiting list"), "error")
    else:
        flash(_("People can be added only to a published event that is not cancelled"), "error")
    page = "attendees/person_edit.html" if person else "attendees/person_add.html"
    shown = render_template(page, event=event, form=form, person=person, existing=existing)
    return shown, 409


def _person_page(event, person, *, sensitive: bool, note_form: NoteForm):
    """The person's page; a look at their data, logged as the attendee list's is."""
    detail = f"registration {person.id}" + (" sensitive" if sensitive else "")
    audit.record(AuditAction.VIEWED_ATTENDEES, event=event, detail=detail)
    return render_template(
        "attendees/person.html",
        event=event,
        person=person,
        sensitive=sensitive,
        answers=edit_person_form_for(event, formdata=None, data=person_as_form_data(person)),
        position=waiting_position(person),
        note_form=note_form,
    )


def _person_or_404(event, registration_id: int):
    person = services.find_person(event, registration_id)
    if person is None:
        abort(404)
    return person


@bp.get("/events/<int:event_id>/attendees/<int:registration_id>")
def show(event_id: int, registration_id: int):
    event = event_or_404(event_id)
    person = _person_or_404(event, registration_id)
    sensitive = request.args.get("sensitive") == "1"
    note_form = NoteForm(data={"note": person.note})
    return _person_page(event, person, sensitive=sensitive, note_form=note_form)


@bp.route("/events/<int:event_id>/attendees/<int:registration_id>/edit", methods=["GET", "POST"])
def edit(event_id: int, registration_id: int):
    event = event_or_404(event_id)
    person = _person_or_404(event, registration_id)
    form = edit_person_form_for(event, data=person_as_form_data(person))
    if not form.validate_on_submit():
        # The form holds every answer, sensitive ones too: it is a look at them.
        detail = f"registration {person.id} edit"
        audit.record(AuditAction.VIEWED_ATTENDEES, event=event, detail=detail)
        db.session.commit()  # after a refused post, the entry is all there is to keep
        return render_template("attendees/person_edit.html", event=event, form=form, person=person)
    try:
        services.edit_person(person, _details(form), tell=form.send_update.data)
    except services.PersonRefused as refusal:
        db.session.rollback()
        return _refused(event, form, refusal, person=_person_or_404(event, registration_id))
    audit.record(AuditAction.EDITED_PERSON, event=event, detail=f"registration {person.id}")
    db.session.commit()
    flash(_("Saved the changes."), "success")
    return redirect(url_for("people.show", event_id=event.id, registration_id=person.id), code=303)


@bp.post("/events/<int:event_id>/attendees/<int:registration_id>/note")
def note(event_id: int, registration_id: int):
    event = event_or_404(event_id)
    person = _person_or_404(event, registration_id)
    form = NoteForm()
    if not form.validate_on_submit():
        page = _person_page(event, person, sensitive=False, note_form=form)
        db.session.commit()  # the audit entry
        return page
    services.change_note(person, form.note.data or "")
    audit.record(AuditAction.CHANGED_NOTE, event=event, detail=f"registration {person.id}")
    db.session.commit()
    flash(_("Saved the note."), "success")
    return redirect(url_for("people.show", event_id=event.id, registration_id=person.id), code=303)
