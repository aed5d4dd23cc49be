"""The event form's approval setting (a part of app.organiser.event_form's EventForm)."""

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField


class ApprovalSettings:
    """Sign-ups wait for an organiser's decision (app.places.approval)."""

    requires_approval = BooleanField(
        _l("Sign-ups need the organisers' approval"),
        description=_l(
            "A sign-up takes no place until you approve it on the event's Approvals page; "
            "the person is told by email either way. People you invite or add yourself get "
            "their place directly."
        ),
    )

    def approval_details(self) -> dict:
        return {"requires_approval": bool(self.requires_approval.data)}


def approval_form_data(event) -> dict:
    return {"requires_approval": event.requires_approval}
