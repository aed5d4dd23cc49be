"""Administration of two-step sign-in: whom it is required of, and a reset for someone
who lost their phone."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import audit
from app.accounts import two_step_services as services
from app.accounts.two_step_forms import RequirementForm
from app.extensions import db
from app.forms import ConfirmForm
from app.models import AuditAction, Organiser

bp = Blueprint("two_step_admin", __name__, url_prefix="/admin")


@bp.before_request
@login_required
def admins_only():
    if not current_user.is_admin:
        abort(404)  # as the other admin pages: not there for anyone else


@bp.route("/two-step", methods=["GET", "POST"])
def requirement():
    settings = services.site_settings()
    form = RequirementForm(
        data={
            "admins": settings.require_two_step_admins,
            "sensitive": settings.require_two_step_sensitive,
        }
    )
    if form.validate_on_submit():
        services.set_requirement(admins=form.admins.data, sensitive=form.sensitive.data)
        detail = f"admins={'yes' if form.admins.data else 'no'}, "
        detail += f"sensitive={'yes' if form.sensitive.data else 'no'}"
        audit.record(AuditAction.TWO_STEP_REQUIRED, detail=detail)
        db.session.commit()
        flash(_("Saved. It applies from the next page each person opens."), "success")
        return redirect(url_for("two_step_admin.requirement"), code=303)
    return render_template("accounts/two_step_requirement.html", form=form)


@bp.route("/accounts/<int:organiser_id>/two-step/reset", methods=["GET", "POST"])
def reset(organiser_id: int):
    """For a lost phone: the person signs in with their password only, and sets two-step
    sign-in up again (at once, when it is required of them)."""
    person = db.session.get(Organiser, organiser_id)
    if person is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit() and person.has_two_step:
        services.turn_off(person)
        audit.record(AuditAction.TWO_STEP_RESET, detail=person.email)
        db.session.commit()
        flash(_("Two-step sign-in of %(name)s was reset.", name=person.name), "success")
        return redirect(url_for("two_step_admin.reset", organiser_id=person.id), code=303)
    return render_template("accounts/two_step_reset.html", form=form, person=person)
