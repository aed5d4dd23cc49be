"""Turning an outbox row into a message, at send time, in the recipient's language."""

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_mail import Message

from app.models import EventStatus, OutboundEmail, RegistrationStatus
from app.signup.services import issue_manage_link_token, waiting_position

SUBJECTS = {
    "registration_confirmed": _l("You are registered: %(title)s"),
    "registration_waiting": _l("You are on the waiting list: %(title)s"),
    "registration_promoted": _l("A place became free – you are registered: %(title)s"),
    "registration_cancelled": _l("Your registration was cancelled: %(title)s"),
    "already_registered": _l("You are already registered: %(title)s"),
    "event_cancelled": _l("Cancelled: %(title)s"),
}

# Messages that carry a fresh manage link; the raw token exists only in the email.
WITH_MANAGE_LINK = {
    "registration_confirmed",
    "registration_waiting",
    "registration_promoted",
    "already_registered",
}


def render_message(email: OutboundEmail) -> Message:
    base_url = current_app.config["PUBLIC_BASE_URL"]
    with current_app.test_request_context(base_url=base_url), force_locale(email.locale):
        context = _context(email)
        subject = str(SUBJECTS[email.kind] % {"title": email.event.title})
        body = render_template(f"mail/{email.kind}.txt", **context)
        html = render_template(f"mail/{email.kind}.html", subject=subject, **context)
    return Message(subject=subject, recipients=[email.recipient], body=body, html=html)


def _context(email: OutboundEmail) -> dict:
    registration = email.registration
    context = {
        "email": email,
        "event": email.event,
        "registration": registration,
        "locale": email.locale,
        "event_url": url_for("events.show", slug=email.event.slug, _external=True),
        "payload": email.payload,
    }
    if registration is not None:
        # The join link goes only to people with a place at an event that will happen.
        context["is_confirmed"] = (
            registration.status == RegistrationStatus.CONFIRMED
            and email.event.status == EventStatus.PUBLISHED
        )
        context["position"] = waiting_position(registration)
    if email.kind in WITH_MANAGE_LINK:
        raw = issue_manage_link_token(registration)
        context["manage_url"] = url_for("signup.manage", token=raw, _external=True)
    return context
