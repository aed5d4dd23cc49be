"""Pages about the service itself: the language choice, accessibility and privacy."""

from flask import Blueprint, abort, current_app, redirect, render_template, request

from app.i18n import LANGUAGE_COOKIE, LANGUAGE_COOKIE_DAYS
from app.navigation import local_path_or

bp = Blueprint("pages", __name__)


@bp.get("/language/<code>")
def choose_language(code: str):
    """The language switcher: remembered in a cookie of its own, then back to the page."""
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    response = redirect(local_path_or(request.args.get("next"), "events.index"), code=303)
    response.set_cookie(
        LANGUAGE_COOKIE,
        code,
        max_age=LANGUAGE_COOKIE_DAYS * 24 * 3600,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


@bp.get("/accessibility")
def accessibility():
    return render_template("pages/accessibility.html")


@bp.get("/privacy")
def privacy():
    return render_template("pages/privacy.html")
