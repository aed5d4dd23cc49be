"""Two-step sign-in: one's own settings (/account/two-step), the second step of signing in
(/login/two-step), and sending those who must use it to set it up first."""

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user

from app import audit, clock
from app.accounts import two_step_services as services
from app.accounts.two_step_forms import (
    WRONG_APP_CODE,
    WRONG_CODE,
    RecoveryCodesForm,
    SetupCodeForm,
    SignInCodeForm,
    TurnOffForm,
)
from app.auth.sessions import start_session
from app.database import reading
from app.extensions import db
from app.forms import ConfirmForm
from app.models import AuditAction, Organiser
from app.navigation import local_path_or
from app.ratelimits import TWO_STEP_PENDING, asks_own_password, code_attempts

bp = Blueprint("two_step", __name__)

# How long the half-done sign-in waits for its code.
PENDING_FOR = timedelta(minutes=5)
# Pages that someone who must use two-step sign-in sees only once it is on.
GUARDED = ("/organiser", "/admin", "/account")


# --- signing in ----------------------------------------------------------------------------


def begin_second_step(organiser: Organiser, next_page: str):
    """After the right password: no session yet, only the account's id in the Flask
    session (signed, so not forged), for PENDING_FOR; the code page then starts one."""
    until = (clock.now() + PENDING_FOR).timestamp()
    session[TWO_STEP_PENDING] = {"id": organiser.id, "until": until, "next": next_page}
    return redirect(url_for("two_step.sign_in_code"), code=303)


def _pending_organiser() -> Organiser | None:
    pending = session.get(TWO_STEP_PENDING) or {}
    if not isinstance(pending, dict) or pending.get("until", 0) < clock.now().timestamp():
        return None
    organiser = db.session.get(Organiser, pending.get("id", 0))
    if organiser is None or not organiser.active or not organiser.has_two_step:
        return None
    return organiser


@bp.route("/login/two-step", methods=["GET", "POST"])
@code_attempts
def sign_in_code():
    with reading():
        organiser = _pending_organiser()
    if organiser is None:
        session.pop(TWO_STEP_PENDING, None)
        flash(_("Sign in again: the time to enter the code ran out."), "info")
        return redirect(url_for("auth.login"), code=303)
    form = SignInCodeForm()
    if form.validate_on_submit():
        used = services.check_second_step(organiser, form.code.data)
        if used is not None:
            next_page = session.pop(TWO_STEP_PENDING)["next"]
            start_session(organiser)
            login_user(organiser)
            if used == "recovery":
                audit.record(AuditAction.USED_RECOVERY_CODE)
            db.session.commit()
            if used == "recovery":
                flash(_("You used a recovery code. Each code works once."), "info")
            return redirect(local_path_or(next_page, "home.dashboard"), code=303)
        form.code.errors.append(WRONG_CODE)
    return render_template("accounts/two_step_sign_in.html", form=form)


@bp.before_app_request
def require_two_step():
    """Whom an admin requires to use two-step sign-in sees its setup before any other
    organiser page."""
    if not request.path.startswith(GUARDED) or (request.endpoint or "").startswith("two_step."):
        return None
    if not current_user.is_authenticated or current_user.has_two_step:
        return None
    if services.two_step_required(current_user):
        return redirect(url_for("two_step.status"), code=303)
    return None


# --- one's own settings --------------------------------------------------------------------


@bp.get("/account/two-step")
@login_required
def status():
    return render_template(
        "accounts/two_step_status.html",
        required=services.two_step_required(current_user),
        codes_left=services.recovery_codes_left(current_user),
        start_form=ConfirmForm(),
    )


@bp.post("/account/two-step/start")
@login_required
def start():
    services.start_setup(current_user)
    db.session.commit()
    return redirect(url_for("two_step.setup"), code=303)


@bp.route("/account/two-step/setup", methods=["GET", "POST"])
@login_required
@asks_own_password
def setup():
    if current_user.has_two_step or not current_user.totp_secret:
        return redirect(url_for("two_step.status"), code=303)
    form = SetupCodeForm()
    if form.validate_on_submit():
        codes = services.finish_setup(current_user, form.code.data)
        if codes is not None:
            audit.record(AuditAction.TWO_STEP_ON)
            db.session.commit()
            # Shown on this page only, never again: no redirect to a page that could.
            return render_template("accounts/two_step_codes.html", codes=codes, turned_on=True)
        form.code.errors.append(WRONG_APP_CODE)
    return render_template(
        "accounts/two_step_setup.html",
        form=form,
        qr_code=services.qr_code_svg(current_user),
        secret=services.grouped_secret(current_user),
    )


@bp.route("/account/two-step/recovery-codes", methods=["GET", "POST"])
@login_required
@asks_own_password
def recovery_codes():
    if not current_user.has_two_step:
        return redirect(url_for("two_step.status"), code=303)
    form = RecoveryCodesForm(account=current_user)
    if form.validate_on_submit():
        codes = services.new_recovery_codes(current_user)
        db.session.commit()
        return render_template("accounts/two_step_codes.html", codes=codes, turned_on=False)
    return render_template("accounts/two_step_new_codes.html", form=form)


@bp.route("/account/two-step/off", methods=["GET", "POST"])
@login_required
@asks_own_password
def turn_off():
    if not current_user.has_two_step:
        return redirect(url_for("two_step.status"), code=303)
    form = TurnOffForm(account=current_user)
    if form.validate_on_submit():
        if services.check_second_step(current_user, form.code.data) is not None:
            services.turn_off(current_user)
            audit.record(AuditAction.TWO_STEP_OFF)
            db.session.commit()
            flash(_("Two-step sign-in is off."), "success")
            return redirect(url_for("two_step.status"), code=303)
        form.code.errors.append(WRONG_CODE)
    return render_template("accounts/two_step_off.html", form=form)
