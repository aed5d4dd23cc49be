"""Administrators: one person's data on request (export or erase) and the audit log."""

import json

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required

from app import audit, clock
from app.admin.forms import EraseForm, PersonForm
from app.bounds import page_number
from app.downloads import attachment
from app.extensions import db
from app.models import AuditAction
from app.privacy import export, services

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def admins_only():
    # 404 as elsewhere: the pages of others do not exist as far as anyone can tell.
    if not current_user.is_admin:
        abort(404)


@bp.route("/people", methods=["GET", "POST"])
def people():
    """Look up an address; what is held about it, with export and erase."""
    form = PersonForm(request.args if request.method == "GET" else None)
    held = None
    if request.args.get("email") and form.validate():
        held = services.held_about(form.email.data)
    erase_form = EraseForm(data={"email": form.email.data})
    return render_template("admin/people.html", form=form, held=held, erase_form=erase_form)


@bp.post("/people/export")
def export_person():
    form = PersonForm()
    if not form.validate():
        abort(400)
    data = export.export_person(form.email.data, clock.now())
    audit.record(AuditAction.EXPORTED_PERSON, detail=data["email"])
    db.session.commit()
    name = f"kutsu-{data['email'].replace('@', '-at-')}.json"
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2),
        mimetype="application/json",
        headers={"Content-Disposition": attachment(name)},
    )


@bp.post("/people/erase")
def erase_person():
    form = EraseForm()
    if not form.validate():
        held = services.held_about(form.email.data or "") if form.email.data else None
        lookup = PersonForm(data={"email": form.email.data})
        return render_template("admin/people.html", form=lookup, held=held, erase_form=form)
    held = services.erase_person(form.email.data)
    audit.record(AuditAction.ERASED_PERSON, detail=held.email)
    db.session.commit()
    erased = [
        ngettext("%(num)d registration", "%(num)d registrations", len(held.registrations)),
        ngettext("%(num)d nomination of them", "%(num)d nominations of them", len(held.candidates)),
        ngettext(
            "%(num)d nomination by them", "%(num)d nominations by them", len(held.nominations_made)
        ),
        ngettext("%(num)d invitation", "%(num)d invitations", len(held.invitations)),
    ]
    flash(_("Erased: %(what)s.", what=", ".join(erased)), "success")
    return redirect(url_for("admin.people"), code=303)


@bp.get("/audit")
def audit_log():
    page = audit.audit_page(request.args.get("page", 1, type=page_number))
    return render_template("admin/audit.html", page=page, labels=AUDIT_LABELS)


AUDIT_LABELS = {
    AuditAction.VIEWED_ATTENDEES: _l("Viewed the attendee list"),
    AuditAction.VIEWED_DOOR_LIST: _l("Viewed the door list"),
    AuditAction.EXPORTED_ATTENDEES: _l("Downloaded the attendees"),
    AuditAction.VIEWED_NOMINATIONS: _l("Viewed the nominations"),
    AuditAction.VIEWED_NOMINEE: _l("Viewed a nominee"),
    AuditAction.EXPORTED_NOMINATIONS: _l("Downloaded the nominations"),
    AuditAction.ADDED_ORGANISER: _l("Added a co-organiser"),
    AuditAction.REMOVED_ORGANISER: _l("Removed a co-organiser or helper"),
    AuditAction.TRANSFERRED_OWNER: _l("Gave the event to another owner"),
    AuditAction.EXPORTED_PERSON: _l("Exported one person's data"),
    AuditAction.ERASED_PERSON: _l("Erased one person's data"),
    AuditAction.RETRIED_MAIL: _l("Sent undelivered email again"),
    AuditAction.CHANGED_NAME: _l("Changed their name"),
    AuditAction.CHANGED_EMAIL: _l("Changed their email address"),
    AuditAction.CHANGED_PASSWORD: _l("Changed their password"),
    AuditAction.TWO_STEP_ON: _l("Turned two-step sign-in on"),
    AuditAction.TWO_STEP_OFF: _l("Turned two-step sign-in off"),
    AuditAction.TWO_STEP_RESET: _l("Reset someone's two-step sign-in"),
    AuditAction.TWO_STEP_REQUIRED: _l("Changed whom two-step sign-in is required of"),
    AuditAction.USED_RECOVERY_CODE: _l("Signed in with a recovery code"),
    AuditAction.CANCELLED_REGISTRATION: _l("Cancelled a registration"),
    AuditAction.MOVED_FROM_WAITING_LIST: _l("Moved a person from the waiting list"),
    AuditAction.MOVED_OVER_CAPACITY: _l("Moved a person over the capacity"),
    AuditAction.RESENT_CONFIRMATION: _l("Sent a confirmation again"),
    AuditAction.INVITED_ACCOUNT: _l("Invited a person to make an account"),
    AuditAction.WITHDREW_INVITATION: _l("Withdrew an invitation to make an account"),
    AuditAction.ACCEPTED_INVITATION: _l("Made an account from an invitation"),
    AuditAction.CHANGED_ROLE: _l("Changed an account's role"),
    AuditAction.DEACTIVATED_ACCOUNT: _l("Deactivated an account"),
    AuditAction.REACTIVATED_ACCOUNT: _l("Reactivated an account"),
}
