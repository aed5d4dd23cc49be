"""Rate limits on what the public can post, and on signing in (Flask-Limiter).

With RATELIMIT_STORAGE_URI "memory://" each server process counts on its own (gunicorn's
four workers allow four times the limit); with Redis every process shares the counts."""

from flask import current_app, request, session
from flask_limiter import RequestLimit
from flask_limiter.util import get_remote_address

from app.extensions import limiter
from app.text import normalise_email


def _public_forms() -> str:
    return current_app.config["RATELIMIT_PUBLIC_FORMS"]


def _login() -> str:
    return current_app.config["RATELIMIT_LOGIN"]


def _login_per_account_and_address() -> str:
    return current_app.config["RATELIMIT_LOGIN_PER_ACCOUNT_AND_ADDRESS"]


def _login_per_account() -> str:
    return current_app.config["RATELIMIT_LOGIN_PER_ACCOUNT"]


def _invitations() -> str:
    return current_app.config["RATELIMIT_ACCOUNT_INVITATIONS"]


def _accept_invitation() -> str:
    return current_app.config["RATELIMIT_ACCEPT_INVITATION"]


def _inviter() -> str:
    from flask_login import current_user

    return f"invite:{current_user.id}" if current_user.is_authenticated else get_remote_address()


def _account() -> str:
    return "login:" + normalise_email(request.form.get("email", ""))


def _account_and_address() -> str:
    return f"{_account()}:{get_remote_address()}"


def _tell_the_owner(limit: RequestLimit) -> None:
    """Someone is guessing an account's password: its owner hears of it (app.auth.alerts)."""
    from app.auth.alerts import warn_of_guessing

    warn_of_guessing(request.form.get("email", ""))


# One allowance shared by every public form: a script cannot spread itself over them.
public_form = limiter.shared_limit(_public_forms, scope="public-forms", methods=["POST"])
# Signing in: per client address (whatever the accounts); per account from one address,
# so that guessing from elsewhere does not lock its owner out; and per account from
# everywhere, a ceiling much higher, against guessing spread over many addresses.
_per_address = limiter.limit(_login, methods=["POST"])
_per_account_and_address = limiter.limit(
    _login_per_account_and_address,
    key_func=_account_and_address,
    methods=["POST"],
    on_breach=_tell_the_owner,
)
_per_account = limiter.limit(
    _login_per_account, key_func=_account, methods=["POST"], on_breach=_tell_the_owner
)


def login_attempts(view):
    return _per_address(_per_account_and_address(_per_account(view)))


# The half-done sign-in's account (app.accounts.two_step keeps it in the Flask session).
TWO_STEP_PENDING = "two_step_pending"


def _pending_account_and_address() -> str:
    pending = session.get(TWO_STEP_PENDING) or {}
    return f"two-step:{pending.get('id', 0)}:{get_remote_address()}"


def _own_account_and_address() -> str:
    from flask_login import current_user

    return f"own-account:{current_user.get_id() and current_user.id}:{get_remote_address()}"


# Two-step codes are guessed as passwords are: the same limits, per address and per
# account from one address.
_per_pending_account_and_address = limiter.limit(
    _login_per_account_and_address, key_func=_pending_account_and_address, methods=["POST"]
)


def code_attempts(view):
    return _per_address(_per_pending_account_and_address(view))


# Forms of a signed-in account that ask its password or a code share one allowance.
asks_own_password = limiter.shared_limit(
    _login_per_account_and_address,
    scope="own-password",
    key_func=_own_account_and_address,
    methods=["POST"],
)
# Invitations to make an account (mail to any address): per signed-in organiser or admin,
# counted over every form that sends one.
account_invitations = limiter.shared_limit(
    _invitations, scope="account-invitations", key_func=_inviter, methods=["POST"]
)
# Making an account from an invitation's link: per client address, as signing in is.
accept_invitation = limiter.limit(_accept_invitation, methods=["POST"])
