"""Pages about the service itself: the language choice, accessibility and privacy."""

from urllib.parse import urlsplit

from flask import Blueprint, abort, current_app, redirect, render_template, request, url_for

from app.i18n import LANGUAGE_COOKIE, LANGUAGE_COOKIE_DAYS

bp = Blueprint("pages", __name__)


@bp.get("/language/<code>")
def choose_language(code: str):
    """The language switcher: remembered in a cookie of its own, then back to the page."""
    if code not in current_app.config["LANGUAGES"]:
        abort(404)
    response = redirect(_local_path(request.args.get("next")), code=303)
    response.set_cookie(
        LANGUAGE_COOKIE,
        code,
        max_age=LANGUAGE_COOKIE_DAYS * 24 * 3600,
        secure=current_app.config["SESSION_COOKIE_SECURE"],
        httponly=True,
        samesite="Lax",
    )
    return response


def _local_path(target: str | None) -> str:
    """Only a path on this site: never a redirect elsewhere (//host, \\host, https://)."""
    parts = urlsplit(target or "")
    if not target or parts.scheme or parts.netloc or not target.startswith("/"):
        return url_for("events.index")
    if target.startswith(("//", "/\\")):
        return url_for("events.index")
    return target


@bp.get("/accessibility")
def accessibility():
    return render_template("pages/accessibility.html")


@bp.get("/privacy")
def privacy():
    return render_template("pages/privacy.html")
