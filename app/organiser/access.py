"""Which event the signed-in organiser may open: shared by every organiser blueprint."""

from flask import abort
from flask_login import current_user

from app.accounts.services import event_for
from app.models import Event


def event_or_404(event_id: int, *, helper_ok: bool = False) -> Event:
    # 404, not 403: another organiser's event does not exist as far as you can tell.
    event = event_for(current_user, event_id, helper_ok=helper_ok)
    if event is None:
        abort(404)
    return event
