from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required, login_user, logout_user

from app.accounts.two_step import begin_second_step
from app.auth.forms import ForgotPasswordForm, LoginForm, NewPasswordForm
from app.auth.services import (
    check_sign_in,
    organiser_for_reset,
    request_password_reset,
    reset_password,
)
from app.auth.sessions import end_session, start_session
from app.database import reading
from app.extensions import db
from app.navigation import local_path_or
from app.ratelimits import login_attempts, public_form

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@login_attempts
def login():
    form = LoginForm()
    if form.validate_on_submit():
        organiser = check_sign_in(form.email.data, form.password.data)
        if organiser is not None:
            next_page = local_path_or(request.args.get("next"), "home.dashboard")
            if organiser.has_two_step:
                db.session.commit()  # a new hash, if any; no session until the code
                return begin_second_step(organiser, next_page)
            start_session(organiser)
            db.session.commit()
            login_user(organiser)
            return redirect(next_page, code=303)
        # One message for an unknown email and a wrong password alike.
        form.password.errors.append(_("The email address or password is not right"))
    with reading():  # a wrong password writes nothing
        return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    end_session(current_user.sign_in_id)
    db.session.commit()
    logout_user()
    flash(_("You have signed out."), "success")
    return redirect(url_for("events.index"), code=303)


@bp.route("/login/forgot", methods=["GET", "POST"])
@public_form
def forgot_password():
    form = ForgotPasswordForm()
    if form.validate_on_submit():
        request_password_reset(form.email.data, str(get_locale()))
        db.session.commit()
        # The same answer whether or not there is such an account.
        return render_template("auth/reset_sent.html", email=form.email.data)
    return render_template("auth/forgot.html", form=form)


@bp.route("/login/reset/<token>", methods=["GET", "POST"])
@public_form
def reset_password_page(token: str):
    with reading():
        organiser = organiser_for_reset(token)
    if organiser is None:
        return render_template("auth/reset_expired.html"), 404
    form = NewPasswordForm(account=organiser)
    if form.validate_on_submit():
        reset_password(token, form.password.data)
        db.session.commit()
        flash(_("Your password was changed. Sign in with the new password."), "success")
        return redirect(url_for("auth.login"), code=303)
    return render_template("auth/reset.html", form=form)
