"""The event form's workshop settings: participation by invitation, nominations and
invitations. For an open event they are not checked, and not kept."""

from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice
from wtforms.validators import StopValidation, ValidationError

from app.models import Participation

PARTICIPATION_CHOICES = [
    SelectChoice(
        Participation.OPEN.value, _l("Open sign-up: anyone can sign up on the event page")
    ),
    SelectChoice(
        Participation.INVITATION.value,
        _l("By invitation: people are nominated or on your list, and you invite them by email"),
    ),
]


class OnlyByInvitation:
    """First check of a workshop setting: for an open event the setting is ignored."""

    def __call__(self, form, field):
        if form.participation.data != Participation.INVITATION:
            field.errors[:] = []
            raise StopValidation()


def by_invitation(unbound):
    unbound.kwargs["validators"] = [OnlyByInvitation(), *unbound.kwargs.get("validators", [])]
    return unbound


class WorkshopSettings:
    """The checks of the workshop settings against each other and the start, and what
    they save; a part of the event form, which has the fields."""

    def validate_nominations_open_at(self, field):
        if field.data and self.starts_at.data and field.data >= self.starts_at.data:
            raise ValidationError(_l("Nominations must open before the event starts"))

    def validate_nominations_close_at(self, field):
        opens = self.nominations_open_at.data
        if field.data and opens and field.data <= opens:
            raise ValidationError(_l("Nominations must close after they open"))
        if field.data and self.starts_at.data and field.data > self.starts_at.data:
            raise ValidationError(_l("Nominations must close before the event starts"))

    def validate_themes(self, field):
        if any(len(theme) > 100 for theme in self._theme_list()):
            raise ValidationError(_l("Use 100 characters or fewer for each theme"))

    def validate_invitations_send_at(self, field):
        if field.data and self.starts_at.data and field.data >= self.starts_at.data:
            raise ValidationError(_l("The invitations must go out before the event starts"))

    def validate_reply_by(self, field):
        sent = self.invitations_send_at.data
        if field.data and sent and field.data <= sent:
            raise ValidationError(_l("The reply-by date must be after the invitations go out"))
        if field.data and self.starts_at.data and field.data >= self.starts_at.data:
            raise ValidationError(_l("The reply-by date must be before the event starts"))

    def _theme_list(self) -> list[str]:
        lines = (line.strip() for line in (self.themes.data or "").splitlines())
        return list(dict.fromkeys(line for line in lines if line))

    def workshop_details(self) -> dict:
        if self.participation.data != Participation.INVITATION:
            return {}  # an open event: every workshop setting back to its default
        return {
            "participation": Participation.INVITATION,
            "nominations_open_at": self.nominations_open_at.utc(),
            "nominations_close_at": self.nominations_close_at.utc(),
            "nominees_per_organisation": self.nominees_per_organisation.data,
            "self_nomination": self.self_nomination.data,
            "invitations_send_at": self.invitations_send_at.utc(),
            "reply_by": self.reply_by.utc(),
            "invitation_reminder_days": self.invitation_reminder_days.data,
        }
