from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required, login_user, logout_user

from app.auth.forms import LoginForm
from app.auth.services import authenticate
from app.extensions import db
from app.navigation import local_path_or
from app.ratelimits import login_attempts, login_attempts_per_account

bp = Blueprint("auth", __name__)


@bp.route("/login", methods=["GET", "POST"])
@login_attempts
@login_attempts_per_account
def login():
    form = LoginForm()
    if form.validate_on_submit():
        organiser = authenticate(form.email.data, form.password.data)
        if organiser is not None:
            db.session.commit()
            login_user(organiser)
            next_page = local_path_or(request.args.get("next"), "organiser.dashboard")
            return redirect(next_page, code=303)
        # One message for an unknown email and a wrong password alike.
        form.password.errors.append(_("The email address or password is not right"))
    return render_template("auth/login.html", form=form)


@bp.post("/logout")
@login_required
def logout():
    logout_user()
    flash(_("You have signed out."), "success")
    return redirect(url_for("events.index"), code=303)
