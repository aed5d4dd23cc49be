"""An event's materials and follow-up messages (organisers: /organiser/events/<id>/...),
and a person's own materials page (/materials/<token>)."""

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import format_decimal
from flask_babel import gettext as _
from flask_login import current_user

from app import clock
from app.database import reading
from app.extensions import db
from app.followup import access, materials, preview, services
from app.followup.files import identify
from app.followup.forms import FileForm, FollowUpForm, LinkForm
from app.followup.materials import CheckedFile
from app.forms import ConfirmForm
from app.messages.forms import LANGUAGE_NAMES
from app.models import Event, EventStatus, FollowUpAudience
from app.organiser.access import event_or_404
from app.templating import local_datetime
from app.uploads import UploadRefused

bp = Blueprint("followup", __name__, url_prefix="/organiser")
public = Blueprint("materials", __name__, url_prefix="/materials")

MB = 1024 * 1024


@bp.before_request
def require_login():
    """Every page here needs a signed-in organiser. Finding them only reads: an upload is
    read before the write transaction begins."""
    with reading():
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
    return None


@bp.record_once
def _before_everything(state) -> None:
    # Before CSRFProtect reads the form: a file past the limit is refused unread.
    state.app.before_request_funcs.setdefault(None, []).insert(0, _material_upload_limit)


def _material_upload_limit():
    """A material's upload may be larger than other posts (MAX_CONTENT_LENGTH). A request
    a little over the file limit still reaches the form, which says so at the field."""
    if request.endpoint != "followup.add_file":
        return
    limit = current_app.config["MATERIAL_MAX_FILE_BYTES"] + MB
    if (request.content_length or 0) > limit:
        abort(
            413,
            description=_(
                "The file is too large: it can be at most %(size)d MB. Go back and choose a "
                "smaller one. Nothing was saved.",
                size=current_app.config["MATERIAL_MAX_FILE_BYTES"] // MB,
            ),
        )
    request.max_content_length = limit


def _published_event_or_404(event_id: int) -> Event:
    event = event_or_404(event_id)
    if event.status != EventStatus.PUBLISHED:
        abort(404)
    return event


@bp.app_template_filter()
def megabytes(size: int) -> str:
    """A file's size as people read it in the page's language: 1,5 Mt, 1.5 MB; under a
    tenth of a megabyte in kilobytes (a short text, a small PDF), never "0.0 MB"."""
    if size < MB // 10:
        return _("%(number)s kB", number=format_decimal(-(-size // 1024)))
    return _("%(number)s MB", number=format_decimal(round(size / MB, 1), format="#,##0.0"))


@bp.app_template_global()
def follow_up_summary(event: Event) -> services.Summary:
    return services.summary(event)


# --- materials ------------------------------------------------------------------------


def _file_form() -> FileForm:
    form = FileForm(prefix="file")
    form.upload.description = _(
        "PDF, Word, Excel, PowerPoint, OpenDocument, PNG, JPEG, text or CSV; at most %(size)d MB.",
        size=current_app.config["MATERIAL_MAX_FILE_BYTES"] // MB,
    )
    return form


def _materials_page(event: Event, link_form=None, file_form=None, status=200):
    return render_template(
        "followup/materials.html",
        event=event,
        materials=materials.event_materials(event.id),
        stored=materials.stored_bytes(event),
        quota=current_app.config["MATERIAL_MAX_EVENT_BYTES"],
        link_form=link_form or LinkForm(prefix="link", formdata=None),
        file_form=file_form or _file_form(),
        form=ConfirmForm(),
    ), status


@bp.get("/events/<int:event_id>/materials")
def materials_page(event_id: int):
    return _materials_page(_published_event_or_404(event_id))


@bp.post("/events/<int:event_id>/materials/link")
def add_link(event_id: int):
    event = _published_event_or_404(event_id)
    form = LinkForm(prefix="link")
    if not form.validate_on_submit():
        return _materials_page(event, link_form=form)
    materials.add_link(event, form.title.data, form.url.data)
    db.session.commit()
    flash(_("The link was added."), "success")
    return redirect(url_for("followup.materials_page", event_id=event.id), code=303)


@bp.post("/events/<int:event_id>/materials/file")
def add_file(event_id: int):
    # The event is read, and the file checked, before the write transaction begins.
    with reading():
        event = _published_event_or_404(event_id)
        form = _file_form()
        upload = _checked_upload(form) if form.validate_on_submit() else None
        if upload is None:
            return _materials_page(event, file_form=form)
    try:
        materials.add_file(event, form.title.data, upload)
    except materials.OverQuota:
        db.session.rollback()
        form.upload.errors = [
            _(
                "The event's files may take %(size)d MB together. Remove a file, or choose a "
                "smaller one.",
                size=current_app.config["MATERIAL_MAX_EVENT_BYTES"] // MB,
            )
        ]
        return _materials_page(event, file_form=form)
    db.session.commit()
    flash(_("The file was added."), "success")
    return redirect(url_for("followup.materials_page", event_id=event.id), code=303)


def _checked_upload(form: FileForm) -> CheckedFile | None:
    """The file read and identified; None, with the reason at the field, if refused."""
    upload = form.upload.data
    limit = current_app.config["MATERIAL_MAX_FILE_BYTES"]
    data = upload.stream.read(limit + 1)
    try:
        if len(data) > limit:
            raise UploadRefused(_("The file must be %(size)d MB or smaller", size=limit // MB))
        return CheckedFile(upload.filename, identify(upload.filename or "", data), data)
    except UploadRefused as refused:
        form.upload.errors = [str(refused)]
        return None


def _material_or_404(event: Event, material_id: int):
    material = materials.event_material(event, material_id)
    if material is None:
        abort(404)
    return material


@bp.post("/events/<int:event_id>/materials/<int:material_id>/delete")
def delete_material(event_id: int, material_id: int):
    event = _published_event_or_404(event_id)
    material = _material_or_404(event, material_id)
    materials.delete_material(material)
    db.session.commit()
    flash(_("“%(title)s” was removed.", title=material.title), "success")
    return redirect(url_for("followup.materials_page", event_id=event.id), code=303)


@bp.post("/events/<int:event_id>/materials/<int:material_id>/move")
def move_material(event_id: int, material_id: int):
    event = _published_event_or_404(event_id)
    material = _material_or_404(event, material_id)
    step = {"up": -1, "down": 1}.get(request.form.get("direction", ""))
    if step is not None and materials.move_material(material, step):
        db.session.commit()
    return redirect(url_for("followup.materials_page", event_id=event.id), code=303)


# --- follow-up messages ------------------------------------------------------------------


def _follow_up_form(event: Event, saved: dict) -> FollowUpForm:
    data = {"send_at": clock.to_local(services.default_send_time(event)).replace(tzinfo=None)}
    for audience, message in saved.items():
        if message.cancelled_at is None:
            data["send_at"] = clock.to_local(message.send_after).replace(tzinfo=None)
        data[audience.value] = {
            "subject": message.subject,
            "body": message.body,
            "include_materials": message.include_materials,
            **{f"text_{code}": version for code, version in message.translations.items()},
        }
    form = FollowUpForm(data=data)
    form.ends_at = event.ends_at
    form.set_language(event.language)
    return form


@bp.route("/events/<int:event_id>/follow-up", methods=["GET", "POST"])
def follow_up(event_id: int):
    event = _published_event_or_404(event_id)
    saved = services.event_messages(event)
    form = _follow_up_form(event, saved)
    if request.method == "POST" and form.validate_on_submit():
        try:
            services.save_follow_up(event, current_user, form.drafts(), form.send_at.utc())
        except services.AlreadySent:
            db.session.rollback()
            flash(
                _("The follow-up has already been sent, so it can no longer be changed."), "warning"
            )
        else:
            db.session.commit()
            flash(
                _(
                    "The follow-up will be sent on %(when)s.",
                    when=local_datetime(form.send_at.utc()),
                ),
                "success",
            )
        return redirect(url_for("followup.follow_up", event_id=event.id), code=303)
    shown_in = request.args.get("preview_in")
    return render_template(
        "followup/follow_up.html",
        event=event,
        form=form,
        saved=saved,
        state=services.state,
        counts=services.attendance_counts(event),
        material_count=len(materials.event_materials(event.id)),
        previews=preview.previews(event, saved, shown_in if shown_in in LANGUAGE_NAMES else None),
        version_names=LANGUAGE_NAMES,
        audiences=list(FollowUpAudience),
        confirm=ConfirmForm(),
        editable=not any(message.queued_at for message in saved.values()),
    )


@bp.post("/events/<int:event_id>/follow-up/cancel")
def cancel_follow_up(event_id: int):
    event = _published_event_or_404(event_id)
    if services.cancel_follow_up(event, clock.now()):
        db.session.commit()
        flash(_("The follow-up was cancelled: it will not be sent."), "success")
    else:
        flash(_("There was nothing left to cancel."), "info")
    return redirect(url_for("followup.follow_up", event_id=event.id), code=303)


# --- a person's materials ----------------------------------------------------------------


def _person_or_404(token: str):
    person = access.person_of(token)
    if person is None:
        abort(404)
    return person


@public.get("/<token>")
def page(token: str):
    person = _person_or_404(token)
    return render_template(
        "followup/person.html",
        event=person.event,
        person=person,
        token=token,
        materials=materials.event_materials(person.event_id),
    )


@public.get("/<token>/<int:material_id>/<filename>")
def download(token: str, material_id: int, filename: str):
    person = _person_or_404(token)
    material = access.material_file(person, material_id)
    if material is None or material.filename != filename:
        abort(404)
    response = Response(
        stream_with_context(access.file_chunks(material)),
        content_type=material.content_type,
    )
    response.content_length = material.size
    response.headers.set("Content-Disposition", "attachment", filename=material.filename)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response
