"""The attendee list, the door list to print, check-in (for check-in helpers too) and the
attendee downloads."""

from functools import partial

from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import audit, clock
from app.accounts.services import role_in
from app.attendees.services import (
    answer_summary,
    arrivals,
    attendee_page,
    check_in_list,
    door_list,
    mark_arrival,
)
from app.bounds import page_number, search_text
from app.exports.responses import csv_download, export_name, xlsx_download
from app.exports.services import attendee_rows
from app.extensions import db
from app.forms import ConfirmForm
from app.models import AuditAction, OrganiserRole
from app.organiser import services
from app.organiser.access import event_or_404

bp = Blueprint("attendees", __name__, url_prefix="/organiser")


@bp.before_request
@login_required
def require_login():
    """Every page here needs a signed-in organiser (or check-in helper)."""


@bp.get("/events/<int:event_id>/attendees")
def attendees(event_id: int):
    event = event_or_404(event_id)
    search = search_text(request.args.get("q"))
    sensitive = request.args.get("sensitive") == "1"
    # What was searched for stays out of the log: it is often a person's name.
    shown = [name for name, on in (("search", search), ("sensitive", sensitive)) if on]
    audit.record(AuditAction.VIEWED_ATTENDEES, event=event, detail=" ".join(shown))
    status = request.args.get("status", "")
    page = request.args.get("page", 1, type=page_number)
    return render_template(
        "attendees/list.html",
        event=event,
        page=attendee_page(event, search=search, status=status, page=page),
        search=search,
        status=status,
        sensitive=sensitive,
        questions=[q for q in event.questions if sensitive or not q.sensitive],
        counts=services.registration_counts(event),
        summary=answer_summary(event, sensitive=sensitive),
    )


@bp.get("/events/<int:event_id>/door-list")
def door_list_page(event_id: int):
    """Confirmed people by name with a box to tick: made to be printed."""
    event = event_or_404(event_id)
    audit.record(AuditAction.VIEWED_DOOR_LIST, event=event)
    return render_template("attendees/door_list.html", event=event, people=door_list(event))


@bp.get("/events/<int:event_id>/check-in")
def check_in(event_id: int):
    """Names of those with a place and who has arrived: for check-in helpers too."""
    event = event_or_404(event_id, helper_ok=True)
    search = search_text(request.args.get("q"))
    audit.record(AuditAction.VIEWED_CHECK_IN, event=event, detail="search" if search else "")
    arrived, total = arrivals(event)
    return render_template(
        "attendees/check_in.html",
        event=event,
        people=check_in_list(event, search),
        search=search,
        arrived=arrived,
        total=total,
        form=ConfirmForm(),
        is_helper=role_in(current_user, event) == OrganiserRole.HELPER,
    )


@bp.post("/events/<int:event_id>/check-in/<int:registration_id>")
def mark_arrived(event_id: int, registration_id: int):
    event = event_or_404(event_id, helper_ok=True)
    form = ConfirmForm()
    if not form.validate_on_submit():
        abort(400)
    arrived = request.form.get("arrived") == "1"
    person = mark_arrival(event, registration_id, arrived=arrived, at=clock.now())
    if person is None:
        abort(404)
    db.session.commit()
    back = url_for("attendees.check_in", event_id=event.id, q=request.args.get("q") or None)
    return redirect(f"{back}#person-{person.id}", code=303)


@bp.get("/events/<int:event_id>/attendees.csv")
def export_csv(event_id: int):
    event = event_or_404(event_id)
    sensitive, notes, detail = _export_options("csv")
    noted = audit.record_download(AuditAction.EXPORTED_ATTENDEES, event=event, detail=detail)
    rows = partial(attendee_rows, event, sensitive=sensitive, notes=notes)
    return csv_download(rows, export_name(event, _("attendees"), "csv"), noted=noted)


@bp.get("/events/<int:event_id>/attendees.xlsx")
def export_xlsx(event_id: int):
    event = event_or_404(event_id)
    sensitive, notes, detail = _export_options("xlsx")
    noted = audit.record_download(AuditAction.EXPORTED_ATTENDEES, event=event, detail=detail)
    name = export_name(event, _("attendees"), "xlsx")
    rows = partial(attendee_rows, event, sensitive=sensitive, notes=notes)
    return xlsx_download(rows, name, sheet_name=_("Attendees"), noted=noted)


def _export_options(kind: str) -> tuple[bool, bool, str]:
    """Sensitive answers and the organisers' notes only when asked for; the log says which."""
    sensitive = request.args.get("sensitive") == "1"
    notes = request.args.get("notes") == "1"
    detail = " ".join([kind] + ["sensitive"] * sensitive + ["notes"] * notes)
    return sensitive, notes, detail
