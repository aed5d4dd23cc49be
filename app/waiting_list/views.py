"""The organiser's waiting-list page: the offers standing (who, until when) and the people
waiting in order, moved up or down by hand with a button each, no JavaScript needed.
Owners, co-organisers and admins (event_or_404 refuses check-in helpers)."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app import audit
from app.extensions import db
from app.forms import ConfirmForm
from app.models import AuditAction, Registration
from app.organiser.access import event_or_404
from app.places import offers, waiting_order
from app.waiting_list.forms import MoveForm

bp = Blueprint("waiting_list", __name__, url_prefix="/organiser")


@bp.before_request
@login_required
def require_login():
    """Every page here needs a signed-in organiser."""


@bp.get("/events/<int:event_id>/waiting-list")
def page(event_id: int):
    event = event_or_404(event_id)
    return _page(event)


@bp.post("/events/<int:event_id>/waiting-list/move")
def move(event_id: int):
    event = event_or_404(event_id)
    form = MoveForm()
    person_id = form.person_id()
    if not form.validate_on_submit() or person_id is None:
        return _problem(event, _("That move could not be made. Try again."), 400)
    try:
        moved = waiting_order.move_in_waiting_list(
            event, person_id, seen_at=form.seen_at.data, to=form.to.data
        )
    except waiting_order.OrderChanged as changed:
        db.session.rollback()
        return _problem(event, str(changed), 409)
    detail = f"registration {person_id}: from {form.seen_at.data} to {moved.position}"
    audit.record(AuditAction.REORDERED_WAITING_LIST, event=event, detail=detail)
    db.session.commit()
    flash(
        _("%(name)s is now number %(position)d on the waiting list.", **moved._asdict()),
        "success",
    )
    return redirect(url_for("waiting_list.page", event_id=event.id), code=303)


@bp.post("/events/<int:event_id>/waiting-list/<int:registration_id>/confirm")
def confirm_offer(event_id: int, registration_id: int):
    """The person said yes another way (by phone): their offer accepted for them, with the
    confirmation mail and reminders they would have had."""
    event = event_or_404(event_id)
    person = db.session.get(Registration, registration_id)
    if not ConfirmForm().validate_on_submit() or person is None or person.event_id != event.id:
        return _problem(event, _("That offer could not be confirmed. Try again."), 400)
    try:
        accepted = offers.accept_offer(person)
    except offers.OfferGone:
        db.session.rollback()
        return _problem(event, _("The offer is no longer open: it was answered or lapsed."), 409)
    if not accepted:  # a second press, or they accepted it themselves meanwhile
        flash(_("%(name)s has the place already.", name=person.name), "success")
        return redirect(url_for("waiting_list.page", event_id=event.id), code=303)
    detail = f"registration {person.id}: offer confirmed by an organiser"
    audit.record(AuditAction.MOVED_FROM_WAITING_LIST, event=event, detail=detail)
    db.session.commit()
    flash(_("%(name)s has the place now and is told by email.", name=person.name), "success")
    return redirect(url_for("waiting_list.page", event_id=event.id), code=303)


def _page(event, problem: str | None = None):
    audit.record(AuditAction.VIEWED_ATTENDEES, event=event, detail="waiting list")
    return render_template(
        "waiting_list/page.html",
        event=event,
        offers=waiting_order.open_offers(event),
        waiting=waiting_order.waiting_in_order(event),
        problem=problem,
    )


def _problem(event, message: str, status: int):
    """The page again, saying why nothing moved; its look at the names is logged too."""
    page = _page(event, problem=message)
    db.session.commit()
    return page, status
