"""The organisers' page of sign-ups awaiting approval: approve or decline those ticked,
with a message for their emails. Owners, co-organisers and admins only (event_or_404
refuses check-in helpers)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import ngettext
from flask_login import login_required

from app import audit
from app.approvals.forms import DecisionForm
from app.attendees.changes_services import ChangeRefused
from app.extensions import db
from app.models import AuditAction
from app.organiser.access import event_or_404
from app.places import approval

bp = Blueprint("approvals", __name__, url_prefix="/organiser")

DECIDE = {"approve": approval.approve, "decline": approval.decline}


@bp.before_request
@login_required
def require_login():
    """Every page here needs a signed-in organiser."""


@bp.route("/events/<int:event_id>/approvals", methods=["GET", "POST"])
def pending(event_id: int):
    event = event_or_404(event_id)
    form = DecisionForm()
    decision = form.decision(request.form.get("decision"))
    if form.is_submitted() and decision and form.validate():
        try:
            decided = DECIDE[decision](event, form.person.data, message=form.message_text())
        except ChangeRefused as refusal:
            db.session.rollback()
            flash(str(refusal), "warning")
            return _back(event)
        _record(event, decided)
        db.session.commit()
        _say(decided)
        return _back(event)
    sensitive = request.args.get("sensitive") == "1"
    detail = "approvals" + (" sensitive" if sensitive else "")
    audit.record(AuditAction.VIEWED_ATTENDEES, event=event, detail=detail)
    db.session.commit()  # a post with errors shows the people too: its line is kept
    return render_template(
        "approvals/pending.html",
        event=event,
        form=form,
        people=approval.pending_people(event),
        total=approval.pending_count(event),
        questions=[q for q in event.questions if sensitive or not q.sensitive],
        sensitive=sensitive,
    )


def _back(event):
    return redirect(url_for("approvals.pending", event_id=event.id), code=303)


def _record(event, decided: approval.Decided) -> None:
    """One line per person, naming the registration, never the person."""
    for person_id in decided.confirmed:
        detail = f"registration {person_id}"
        audit.record(AuditAction.APPROVED_REGISTRATION, event=event, detail=detail)
    for person_id in decided.waiting:
        detail = f"registration {person_id}: waiting list"
        audit.record(AuditAction.APPROVED_REGISTRATION, event=event, detail=detail)
    for person_id in decided.declined:
        detail = f"registration {person_id}"
        audit.record(AuditAction.DECLINED_REGISTRATION, event=event, detail=detail)


def _say(decided: approval.Decided) -> None:
    said = [
        ("success", decided.confirmed, _confirmed),
        ("success", decided.waiting, _waiting),
        ("success", decided.declined, _declined),
        ("warning", decided.full, _full),
        ("info", decided.unchanged, _unchanged),
    ]
    for kind, ids, words in said:
        if ids:
            flash(words(len(ids)), kind)


def _confirmed(count: int) -> str:
    return ngettext(
        "%(num)d person approved: they have a place, and are told so by email.",
        "%(num)d people approved: each has a place, and is told so by email.",
        count,
    )


def _waiting(count: int) -> str:
    return ngettext(
        "%(num)d person approved onto the waiting list, as every place is taken; they are "
        "told so by email.",
        "%(num)d people approved onto the waiting list, as every place is taken; each is "
        "told so by email.",
        count,
    )


def _declined(count: int) -> str:
    return ngettext(
        "%(num)d person declined, and told so by email.",
        "%(num)d people declined; each is told so by email.",
        count,
    )


def _full(count: int) -> str:
    return ngettext(
        "%(num)d person could not be approved: every place is taken and the event has no "
        "waiting list. They are still waiting for your decision.",
        "%(num)d people could not be approved: every place is taken and the event has no "
        "waiting list. They are still waiting for your decision.",
        count,
    )


def _unchanged(count: int) -> str:
    return ngettext(
        "%(num)d person had already been decided on, or had cancelled: nothing changed.",
        "%(num)d people had already been decided on, or had cancelled: nothing changed.",
        count,
    )
