"""An event's team: adding co-organisers and check-in helpers."""

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import login_required

from app import audit
from app.accounts import services
from app.accounts.forms import CoOrganiserForm
from app.extensions import db
from app.models import AuditAction, OrganiserRole
from app.organiser.access import event_or_404

bp = Blueprint("accounts", __name__, url_prefix="/organiser")


@bp.before_request
@login_required
def require_login():
    """Every page here needs a signed-in organiser."""


@bp.route("/events/<int:event_id>/organisers", methods=["GET", "POST"])
def organisers(event_id: int):
    event = event_or_404(event_id)
    form = CoOrganiserForm()
    if form.validate_on_submit():
        try:
            role = OrganiserRole(form.role.data)
            added = services.add_co_organiser(event, form.email.data, role)
            audit.record(AuditAction.ADDED_ORGANISER, event=event, detail=f"{added.email} {role}")
        except services.OrganiserNotFound:
            form.email.errors.append(
                _(
                    "There is no organiser account with that email address. "
                    "Ask an administrator to create one."
                )
            )
        else:
            db.session.commit()
            if role == OrganiserRole.HELPER:
                flash(_("%(name)s can now check people in.", name=added.name), "success")
            else:
                flash(_("%(name)s is now a co-organiser.", name=added.name), "success")
            return redirect(url_for("accounts.organisers", event_id=event.id), code=303)
    return render_template("accounts/organisers.html", event=event, form=form)
