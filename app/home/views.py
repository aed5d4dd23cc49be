"""The organiser's home: the first page after sign-in."""

from flask import Blueprint, render_template, request
from flask_login import current_user, login_required

from app import clock
from app.accounts.services import role_in
from app.bounds import database_id, page_number, search_text
from app.home import services
from app.home.services import Scope, Tab
from app.models import OrganiserRole
from app.privacy.services import erase_after

bp = Blueprint("home", __name__, url_prefix="/organiser")


@bp.before_request
@login_required
def require_login():
    """The home needs a signed-in organiser."""


@bp.get("/")
def dashboard():
    now = clock.now()
    tab = _tab(request.args.get("tab", ""))
    organisers = services.organiser_choices() if current_user.is_admin else []
    scope = Scope(
        current_user,
        organiser_id=_chosen(request.args.get("organiser"), organisers),
        search=search_text(request.args.get("q")),
    )
    page = services.events_page(scope, tab, now, request.args.get("page", 1, type=page_number))
    return render_template(
        "home/dashboard.html",
        tab=tab,
        tabs=services.tab_counts(scope, now),
        scope=scope,
        page=page,
        numbers=services.numbers_of(page.items, now),
        helping={e.id for e in page.items if role_in(current_user, e) == OrganiserRole.HELPER},
        organisers=organisers,
        has_active_organiser=services.has_active_organiser,
        erase_after=erase_after,
        at=now,
    )


def _tab(text: str) -> Tab:
    try:
        return Tab(text)
    except ValueError:
        return Tab.UPCOMING


def _chosen(text: str | None, organisers: list) -> int | None:
    """The organiser to filter by: only one of the accounts listed, else none."""
    wanted = database_id(text)
    return wanted if wanted in {row.id for row in organisers} else None
