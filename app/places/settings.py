"""The event form's settings for the ways to take part (hybrid places, groups, approval,
timed offers): one part of the event form, which declares their fields where they show."""

from app.approvals.event_settings import ApprovalSettings, approval_form_data
from app.places.group_settings import GroupSettings, group_form_data
from app.places.mode_settings import HybridSettings, hybrid_form_data
from app.waiting_list.settings import OfferSettings, offer_form_data


class TakingPartSettings(HybridSettings, GroupSettings, ApprovalSettings, OfferSettings):
    def taking_part_details(self) -> dict:
        return {
            **self.hybrid_details(),
            **self.group_details(),
            **self.approval_details(),
            **self.offer_details(),
        }


def taking_part_form_data(event) -> dict:
    return {
        **hybrid_form_data(event),
        **group_form_data(event),
        **approval_form_data(event),
        **offer_form_data(event),
    }
