"""A person's own request to see everything held about their address (GDPR art. 15): the
data, as they read it, in one document. What is held is found by
app.privacy.services.held_about, the same search their erasure uses."""

from datetime import datetime

from app.extensions import db
from app.feedback.services import feedback_given
from app.models import Candidate, Event, Invitation, Nomination, Registration
from app.privacy.services import held_about


def export_person(email: str, now: datetime) -> dict:
    """Everything held about the address, for the person who asked (GDPR art. 15)."""
    held = held_about(email)
    return {
        "email": held.email,
        "exported_at": now.isoformat(),
        "registrations": [_registration(row) for row in held.registrations],
        "nominated": [_candidate(row) for row in held.candidates],
        "nominations_made": [_nomination_made(row) for row in held.nominations_made],
        "invitations": [_invitation(row) for row in held.invitations],
        "account_invitations": [
            {
                "role": row.role.value,
                "created_at": _iso(row.created_at),
                "expires_at": _iso(row.expires_at),
                "accepted_at": _iso(row.accepted_at),
                "withdrawn_at": _iso(row.withdrawn_at),
            }
            for row in held.account_invitations
        ],
        "contact_lists": [
            {
                "list": row.contact_list.name,
                "purpose": row.contact_list.purpose,
                "name": row.name,
                "email": row.email,
                "organisation": row.organisation,
                "language": row.locale,
                "added_at": _iso(row.added_at),
                "left_at": _iso(row.left_at),
            }
            for row in held.list_members
        ],
        "emails": [
            {
                "kind": row.kind,
                "status": row.status.value,
                "created_at": _iso(row.created_at),
                "sent_at": _iso(row.sent_at),
                # The organisers' words to the person with a decision (app.places.approval).
                **({"message": row.payload["message"]} if row.payload.get("message") else {}),
            }
            for row in held.emails
        ],
        "sign_ins": [
            {
                "signed_in_at": _iso(row.created_at),
                "last_seen_at": _iso(row.last_seen_at),
                "ended_at": _iso(row.ended_at),
            }
            for row in held.sign_ins
        ],
    }


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _event(event: Event) -> dict:
    return {"title": event.title, "starts_at": _iso(event.starts_at)}


def _registration(row: Registration) -> dict:
    return {
        "event": _event(row.event),
        "name": row.name,
        "email": row.email,
        "organisation": row.organisation,
        "region": row.region,
        "language": row.locale,
        "status": row.status.value,
        "registered_at": _iso(row.created_at),
        "privacy_notice_accepted_at": _iso(row.consent_at),
        "sensitive_answers_consented_at": _iso(row.sensitive_consent_at),
        "cancelled_at": _iso(row.cancelled_at),
        # A timed offer of a place from the waiting list: until when it stood.
        "place_offered_until": _iso(row.offer_expires_at),
        "checked_in_at": _iso(row.checked_in_at),
        "attended": row.attended,  # None: not marked (app.attendance)
        "feedback": feedback_given(row),  # None: none given, or given anonymously
        **_taking_part(row),
        "answers": {answer.question.label: answer.value for answer in row.answers},
        # What the organisers noted about them is theirs to see when they ask (art. 15).
        "organisers_note": row.note,
        # Where the details came from (art. 15(1)(g)): the group's contact person.
        "signed_up_by": _group_contact(row),
    }


def _taking_part(row: Registration) -> dict:
    """A hybrid event's: in person or online, and the other mode waited for, if any."""
    if row.mode is None:
        return {}
    waiting_for = row.waiting_for.value if row.waiting_for else None
    return {"taking_part": row.mode.value, "waiting_for": waiting_for}


def _group_contact(row: Registration) -> str:
    lead = db.session.get(Registration, row.group_lead_id) if row.group_lead_id else None
    return lead.name if lead is not None else ""


def _candidate(row: Candidate) -> dict:
    return {
        "event": _event(row.event),
        "name": row.name,
        "email": row.email,
        "organisation": row.organisation,
        "role": row.role,
        "region": row.region,
        "themes": row.themes,
        "status": row.status.value,
        "organisers_notes": row.notes,
        "nominated_by": [
            {
                "name": nomination.nominator_name,
                "organisation": nomination.nominator_organisation,
                "justification": nomination.justification,
                "at": _iso(nomination.created_at),
            }
            for nomination in row.nominations
        ],
    }


def _nomination_made(row: Nomination) -> dict:
    return {
        "event": _event(row.candidate.event),
        "your_name": row.nominator_name,
        "your_email": row.nominator_email,
        "your_organisation": row.nominator_organisation,
        "nominee": row.candidate.name,
        "justification": row.justification,
        "at": _iso(row.created_at),
    }


def _invitation(row: Invitation) -> dict:
    return {
        "event": _event(row.event),
        "name": row.name,
        "email": row.email,
        "organisation": row.organisation,
        "status": row.status.value,
        "sent_at": _iso(row.sent_at),
        "replied_at": _iso(row.replied_at),
        "decline_reason": row.decline_reason,
    }
