"""Administration → Undelivered email: failed mail of every kind, and sending it again."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app import audit
from app.extensions import db
from app.messages.outbox import RETRYABLE, kind_name, retry
from app.models import AuditAction
from app.undelivered import services

bp = Blueprint("undelivered", __name__, url_prefix="/admin/mail")

LARGEST_ID = 2**63 - 1  # a BIGINT's; a larger number names nothing
LAST_PAGE = 100_000


@bp.before_request
@login_required
def admins_only():
    if not current_user.is_admin:
        abort(404)


@bp.get("/")
def index():
    page = min(max(request.args.get("page", 1, type=int), 1), LAST_PAGE)
    return render_template(
        "undelivered/index.html",
        page=services.undelivered_page(page),
        waiting=services.waiting_for_the_mail_server(),
        kind_name=kind_name,
        retryable=RETRYABLE,
    )


@bp.post("/<int:email_id>/retry")
def retry_email(email_id: int):
    email = services.undelivered_email(email_id) if email_id <= LARGEST_ID else None
    if email is None or not retry(email):
        flash(_("That email was not waiting for a retry."), "info")
        return redirect(url_for("undelivered.index"), code=303)
    audit.record(AuditAction.RETRIED_MAIL, event=email.event, detail=_detail(email))
    db.session.commit()
    flash(_("The email to %(recipient)s will be sent again.", recipient=email.recipient), "success")
    return redirect(url_for("undelivered.index"), code=303)


@bp.post("/retry")
def retry_all():
    retried = services.retry_all()
    if not retried:
        flash(_("There were no failed emails to retry."), "info")
        return redirect(url_for("undelivered.index"), code=303)
    audit.record(AuditAction.RETRIED_MAIL, detail=f"all undelivered: {retried}")
    db.session.commit()
    flash(
        ngettext(
            "%(num)d email will be sent again.", "%(num)d emails will be sent again.", retried
        ),
        "success",
    )
    return redirect(url_for("undelivered.index"), code=303)


def _detail(email) -> str:
    # The number finds the row while it is kept; the address would outlive it in the log.
    return f"{email.kind} #{email.id}"
