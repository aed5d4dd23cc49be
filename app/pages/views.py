"""Pages about the service itself: the language choice, accessibility and privacy, and the
site's icon."""

from flask import (
    Blueprint,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_from_directory,
)

from app.i18n import LANGUAGE_COOKIE, LANGUAGE_COOKIE_DAYS
from app.navigation import local_path_or

bp = Blueprint("pages", __name__)

# The icon changes with a new release at most: browsers may keep it a week.
ICON_MAX_AGE = 7 * 24 * 3600


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


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico on every site, whatever the page names."""
    return _icon("favicon.ico")


@bp.get("/favicon.svg")
def favicon_svg():
    """The icon the pages name: sharp at any size."""
    return _icon("favicon.svg")


def _icon(name: str):
    return send_from_directory(current_app.static_folder, name, max_age=ICON_MAX_AGE)
