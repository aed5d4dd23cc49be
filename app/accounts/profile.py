"""Everyone's own account page (/account): name, email address, password, sessions."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import audit
from app.accounts import profile_services as services
from app.accounts.profile_forms import EmailChangeForm, NameForm, PasswordChangeForm
from app.auth.passwords import hash_password
from app.database import reading
from app.extensions import db
from app.forms import ConfirmForm
from app.models import AuditAction
from app.ratelimits import asks_own_password

bp = Blueprint("profile", __name__, url_prefix="/account")


@bp.before_request
@login_required
def require_login():
    """Every page here is the signed-in person's own."""


def _to_profile():
    return redirect(url_for("profile.index"), code=303)


@bp.get("/")
def index():
    return render_template(
        "accounts/profile_index.html",
        sessions=services.own_sessions(current_user),
        form=None,
        end_form=ConfirmForm(),
    )


@bp.route("/name", methods=["GET", "POST"])
def name():
    form = NameForm(data={"name": current_user.name})
    if form.validate_on_submit():
        old = services.change_name(current_user, form.name.data)
        audit.record(AuditAction.CHANGED_NAME, detail=f"{old} -> {current_user.name}")
        db.session.commit()
        flash(_("Your name was changed."), "success")
        return _to_profile()
    return render_template("accounts/profile_name.html", form=form)


@bp.route("/email", methods=["GET", "POST"])
@asks_own_password
def email():
    form = EmailChangeForm(account=current_user)
    if form.validate_on_submit():
        try:
            address = services.request_email_change(
                current_user, form.email.data, str(get_locale())
            )
        except services.SameAddress:
            form.email.errors.append(_("This is your email address already"))
        else:
            db.session.commit()
            # The same answer whether or not the address has an account already.
            flash(
                _(
                    "We sent a link to %(email)s. Your address changes when you open it.",
                    email=address,
                ),
                "success",
            )
            return _to_profile()
    return render_template("accounts/profile_email.html", form=form)


@bp.route("/email/confirm/<token>", methods=["GET", "POST"])
def confirm_email(token: str):
    with reading():
        change = services.email_change_for(token, current_user)
        new_address = change.email if change is not None else None
    if new_address is None:
        return render_template("accounts/profile_email_expired.html"), 404
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            old = services.confirm_email_change(token, current_user)
        except services.AddressTaken:
            return render_template("accounts/profile_email_expired.html"), 404
        if old is None:
            return render_template("accounts/profile_email_expired.html"), 404
        audit.record(AuditAction.CHANGED_EMAIL, detail=f"{old} -> {new_address}")
        db.session.commit()
        flash(_("Your email address is now %(email)s.", email=new_address), "success")
        return _to_profile()
    return render_template("accounts/profile_email_confirm.html", form=form, email=new_address)


@bp.route("/password", methods=["GET", "POST"])
@asks_own_password
def password():
    form = PasswordChangeForm(account=current_user)
    if form.validate_on_submit():
        new_hash = hash_password(form.password.data)
        services.change_password(current_user, new_hash, str(get_locale()))
        audit.record(AuditAction.CHANGED_PASSWORD)
        db.session.commit()
        flash(_("Your password was changed, and you were signed out everywhere else."), "success")
        return _to_profile()
    return render_template("accounts/profile_password.html", form=form)


@bp.post("/sessions/end-others")
def end_other_sessions():
    services.sign_out_elsewhere(current_user)
    db.session.commit()
    flash(_("You were signed out everywhere else."), "success")
    return _to_profile()
