from flask import Blueprint, abort, render_template

from app import clock
from app.events.services import public_event, upcoming_events
from app.privacy.services import erase_after

bp = Blueprint("events", __name__)


@bp.get("/")
def index():
    return render_template("events/index.html", events=upcoming_events(), at=clock.now())


@bp.get("/events/<slug>")
def show(slug: str):
    event = public_event(slug)
    if event is None:
        abort(404)
    return render_template("events/show.html", event=event, at=clock.now(), preview=False)


@bp.get("/events/<slug>/privacy")
def privacy(slug: str):
    """The event's privacy notice: who keeps what, why, for how long, and the person's rights."""
    event = public_event(slug)
    if event is None:
        abort(404)
    return render_template("events/privacy.html", event=event, kept_until=erase_after(event))
