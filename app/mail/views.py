"""The dev-only page listing mail caught by `flask mail catch` (off outside development)."""

from pathlib import Path

from flask import Blueprint, abort, current_app, render_template

from app.mail.catcher import caught_messages, read_message

bp = Blueprint("devmail", __name__, url_prefix="/dev/mail")


@bp.before_request
def only_in_development():
    if not (current_app.debug or current_app.config["DEV_MAIL_PAGE"]):
        abort(404)


@bp.get("/")
def index():
    folder = Path(current_app.config["DEV_MAIL_DIR"])
    return render_template("devmail/index.html", messages=caught_messages(folder))


@bp.get("/<message_id>")
def show(message_id: str):
    message = read_message(Path(current_app.config["DEV_MAIL_DIR"]), message_id)
    if message is None:
        abort(404)
    return render_template("devmail/show.html", message=message)
