"""An organiser cancels registrations, moves people from the waiting list and sends a
confirmation again: one person's, or those ticked on the attendee list. Owners,
co-organisers and admins only (event_or_404 refuses check-in helpers)."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required

from app import audit
from app.attendees import changes_services as changes
from app.attendees.changes_forms import CancelForm, MoveForm, ResendForm, chosen_ids
from app.extensions import db
from app.models import AuditAction, EventStatus, Registration, RegistrationStatus
from app.organiser.access import event_or_404

bp = Blueprint("attendee_changes", __name__, url_prefix="/organiser")


@bp.before_request
@login_required
def require_login():
    """Every page here needs a signed-in organiser."""


@bp.route("/events/<int:event_id>/attendees/cancel", methods=["GET", "POST"])
def cancel(event_id: int):
    event = event_or_404(event_id)
    chosen = chosen_ids(request.args.getlist("person"))
    found = _of_this_event_or_404(event, chosen)
    people = [p for p in found if p.status != RegistrationStatus.CANCELLED]
    if refused := _refusal(event, chosen, people, _("Already cancelled: nothing changed.")):
        return refused
    form = CancelForm()
    if form.validate_on_submit():
        tell = form.tell.data == "yes"
        try:
            outcome = changes.cancel_registrations(event, [p.id for p in people], tell=tell)
        except changes.ChangeRefused as refusal:
            return _refused(event, str(refusal))
        for person_id in outcome.changed:
            detail = f"registration {person_id}" + ("" if tell else ": not emailed")
            audit.record(AuditAction.CANCELLED_REGISTRATION, event=event, detail=detail)
        db.session.commit()
        _say_cancelled(outcome, tell)
        return _back(event)
    return render_template("attendees/change_cancel.html", event=event, people=people, form=form)


@bp.route("/events/<int:event_id>/attendees/move", methods=["GET", "POST"])
def move(event_id: int):
    event = event_or_404(event_id)
    chosen = chosen_ids(request.args.getlist("person"))
    _of_this_event_or_404(event, chosen)
    people = changes.chosen_people(event, chosen, RegistrationStatus.WAITING)
    gone = _("No longer on the waiting list: someone may have moved or cancelled them already.")
    if refused := _refusal(event, chosen, people, gone):
        return refused
    form = MoveForm()
    if form.validate_on_submit():
        # "Only those that fit": the first in the queue, as many as there are places free.
        chosen_now = changes.move_plan(event, people).within if form.only_within() else people
        allowed_over = 0 if form.only_within() else form.allowed_over()
        if not chosen_now:  # no place is free any more: the page says so now
            return _move_page(event, people, form, changed_meanwhile=True)
        try:
            outcome = changes.move_from_waiting_list(
                event, [p.id for p in chosen_now], allowed_over=allowed_over
            )
        except changes.ChangeRefused as refusal:
            return _refused(event, str(refusal))
        except changes.OverCapacity:
            db.session.rollback()  # the numbers changed since the page: ask again
            people = changes.chosen_people(event, chosen, RegistrationStatus.WAITING)
            return _move_page(event, people, form, changed_meanwhile=True)
        _record_moves(event, outcome)
        db.session.commit()
        _say_moved(outcome)
        return _back(event)
    return _move_page(event, people, form)


@bp.route("/events/<int:event_id>/attendees/<int:registration_id>/resend", methods=["GET", "POST"])
def resend(event_id: int, registration_id: int):
    event = event_or_404(event_id)
    person = db.session.get(Registration, registration_id)
    if person is None or person.event_id != event.id:
        abort(404)
    live = [person] if person.status != RegistrationStatus.CANCELLED else []
    cancelled = _("The registration has been cancelled: there is nothing to send.")
    if refused := _refusal(event, [registration_id], live, cancelled):
        return refused
    form = ResendForm()
    if form.validate_on_submit() and form.key():
        try:
            sent = changes.resend_confirmation(event, person.id, form_key=form.key())
        except changes.ChangeRefused as refusal:
            return _refused(event, str(refusal))
        if sent:
            detail = f"registration {person.id}"
            audit.record(AuditAction.RESENT_CONFIRMATION, event=event, detail=detail)
        db.session.commit()
        message = _("The confirmation is on its way to %(name)s with a new link.", name=person.name)
        flash(message if sent else _("This was sent already: nothing more was sent."), "success")
        return _back(event)
    form.form_key.data = ResendForm.new_key()
    return render_template(
        "attendees/change_resend.html",
        event=event,
        person=person,
        form=form,
        sent_today=changes.resends_today(person),
        most=changes.RESENDS_PER_DAY,
    )


def _of_this_event_or_404(event, chosen: list[int]) -> list[Registration]:
    """The chosen people of this event; 404 when an id chosen is not one of them (another
    event's, or erased): the page is about this event's people only."""
    found = changes.chosen_people(event, chosen)
    if len(found) != len(set(chosen)):
        abort(404)
    return found


def _move_page(event, people, form, *, changed_meanwhile: bool = False):
    plan = changes.move_plan(event, people)
    form.over.data = str(plan.over_by)
    return render_template(
        "attendees/change_move.html",
        event=event,
        plan=plan,
        form=form,
        changed_meanwhile=changed_meanwhile,
    )


def _record_moves(event, outcome: changes.Outcome) -> None:
    for person_id in outcome.changed:
        over_by = outcome.over.get(person_id)
        if over_by is None:
            audit.record(
                AuditAction.MOVED_FROM_WAITING_LIST, event=event, detail=f"registration {person_id}"
            )
        else:
            detail = f"registration {person_id}: over capacity by {over_by}"
            audit.record(AuditAction.MOVED_OVER_CAPACITY, event=event, detail=detail)


def _refusal(event, chosen: list[int], people: list, nothing_left: str):
    """A redirect with the reason when there is nothing to change, else None."""
    if event.status == EventStatus.CANCELLED:
        return _refused(event, _("The event has been cancelled: its registrations cannot change."))
    if not chosen:
        return _refused(event, _("Choose at least one person on the list first."))
    if not people:
        return _refused(event, nothing_left)
    return None


def _refused(event, message: str):
    db.session.rollback()
    flash(message, "warning")
    return _back(event)


def _back(event):
    return redirect(url_for("attendees.attendees", event_id=event.id), code=303)


def _say_cancelled(outcome: changes.Outcome, tell: bool) -> None:
    count = len(outcome.changed)
    if tell:
        text = ngettext(
            "%(num)d registration cancelled; the person is told by email.",
            "%(num)d registrations cancelled; each person is told by email.",
            count,
        )
    else:
        text = ngettext(
            "%(num)d registration cancelled without an email.",
            "%(num)d registrations cancelled without an email.",
            count,
        )
    flash(text, "success")
    _say_unchanged(outcome, _("Already cancelled: %(num)d."))


def _say_moved(outcome: changes.Outcome) -> None:
    count = len(outcome.changed)
    text = ngettext(
        "%(num)d person moved from the waiting list; they are told by email.",
        "%(num)d people moved from the waiting list; each is told by email.",
        count,
    )
    flash(text, "success")
    _say_unchanged(outcome, _("No longer on the waiting list: %(num)d."))


def _say_unchanged(outcome: changes.Outcome, text: str) -> None:
    if outcome.unchanged:
        flash(text % {"num": len(outcome.unchanged)}, "info")
