"""The invitation mail's own words, made at send time in the recipient's language."""

from flask_babel import gettext as _

from app.models import AccountInvitation, AccountRole, OrganiserRole


def invitation_sentence(invitation: AccountInvitation, locale: str) -> str:
    """Who invites them, and to what. Plain text: the HTML mail escapes it."""
    inviter = invitation.invited_by.name if invitation.invited_by else "Kutsu"
    if invitation.event is not None:
        title = invitation.event.title_in(locale).text
        if invitation.event_role == OrganiserRole.HELPER:
            return _(
                "%(inviter)s invites you to check people in at the event “%(title)s” in "
                "Kutsu, the service for event sign-ups.",
                inviter=inviter,
                title=title,
            )
        return _(
            "%(inviter)s invites you to organise the event “%(title)s” with them in Kutsu, "
            "the service for event sign-ups.",
            inviter=inviter,
            title=title,
        )
    if invitation.role == AccountRole.ADMIN:
        return _(
            "%(inviter)s invites you to Kutsu, the service for event sign-ups, as an "
            "administrator.",
            inviter=inviter,
        )
    if invitation.role == AccountRole.HELPER:
        return _(
            "%(inviter)s invites you to Kutsu, the service for event sign-ups, as a check-in "
            "helper.",
            inviter=inviter,
        )
    return _(
        "%(inviter)s invites you to Kutsu, the service for event sign-ups, as an organiser.",
        inviter=inviter,
    )
