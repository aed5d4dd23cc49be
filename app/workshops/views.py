"""The organisers' workshop pages: reviewing nominees, choosing whom to invite, inviting
them (or a list of people) at a set time, and seeing where each invitation stands."""

from functools import partial

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
from flask_babel import ngettext
from flask_login import current_user

from app import audit, clock
from app.database import reading
from app.exports.responses import csv_download, export_name, xlsx_download
from app.exports.services import nomination_rows
from app.extensions import db
from app.forms import ConfirmForm
from app.invitations import services as invitation_services
from app.invitations.forms import read_people_list
from app.invitations.services import reply_status
from app.models import AuditAction, Event, InvitationStatus, NominationStatus
from app.nominations import services as nomination_services
from app.organiser.access import event_or_404
from app.templating import local_datetime
from app.workshops import services
from app.workshops.forms import (
    BulkStatusForm,
    CandidateForm,
    InviteListForm,
    InviteSelectedForm,
)

bp = Blueprint("workshops", __name__, url_prefix="/organiser")

FILTERS = ("region", "organisation", "theme", "status")


@bp.before_request
def require_login():
    """Every workshop page needs a signed-in organiser. Finding them only reads: a form
    post's write transaction (on SQLite, the one write lock) begins when it first writes,
    not before what comes between, such as reading an uploaded file."""
    with reading():
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
    return None


@bp.after_request
def never_cached(response):
    # Names, addresses and private notes: never kept by a browser or a shared cache.
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.app_template_global("attendee_ways_in")
def attendee_ways_in(event: Event, registrations):
    """For the attendee list: how each person came in, or None when it shows no such column."""
    return services.ways_in(event, registrations)


# --- nominations ---------------------------------------------------------------------


def _filters() -> dict[str, str]:
    return {name: request.args.get(name, "")[:200] for name in FILTERS}


@bp.route("/events/<int:event_id>/nominations", methods=["GET", "POST"])
def nominations(event_id: int):
    event = event_or_404(event_id)
    filters = _filters()
    form = BulkStatusForm()
    if form.validate_on_submit():
        status = NominationStatus(form.new_status.data)
        changed = nomination_services.set_status(event, form.candidates.data, status)
        db.session.commit()
        flash(
            ngettext(
                "%(num)d nominee is now: %(status)s.",
                "%(num)d nominees are now: %(status)s.",
                changed,
                status=str(services.STATUS_LABELS[status]),
            ),
            "success",
        )
        shown = {name: value for name, value in filters.items() if value}
        return redirect(url_for("workshops.nominations", event_id=event.id, **shown), code=303)
    ticked = form.candidates.data if isinstance(form.candidates.data, list) else []
    audit.record(AuditAction.VIEWED_NOMINATIONS, event=event)
    db.session.commit()  # after a refused post, the entry is all there is to keep
    return render_template(
        "workshops/nominations.html",
        event=event,
        form=form,
        people=nomination_services.candidates(event, **filters),
        filters=filters,
        choices=services.filter_choices(event),
        counts=services.nominee_counts(event),
        labels=services.STATUS_LABELS,
        ticked=set(ticked),
    )


@bp.route("/events/<int:event_id>/nominations/<int:candidate_id>", methods=["GET", "POST"])
def candidate(event_id: int, candidate_id: int):
    event = event_or_404(event_id)
    person = services.candidate_of(event, candidate_id)
    if person is None:
        abort(404)
    form = CandidateForm(data={"status": person.status.value, "notes": person.notes})
    if form.validate_on_submit():
        nomination_services.set_status(event, [person.id], NominationStatus(form.status.data))
        nomination_services.save_notes(person, form.notes.data or "")
        db.session.commit()
        flash(_("Saved: %(name)s.", name=person.name), "success")
        return redirect(url_for("workshops.nominations", event_id=event.id), code=303)
    audit.record(AuditAction.VIEWED_NOMINEE, event=event, detail=f"nominee {person.id}")
    db.session.commit()  # after a refused post, the entry is all there is to keep
    invitation = services.invitation_of(person)
    return render_template(
        "workshops/candidate.html",
        event=event,
        person=person,
        form=form,
        labels=services.STATUS_LABELS,
        invitation=invitation,
        invitation_status=invitation and reply_status(invitation, clock.now()),
    )


def _nominations_export(event_id: int, kind: str):
    """The event, and its nominations' rows, with the organisers' notes if asked for."""
    event = event_or_404(event_id)
    notes = request.args.get("notes") == "1"
    noted = audit.record_download(
        AuditAction.EXPORTED_NOMINATIONS, event=event, detail=f"{kind} notes" if notes else kind
    )
    return event, partial(nomination_rows, event, notes=notes), noted


@bp.get("/events/<int:event_id>/nominations.csv")
def nominations_csv(event_id: int):
    event, rows, noted = _nominations_export(event_id, "csv")
    return csv_download(rows, export_name(event, _("nominations"), "csv"), noted=noted)


@bp.get("/events/<int:event_id>/nominations.xlsx")
def nominations_xlsx(event_id: int):
    event, rows, noted = _nominations_export(event_id, "xlsx")
    name = export_name(event, _("nominations"), "xlsx")
    return xlsx_download(rows, name, sheet_name=_("Nominations"), noted=noted)


# --- invitations ---------------------------------------------------------------------


@bp.get("/events/<int:event_id>/invitations")
def invitations(event_id: int):
    event = event_or_404(event_id)
    now = clock.now()
    rows = services.invitation_rows(event, now)
    to_tell, told = services.not_selected_to_tell(event)
    return render_template(
        "workshops/invitations.html",
        event=event,
        rows=rows,
        counts=services.invitation_counts(rows),
        waiting=services.not_yet_invited(event),
        refusal=services.invitation_refusal(event, now),
        send_at=services.send_time(event, now),
        now=now,
        no_reply=[row for row in rows if row.status == InvitationStatus.EXPIRED],
        to_tell=to_tell,
        told=told,
        form=InviteSelectedForm(),
    )


def _planned_message(count: int, send_at, now) -> str:
    if send_at <= now:
        return ngettext(
            "%(num)d invitation is being sent now.",
            "%(num)d invitations are being sent now.",
            count,
        )
    return ngettext(
        "%(num)d invitation will go out on %(when)s.",
        "%(num)d invitations will go out on %(when)s.",
        count,
        when=local_datetime(send_at),
    )


@bp.post("/events/<int:event_id>/invitations/selected")
def invite_selected(event_id: int):
    event = event_or_404(event_id)
    form = InviteSelectedForm()
    back = redirect(url_for("workshops.invitations", event_id=event.id), code=303)
    if not form.validate_on_submit():
        return back
    now = clock.now()
    refusal = services.invitation_refusal(event, now)
    if refusal:
        flash(refusal, "warning")
        return back
    send_now = form.send_now.data
    planned = invitation_services.invite_selected(event, send_at=now if send_now else None)
    db.session.commit()
    if not planned:
        flash(_("No selected nominees are waiting for an invitation."), "info")
    else:
        send_at = services.send_time(event, now, send_now=send_now)
        flash(_planned_message(len(planned), send_at, now), "success")
    return back


@bp.route("/events/<int:event_id>/invitations/list", methods=["GET", "POST"])
def invite_from_list(event_id: int):
    # The list is read, and a file parsed, before the write transaction begins: on SQLite
    # that transaction holds the database's one write lock, which every sign-up waits for.
    with reading():
        event = event_or_404(event_id)
        now = clock.now()
        refusal = services.invitation_refusal(event, now)
        form = InviteListForm(language=event.language)
        people, problems, field = [], [], None
        if not refusal and form.validate_on_submit():
            people, problems, field = read_people_list(form)
        if field is None or field.errors:
            return render_template(
                "workshops/invite_list.html",
                event=event,
                form=form,
                problems=problems,
                refusal=refusal,
                send_at=services.send_time(event, now),
                now=now,
            )
    return _invite_list(event, form, people, now)


def _invite_list(event: Event, form: InviteListForm, people, now):
    """The list read: its invitations planned, in one short transaction."""
    send_now = form.send_now.data
    known = services.already_invited(event, [person.email for person in people])
    planned = invitation_services.invite_list(
        event,
        people,
        send_at=now if send_now else None,
        locale=form.language.data or event.language,
    )
    db.session.commit()
    message = _planned_message(len(planned), services.send_time(event, now, send_now=send_now), now)
    if known:
        message += " " + ngettext(
            "%(num)d person on the list had been invited already.",
            "%(num)d people on the list had been invited already.",
            known,
        )
    flash(message, "success")
    return redirect(url_for("workshops.invitations", event_id=event.id), code=303)


@bp.route("/events/<int:event_id>/invitations/not-selected", methods=["GET", "POST"])
def not_selected(event_id: int):
    event = event_or_404(event_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        told = nomination_services.send_not_selected(event)
        db.session.commit()
        flash(
            ngettext(
                "%(num)d nominee will get the email “Not selected this time”.",
                "%(num)d nominees will get the email “Not selected this time”.",
                told,
            ),
            "success",
        )
        return redirect(url_for("workshops.invitations", event_id=event.id), code=303)
    to_tell, told = services.not_selected_to_tell(event)
    return render_template(
        "workshops/not_selected.html", event=event, form=form, to_tell=to_tell, told=told
    )
