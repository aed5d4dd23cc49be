"""Rate limits on what the public can post, and on signing in (Flask-Limiter)."""

from flask import current_app, request

from app.extensions import limiter
from app.text import normalise_email


def _public_forms() -> str:
    return current_app.config["RATELIMIT_PUBLIC_FORMS"]


def _login() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _login_per_account() -> str:
    return current_app.config["RATELIMIT_LOGIN_PER_ACCOUNT"]


def _account() -> str:
    return "login:" + normalise_email(request.form.get("email", ""))


# One allowance shared by every public form: a script cannot spread itself over them.
public_form = limiter.shared_limit(_public_forms, scope="public-forms", methods=["POST"])
login_attempts = limiter.limit(_login, methods=["POST"])
login_attempts_per_account = limiter.limit(_login_per_account, key_func=_account, methods=["POST"])
