"""Clear error pages instead of stack traces; a failed request leaves nothing half-written."""

from flask import Flask, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, InternalServerError

from app.extensions import db


def register(app: Flask) -> None:
    @app.errorhandler(CSRFError)
    def csrf_error(error):
        db.session.rollback()
        message = _(
            "The form had expired or was sent from elsewhere. Go back, reload the "
            "page and try again. Nothing was saved."
        )
        return render_template("errors/error.html", code=400, message=message), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        db.session.rollback()
        return render_template("errors/error.html", code=error.code, message=_message(error)), (
            error.code or 500
        )

    @app.errorhandler(InternalServerError)
    def server_error(error):
        db.session.rollback()
        message = _("Something went wrong on our side. Nothing was saved. Please try again.")
        return render_template("errors/error.html", code=500, message=message), 500


def _message(error: HTTPException) -> str:
    messages = {
        400: _("The request could not be understood."),
        403: _("You do not have access to this page."),
        404: _("Page not found. Check the address, or the link may have expired."),
        405: _("That action is not available here."),
        409: _("That cannot be done now."),
        413: _("What you sent is too large."),
        429: _("Too many tries in a short time. Wait a minute, then go back and try again."),
    }
    default = messages.get(error.code or 500, _("Something went wrong."))
    if error.code == 413 and request.mimetype == "multipart/form-data":  # a file was sent
        default = _(
            "What you sent is too large. A file you upload can be at most 1 MB: go back "
            "and choose a smaller one. Nothing was saved."
        )
    # Our own abort(404, description=...) messages are written for people; Werkzeug's are not.
    # (A rate limit's description is the limit itself, "30 per 1 minute": not for people.)
    if error.code != 429 and error.description and error.description != type(error).description:
        return error.description
    return default
