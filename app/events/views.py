from flask import Blueprint, abort, render_template

from app import clock
from app.events.services import public_event, upcoming_events

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
