from flask import Blueprint, abort, render_template

from app import clock
from app.events.services import (
    clock_changes,
    public_event,
    public_event_row,
    row_of,
    upcoming_events,
)
from app.pagecache import cached_page
from app.privacy.services import erase_after

bp = Blueprint("events", __name__)


@bp.get("/")
def index():
    events, more = upcoming_events()
    return render_template("events/index.html", events=events, more=more, at=clock.now())


@bp.get("/events/<slug>")
def show(slug: str):
    """The busiest page when registration opens: served from app.pagecache."""
    row = public_event_row(slug)
    if row is None:
        abort(404)
    at = clock.now()

    def render():
        event = public_event(slug)
        page = render_template(
            "events/show.html", event=event, at=at, preview=False, series_slug=row.series_slug
        )
        return page, (*row_of(event), row.series_slug)

    return cached_page("events.show", tuple(row), at, clock_changes(row), render)


@bp.get("/events/<slug>/privacy")
def privacy(slug: str):
    """The event's privacy notice: who keeps what, why, for how long, and the person's rights."""
    event = public_event(slug)
    if event is None:
        abort(404)
    return render_template("events/privacy.html", event=event, kept_until=erase_after(event))
