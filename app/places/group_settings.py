"""The event form's group settings: how large a group one contact person may sign up, and
what happens when a group does not fit (app.places.groups). An event by invitation takes
no groups: there each invitee replies for themselves."""

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, SelectChoice
from wtforms.validators import NumberRange, Optional, ValidationError

from app.forms import RadiosField
from app.models import EventFormat, GroupRule, Participation
from app.places.groups import MAX_GROUP_SIZE

GROUP_RULE_CHOICES = [
    SelectChoice(
        GroupRule.TOGETHER.value,
        _l("The whole group goes on the waiting list together"),
    ),
    SelectChoice(
        GroupRule.SPLIT.value,
        _l("As many as fit get a place, and the rest of the group waits"),
    ),
]


def group_size_field() -> IntegerField:
    return IntegerField(
        _l("People may sign up as a group of up to"),
        description=_l(
            "One contact person signs up themselves and others, each with their own "
            "place. From 2 to 50 people; leave empty for no groups."
        ),
        validators=[
            Optional(),
            NumberRange(
                min=1,
                max=MAX_GROUP_SIZE,
                message=_l("The largest group must be from 2 to 50 people, or empty"),
            ),
        ],
        invalid_value_message=_l("Enter the largest group as a whole number, for example 5"),
    )


def group_rule_field() -> RadiosField:
    return RadiosField(
        _l("When a group does not fit in the places left"),
        description=_l(
            "Shown on the sign-up form. Without a waiting list, such a group is "
            "told how many places are left."
        ),
        choices=GROUP_RULE_CHOICES,
        default=GroupRule.TOGETHER.value,
        invalid_choice_message=_l("Choose what happens when a group does not fit"),
    )


class GroupSettings:
    """What the group settings save; a part of the event form, which has the fields.

    Groups are not taken together with a hybrid event's two kinds of place, nor with
    approval: a group's places are taken for all its people at once, in one count, and
    neither a mode per group nor a pending group is built. The form says so at the field
    rather than saving settings that would not hold."""

    def validate_group_size_max(self, field) -> None:
        if not field.data or field.data < 2 or self.participation.data == Participation.INVITATION:
            return
        if self.format.data == EventFormat.HYBRID:
            raise ValidationError(_l("A hybrid event cannot take groups: leave this empty"))
        if self.requires_approval.data:
            raise ValidationError(
                _l("An event whose sign-ups need approval cannot take groups: leave this empty")
            )

    def group_details(self) -> dict:
        size = self.group_size_max.data or 1
        if self.participation.data == Participation.INVITATION:
            size = 1
        return {
            "group_size_max": size,
            "group_rule": GroupRule(self.group_rule.data or GroupRule.TOGETHER.value),
        }


def group_form_data(event) -> dict:
    """The event's group settings in the shape the form shows: empty for no groups."""
    return {
        "group_size_max": event.group_size_max if event.group_size_max > 1 else None,
        "group_rule": event.group_rule.value,
    }
