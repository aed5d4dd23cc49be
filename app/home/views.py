"""The organiser's home: the first page after sign-in."""

from flask import Blueprint, render_template
from flask_login import current_user, login_required

from app import clock
from app.accounts.services import role_in
from app.home import services
from app.models import OrganiserRole

bp = Blueprint("home", __name__, url_prefix="/organiser")


@bp.before_request
@login_required
def require_login():
    """The home needs a signed-in organiser."""


@bp.get("/")
def dashboard():
    events = services.events_for(current_user)
    helping = {event.id for event in events if role_in(current_user, event) == OrganiserRole.HELPER}
    return render_template(
        "home/dashboard.html",
        events=events,
        helping=helping,
        all_events=services.all_events() if current_user.is_admin else None,
        at=clock.now(),
    )
