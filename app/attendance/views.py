"""An event's Attendance page: who came, marked per person, for those ticked, from the
check-ins, or from a Teams attendance report. Owners, co-organisers and admins only
(event_or_404 refuses check-in helpers), once the event has begun."""

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user

from app import audit, clock
from app.attendance import services
from app.attendance.forms import (
    ApplyReportForm,
    MarkForm,
    TeamsReportForm,
    carried_report,
    carry_report,
)
from app.attendance.teams import read_report
from app.bounds import page_number, search_text
from app.database import reading
from app.extensions import db
from app.models import AuditAction, Event
from app.organiser.access import event_or_404
from app.uploads import MAX_FILE_BYTES, UploadRefused

bp = Blueprint("attendance", __name__, url_prefix="/organiser")


@bp.before_request
def require_login():
    """Every page here needs a signed-in organiser. Finding them only reads: a form post's
    write transaction begins when it first writes, after an uploaded report is read."""
    with reading():
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
    return None


@bp.app_template_global("attendance_open")
def attendance_open(event: Event) -> bool:
    """For the event's navigation: a link to the page once the event has begun."""
    return services.has_started(event, clock.now())


@bp.app_template_global("attendance_of")
def attendance_of(event: Event) -> services.Counts | None:
    """For the event overview: the counts once the event has begun."""
    return services.counts_of(event) if attendance_open(event) else None


@bp.route("/events/<int:event_id>/attendance", methods=["GET", "POST"])
def page(event_id: int):
    event = event_or_404(event_id)
    form = MarkForm()
    action = form.action(request.form.get("action"))
    form.person.required = action != "save"
    started = services.has_started(event, clock.now())
    if started and form.validate_on_submit():
        changes = form.changes(request.form, action)
        marked = services.mark_by_hand(event, changes, at=clock.now())
        _record_marks(event, marked)
        db.session.commit()
        _say_marked(sum(marked.values()))
        shown = {name: request.args.get(name) for name in ("q", "state", "page")}
        return redirect(url_for("attendance.page", event_id=event.id, **shown), code=303)
    return _page(event, form, started=started)


def _page(event: Event, form: MarkForm, *, started: bool):
    search = search_text(request.args.get("q"))
    state = request.args.get("state", "")
    detail = "search" if search else ""
    audit.record(AuditAction.VIEWED_ATTENDANCE, event=event, detail=detail)
    db.session.commit()  # a post with errors shows the people too: its line is kept
    return render_template(
        "attendance/page.html",
        event=event,
        form=form,
        started=started,
        page=services.attendance_page(
            event,
            search=search,
            state=state,
            page=request.args.get("page", 1, type=page_number),
        ),
        search=search,
        state=state,
        counts=services.counts_of(event),
        checked_in_not_attended=services.checked_in_not_attended(event),
    )


# Everyone at once: those checked in at the door as attended; those not marked yet as not.
EVERYONE = {
    "checked-in": (services.mark_checked_in_as_attended, True),
    "not-marked": (services.mark_unmarked_as_no_show, False),
}


@bp.post("/events/<int:event_id>/attendance/everyone")
def mark_everyone(event_id: int):
    """The button's `which`: a key of EVERYONE."""
    event = event_or_404(event_id)
    which = request.form.get("which")
    if which not in EVERYONE or not services.has_started(event, clock.now()):
        return _back(event)
    mark, attended = EVERYONE[which]
    changed = mark(event, at=clock.now())
    _record_marks(event, {attended: changed})
    db.session.commit()
    _say_marked(changed)
    return _back(event)


def _back(event: Event):
    return redirect(url_for("attendance.page", event_id=event.id), code=303)


def _record_marks(event: Event, marked: dict) -> None:
    """Counts, never names."""
    detail = (
        f"attended {marked.get(True, 0)}, did not attend {marked.get(False, 0)}, "
        f"not marked {marked.get(None, 0)}"
    )
    audit.record(AuditAction.MARKED_ATTENDANCE, event=event, detail=detail)


def _say_marked(changed: int) -> None:
    if changed:
        flash(
            ngettext("Saved: %(num)d person marked.", "Saved: %(num)d people marked.", changed),
            "success",
        )
    else:
        flash(_("Nothing to change: everyone was marked so already."), "info")


# --- a Teams attendance report ---------------------------------------------------------


@bp.route("/events/<int:event_id>/attendance/teams", methods=["GET", "POST"])
def teams_report(event_id: int):
    """The report is read before any write transaction; its result is shown to confirm,
    not yet saved."""
    with reading():
        event = event_or_404(event_id)
        if not services.has_started(event, clock.now()):
            return _back(event)
        form = TeamsReportForm()
        participants = None
        if form.validate_on_submit():
            try:
                participants = read_report(
                    form.report.data.filename, form.report.data.read(MAX_FILE_BYTES + 1)
                )
            except UploadRefused as refused:
                form.report.errors.append(str(refused))
        if participants is None:
            return render_template("attendance/teams_upload.html", event=event, form=form)
        matching = services.match_report(event, participants)
    audit.record(AuditAction.VIEWED_ATTENDANCE, event=event, detail="teams report")
    db.session.commit()
    carried = carry_report(event.id, [person.id for person in matching.matched])
    return render_template(
        "attendance/teams_confirm.html",
        event=event,
        matching=matching,
        form=ApplyReportForm(formdata=None, report=carried),
    )


@bp.post("/events/<int:event_id>/attendance/teams/apply")
def apply_teams_report(event_id: int):
    event = event_or_404(event_id)
    if not services.has_started(event, clock.now()):
        return _back(event)
    form = ApplyReportForm()
    matched = carried_report(form.report.data, event.id)
    if matched is None:
        flash(
            _("The report's confirmation was too old or damaged. Upload the report again."), "error"
        )
        return redirect(url_for("attendance.teams_report", event_id=event.id), code=303)
    form.validate()
    attended, absent = services.apply_report(event, matched, form.absent.data, at=clock.now())
    detail = f"matched {len(matched)}, attended {attended}, did not attend {absent}"
    audit.record(AuditAction.IMPORTED_ATTENDANCE, event=event, detail=detail)
    db.session.commit()
    message = _(
        "Marked from the Teams report: attended %(attended)d, did not attend %(absent)d.",
        attended=attended,
        absent=absent,
    )
    flash(message, "success")
    return _back(event)
