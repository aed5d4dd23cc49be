"""The follow-up mail as it is rendered, at send time, in its recipient's language
(app.mail.render asks here for its subject and its part of the context)."""

from flask import url_for

from app.extensions import db
from app.followup.access import issue_materials_token, link_valid_until
from app.followup.materials import event_materials
from app.models import FollowUpMessage, OutboundEmail


def follow_up_message(email: OutboundEmail) -> FollowUpMessage | None:
    return db.session.get(FollowUpMessage, email.payload.get("message", 0))


def follow_up_subject(email: OutboundEmail) -> str:
    message = follow_up_message(email)
    title = email.event.title_in(email.locale).text
    return f"{message.subject_in(email.locale).text} – {title}"


def follow_up_context(email: OutboundEmail) -> dict:
    """The organiser's words in the person's language (else the event's), and, when the
    message includes them, the materials' titles and the person's own link to them."""
    message = follow_up_message(email)
    context = {
        "follow_up": message,
        "message_subject": message.subject_in(email.locale),
        "message_body": message.body_in(email.locale),
        "materials": [],
        "materials_url": None,
    }
    materials = event_materials(email.event_id) if message.include_materials else []
    if materials and email.registration is not None:
        raw = issue_materials_token(email.registration)
        context["materials"] = materials
        context["materials_url"] = url_for("materials.page", token=raw, _external=True)
        context["materials_until"] = link_valid_until(email.event)
    return context
