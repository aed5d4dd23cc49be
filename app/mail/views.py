"""The dev-only page listing mail caught by `flask mail catch` (off outside development)."""

from pathlib import Path

from flask import Blueprint, Response, abort, current_app, render_template

from app import downloads
from app.mail.catcher import caught_messages, read_attachment, read_html, read_message

bp = Blueprint("devmail", __name__, url_prefix="/dev/mail")

# Mail HTML is shown as the recipient's mail program shows it, but never runs as this site:
# the sandbox gives it an origin of its own, and it may load no script, form or frame;
# only its inline styles and pictures. Only this site's own pages may frame it.
MAIL_HTML_POLICY = "; ".join(
    [
        "sandbox",
        "default-src 'none'",
        "style-src 'unsafe-inline'",
        "img-src data: https:",
        "frame-ancestors 'self'",
    ]
)


@bp.before_request
def only_in_development():
    if not (current_app.debug or current_app.config["DEV_MAIL_PAGE"]):
        abort(404)


def _folder() -> Path:
    return Path(current_app.config["DEV_MAIL_DIR"])


@bp.get("/")
def index():
    return render_template("devmail/index.html", messages=caught_messages(_folder()))


@bp.get("/<message_id>")
def show(message_id: str):
    message = read_message(_folder(), message_id)
    if message is None:
        abort(404)
    return render_template("devmail/show.html", message=message)


@bp.get("/<message_id>/html")
def html(message_id: str):
    """The HTML part alone, under a policy of its own; framed by the message's page."""
    content = read_html(_folder(), message_id)
    if content is None:
        abort(404)
    response = Response(content, mimetype="text/html")
    response.headers["Content-Security-Policy"] = MAIL_HTML_POLICY
    response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


@bp.get("/<message_id>/attachments/<int:number>")
def attachment(message_id: str, number: int):
    found = read_attachment(_folder(), message_id, number)
    if found is None:
        abort(404)
    response = Response(found.data, mimetype=found.content_type)
    response.headers["Content-Disposition"] = downloads.attachment(found.filename)
    return response
