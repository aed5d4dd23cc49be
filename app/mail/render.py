"""Turning an outbox row into a message, at send time, in the recipient's language."""

import secrets
from email import policy
from email.encoders import encode_base64
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.utils import formatdate, make_msgid, parseaddr
from functools import lru_cache

from flask import current_app, render_template, url_for
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from flask_mail import Attachment, Message, sanitize_subject

from app import clock
from app.accounts import invitations as account_invitations
from app.accounts.mail import invitation_sentence
from app.accounts.profile_services import issue_email_change_token
from app.auth.services import issue_password_reset_token
from app.extensions import db
from app.invitations.services import issue_invitation_token
from app.lists.leaving import issue_leave_token
from app.mail.calendar import registration_calendar
from app.mail.transport import encoded_address
from app.models import (
    EventStatus,
    InvitationStatus,
    Organiser,
    OutboundEmail,
    RegistrationStatus,
)
from app.places.approval import APPROVED_MAIL, DECLINED_MAIL, PENDING_MAIL
from app.places.modes import MODE_CHANGED, reminded_in_mode, shown_in_mail
from app.places.services import has_a_place, waiting_position
from app.series.mail import BOOKING_MAIL, booking_calendars, booking_context
from app.signup.group_services import GROUP_MAIL, group_mail_context
from app.signup.services import issue_manage_link_token

SUBJECTS = {
    "registration_confirmed": _l("You are registered: %(title)s"),
    "registration_waiting": _l("You are on the waiting list: %(title)s"),
    "registration_promoted": _l("A place became free – you are registered: %(title)s"),
    "registration_cancelled": _l("Your registration was cancelled: %(title)s"),
    # app.places.approval
    PENDING_MAIL: _l("Your sign-up is waiting for approval: %(title)s"),
    APPROVED_MAIL: _l("Your sign-up was approved: %(title)s"),
    DECLINED_MAIL: _l("Your sign-up was not approved: %(title)s"),
    # Timed offers from the waiting list (app.places.offers).
    "registration_offered": _l("A place is offered to you – accept it in time: %(title)s"),
    "offer_expired": _l("The offer of a place has lapsed: %(title)s"),
    "registration_resent": _l("Your registration: %(title)s"),
    "already_registered": _l("You are already registered: %(title)s"),
    "registration_updated": _l("Your details were updated: %(title)s"),
    MODE_CHANGED: _l("How you take part has changed: %(title)s"),
    "event_cancelled": _l("Cancelled: %(title)s"),
    "event_updated": _l("Changed: %(title)s"),
    "reminder": _l("Reminder: %(title)s"),
    "invitation": _l("Invitation: %(title)s"),
    "invitation_reminder": _l("Please reply to the invitation: %(title)s"),
    "nomination_received": _l("Thank you for your nominations: %(title)s"),
    "nominee_informed": _l("You have been nominated: %(title)s"),
    "not_selected": _l("Not selected this time: %(title)s"),
    "password_reset": _l("Set a new password for Kutsu"),
    "sign_in_attempts": _l("Many wrong passwords for your Kutsu account"),
    "email_change": _l("Confirm your new email address for Kutsu"),
    "email_taken": _l("A change of email address for Kutsu"),
    "email_change_notice": _l("A change of your Kutsu email address was asked"),
    "password_changed": _l("Your Kutsu password was changed"),
    "account_invitation": _l("You are invited to Kutsu"),
    BOOKING_MAIL: _l("Your registrations: %(title)s"),
    GROUP_MAIL: _l("Your group is signed up: %(title)s"),
}

# Invitations carry accept and decline links, minted when sent.
WITH_REPLY_LINKS = {"invitation", "invitation_reminder"}

# Messages that carry a fresh manage link; the raw token exists only in the email.
WITH_MANAGE_LINK = {
    GROUP_MAIL,
    "registration_confirmed",
    "registration_resent",
    "registration_waiting",
    "registration_promoted",
    "registration_offered",
    "already_registered",
    "registration_updated",
    "event_updated",
    "reminder",
    "organiser_message",
    MODE_CHANGED,
    PENDING_MAIL,
    APPROVED_MAIL,
}

# A message written earlier may no longer be true when it is due: it is then skipped.
EXPECTED_STATUS = {
    "registration_confirmed": {RegistrationStatus.CONFIRMED},
    "registration_promoted": {RegistrationStatus.CONFIRMED},
    "registration_waiting": {RegistrationStatus.WAITING},
    GROUP_MAIL: {RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING},
    "registration_offered": {RegistrationStatus.OFFERED},
    "offer_expired": {RegistrationStatus.CANCELLED},
    # An organiser's resend tells the state at send time, whichever of the two it is.
    "registration_resent": {RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING},
    "reminder": {RegistrationStatus.CONFIRMED},
    "registration_updated": {RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING},
    # A person holding an offer hears of a new time or place as those coming do.
    "event_updated": {
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITING,
        RegistrationStatus.OFFERED,
    },
    "organiser_message": {
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITING,
        RegistrationStatus.OFFERED,
    },
    MODE_CHANGED: {RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING},
    PENDING_MAIL: {RegistrationStatus.PENDING},
    # Approved onto the waiting list, or with a seat: the mail tells which at send time.
    APPROVED_MAIL: {RegistrationStatus.CONFIRMED, RegistrationStatus.WAITING},
    DECLINED_MAIL: {RegistrationStatus.DECLINED},
}

CALENDAR_REQUEST = {
    GROUP_MAIL,
    "registration_confirmed",
    "registration_resent",
    "registration_promoted",
    "already_registered",
    "event_updated",
    MODE_CHANGED,
    APPROVED_MAIL,
}
CALENDAR_CANCEL = {"registration_cancelled", "event_cancelled"}
# Mail about an organiser's account: no event, so no title in the subject.
ACCOUNT_MAIL = {
    "password_reset",
    "sign_in_attempts",
    "email_change",
    "email_taken",
    "email_change_notice",
    "password_changed",
}
# Account mail that tells how to set a new password, if the change was not theirs.
WITH_FORGOT_LINK = {"sign_in_attempts", "email_taken", "email_change_notice", "password_changed"}


def still_relevant(email: OutboundEmail) -> bool:
    if email.kind == account_invitations.MAIL_KIND:
        return account_invitations.mail_is_current(email.payload) is not None
    if email.kind in ACCOUNT_MAIL:
        organiser = db.session.get(Organiser, email.payload.get("organiser_id", 0))
        return organiser is not None and organiser.active
    if email.kind in WITH_REPLY_LINKS:
        return _invitation_awaits_reply(email)
    registration = email.registration
    expected = EXPECTED_STATUS.get(email.kind)
    if expected and (registration is None or registration.status not in expected):
        return False
    if email.kind == "reminder":
        event = email.event
        if not reminded_in_mode(registration, email.payload.get("minutes")):
            return False
        return event.status == EventStatus.PUBLISHED and clock.now() < event.starts_at
    return True


def _invitation_awaits_reply(email: OutboundEmail) -> bool:
    invitation = email.invitation
    if invitation is None or email.event.status != EventStatus.PUBLISHED:
        return False
    if clock.now() >= email.event.starts_at:
        return False
    member = invitation.list_member
    if invitation.list_member_id is not None and (member is None or member.left_at is not None):
        return False  # they left the list (or were removed from it) since it was planned
    awaiting = {InvitationStatus.PLANNED, InvitationStatus.SENT}
    if email.kind == "invitation_reminder":
        awaiting = {InvitationStatus.SENT}
    return invitation.status in awaiting and (
        invitation.reply_by is None or clock.now() < invitation.reply_by
    )


class SentAsEncoded(policy.EmailPolicy):
    """SMTP's line endings, and headers written as Flask-Mail encoded them: folding its
    encoded subject again put a space inside a word ("sidosryhm ätyöpaja"). A header read
    while writing stays the string it is, as under compat32: parsing each again was a third
    of the time a message took to write."""

    def header_fetch_parse(self, name, value):
        return policy.compat32.header_fetch_parse(name, value)


SENT_AS_ENCODED = SentAsEncoded(linesep="\r\n", refold_source="none")


class KutsuMessage(Message):
    """Flask-Mail's message, put together as Flask-Mail does, at less cost to a worker that
    sends thousands: the subject and the sender, the same message after message, are encoded
    once, and each multipart part gets its boundary when made (left to the `email` package, a
    boundary costs a regular expression compiled to look for it in the text)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        # In the sender's domain, as mail from the service: Flask-Mail's named the machine
        # that sent it (a worker's internal host name, or "localhost").
        self.msgId = make_msgid(domain=parseaddr(self.sender)[1].rpartition("@")[2] or None)

    def _message(self) -> MIMEMultipart:
        message = MIMEMultipart(boundary=_boundary())
        alternative = MIMEMultipart("alternative", boundary=_boundary())
        alternative.attach(self._mimetext(self.body, "plain"))
        for subtype, content in self.alts.items():
            alternative.attach(self._mimetext(content, subtype))
        message.attach(alternative)
        if self.subject:
            message["Subject"] = _encoded_subject(str(self.subject))
        message["From"] = encoded_address(self.sender)
        message["To"] = ", ".join(set(map(encoded_address, self.recipients)))
        message["Date"] = formatdate(self.date, localtime=True)
        message["Message-ID"] = self.msgId
        if self.reply_to:
            message["Reply-To"] = encoded_address(self.reply_to)
        for name, value in (self.extra_headers or {}).items():
            message[name] = value
        for attachment in self.attachments:
            message.attach(_attached(attachment))
        message.policy = SENT_AS_ENCODED
        return message


def _boundary() -> str:
    """Random enough that no text can hold it by chance, nor by design: it is made as the
    message is sent."""
    return f"=_{secrets.token_urlsafe(16)}"


_encoded_subject = lru_cache(maxsize=256)(sanitize_subject)


def _attached(attachment: Attachment) -> MIMEBase:
    part = MIMEBase(*attachment.content_type.split("/", 1))
    part.set_payload(attachment.data)
    encode_base64(part)
    part.add_header("Content-Disposition", attachment.disposition, filename=attachment.filename)
    return part


def render_message(email: OutboundEmail) -> Message:
    base_url = current_app.config["PUBLIC_BASE_URL"]
    with current_app.test_request_context(base_url=base_url), force_locale(email.locale):
        context = _context(email)
        if email.kind == BOOKING_MAIL:
            context |= booking_context(email)
        subject = _subject(email)
        body = render_template(f"mail/{email.kind}.txt", **context)
        html = render_template(f"mail/{email.kind}.html", subject=subject, **context)
        message = KutsuMessage(
            subject=subject,
            recipients=[email.recipient],
            body=body,
            html=html,
            reply_to=_reply_to(email),
            extra_headers=_extra_headers(context),
        )
        if email.kind == BOOKING_MAIL:
            for filename, data in booking_calendars(context):
                message.attach(filename, "text/calendar; charset=utf-8; method=REQUEST", data)
        else:
            _attach_calendar(message, email, context)
    return message


def _extra_headers(context: dict) -> dict[str, str]:
    """Headers a message's row calls for, made at send time with its links: mail sent
    because of a contact list can be left in one click (RFC 2369 and RFC 8058)."""
    if not context.get("leave_url"):
        return {}
    return {
        "List-Unsubscribe": f"<{context['leave_url']}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def _reply_to(email: OutboundEmail) -> str | None:
    """A reply reaches the event's contact address; without one there is no Reply-To (the
    mail comes from the service, and an organiser's own address is not given out)."""
    return (email.event.contact_email or None) if email.event is not None else None


def _subject(email: OutboundEmail) -> str:
    if email.event is None:
        return str(SUBJECTS[email.kind])
    title = email.event.title_in(email.locale).text
    if email.kind == BOOKING_MAIL and email.event.series is not None:
        title = email.event.series.title_in(email.locale).text
    if email.kind == "organiser_message":
        return f"{email.batch.subject_in(email.locale).text} – {title}"
    return str(SUBJECTS[email.kind] % {"title": title})


def _context(email: OutboundEmail) -> dict:
    registration = email.registration
    event = email.event
    context = {
        "email": email,
        "event": event,
        "registration": registration,
        "locale": email.locale,
        "event_url": url_for("events.show", slug=event.slug, _external=True) if event else None,
        "payload": email.payload,
        "batch": email.batch,
        "is_confirmed": False,
        "position": None,
        "manage_url": None,
    }
    if registration is not None:
        # The join link goes only to people with a place at an event that will happen.
        context["is_confirmed"] = has_a_place(registration)
        context["position"] = waiting_position(registration)
    context |= shown_in_mail(registration, event, context["is_confirmed"])
    if email.kind in WITH_MANAGE_LINK and registration is not None:
        raw = issue_manage_link_token(registration)
        context["manage_url"] = url_for("signup.manage", token=raw, _external=True)
    if email.kind in WITH_REPLY_LINKS:
        raw = issue_invitation_token(email.invitation)
        context["invitation"] = email.invitation
        context["accept_url"] = url_for("invitations.accept", token=raw, _external=True)
        context["decline_url"] = url_for("invitations.decline", token=raw, _external=True)
        context.update(_list_context(email.invitation.list_member))
    if email.kind == GROUP_MAIL and registration is not None:
        context |= group_mail_context(registration)
    if email.kind == "password_reset":
        context["reset_url"] = _reset_url(email.payload["organiser_id"])
    if email.kind == account_invitations.MAIL_KIND:
        context.update(_account_invitation(email))
    if email.kind in WITH_FORGOT_LINK:
        context["forgot_url"] = url_for("auth.forgot_password", _external=True)
    if email.kind == "email_change":
        context["confirm_url"] = _email_change_url(email.payload["organiser_id"], email.recipient)
    if email.batch is not None:
        context["message_subject"] = email.batch.subject_in(email.locale)
        context["message_body"] = email.batch.body_in(email.locale)
    context["candidate"] = email.candidate
    return context


def _list_context(member) -> dict:
    """Mail sent because of a contact list says which list and why, with the member's own
    link to leave it."""
    if member is None or member.left_at is not None:
        return {"contact_list": None, "leave_url": None}
    raw = issue_leave_token(member)
    return {
        "contact_list": member.contact_list,
        "leave_url": url_for("list_leave.leave", token=raw, _external=True),
    }


def _account_invitation(email: OutboundEmail) -> dict:
    invitation = account_invitations.mail_is_current(email.payload)
    if invitation is None:
        return {"account_invitation": None, "join_url": None}
    raw = account_invitations.issue_invitation_link_token(invitation)
    return {
        "account_invitation": invitation,
        "invitation_sentence": invitation_sentence(invitation, email.locale),
        "join_url": url_for("join.accept", token=raw, _external=True),
    }


def _reset_url(organiser_id: int) -> str | None:
    organiser = db.session.get(Organiser, organiser_id)
    if organiser is None:
        return None
    raw = issue_password_reset_token(organiser)
    return url_for("auth.reset_password_page", token=raw, _external=True)


def _email_change_url(organiser_id: int, address: str) -> str | None:
    organiser = db.session.get(Organiser, organiser_id)
    if organiser is None:
        return None
    raw = issue_email_change_token(organiser, address)
    return url_for("profile.confirm_email", token=raw, _external=True)


def _attach_calendar(message: Message, email: OutboundEmail, context: dict) -> None:
    registration = email.registration
    if registration is None:
        return
    if email.kind in CALENDAR_CANCEL:
        if not (email.payload or {}).get("had_place", True):
            return  # waiting or awaiting approval: no calendar entry was ever sent
        method = "CANCEL"
    elif email.kind in CALENDAR_REQUEST and context["is_confirmed"]:
        method = "REQUEST"
    else:
        return
    data = registration_calendar(
        registration,
        cancel=method == "CANCEL",
        event_url=context["event_url"],
        with_join_link=context["join_link_shown"],
    )
    message.attach(
        "invite.ics",
        f"text/calendar; charset=utf-8; method={method}",
        data,
    )
