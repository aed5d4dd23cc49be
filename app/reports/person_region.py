"""A person's wellbeing services county, asked when the event asks it (Event.asks_region):
the select on the sign-up, series, group and organiser's person forms, the event form's
tick that turns it on, and what is stored (Registration.region: a county of
app.nominations.regions in Finnish, OTHER_REGION, or "" when not given). It is what the
funder's counts by region are made of, so it stays through the retention purge (a county
names no one); a person's own erasure clears it with the rest."""

from collections.abc import Iterable

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectChoice, SelectField

from app.extensions import db
from app.models import Candidate, Registration
from app.nominations.regions import OTHER_REGION, REGIONS, lazy_region_name, region_choices
from app.places.mode_settings import shown_after

PERSON_REGIONS = frozenset([*REGIONS, OTHER_REGION])

HINT = _l("The organisers count the participants by region.")
GROUP_HINT = _l("For the whole group. The organisers count the participants by region.")


class RegionQuestionSetting:
    """The event form's tick (a part of app.organiser.event_form's EventForm)."""

    asks_region = BooleanField(
        _l("Ask each person’s wellbeing services county"),
        description=_l(
            "An optional question on the sign-up form, for counting the participants by "
            "region. It is shown in the list of people and the downloads."
        ),
    )

    def region_question_details(self) -> dict:
        return {"asks_region": bool(self.asks_region.data)}


def region_question_form_data(event) -> dict:
    return {"asks_region": event.asks_region}


def person_region_field(hint=HINT) -> SelectField:
    return SelectField(
        _l("Wellbeing services county"),
        choices=[
            *region_choices(SelectChoice("", _l("Not given"))),
            SelectChoice(OTHER_REGION, lazy_region_name(OTHER_REGION)),
        ],
        default="",
        description=hint,
        invalid_choice_message=_l("Choose a wellbeing services county from the list"),
    )


# The forms with the select, one per form class: made once, as the questions' forms are.
_ASKING: dict[type, type] = {}


def asking_region(base: type, event, *, hint=HINT) -> type:
    """base, or when the event asks each person's region its subclass with the select,
    right after the organisation (the page's and the error summary's order)."""
    if not event.asks_region:
        return base
    form_class = _ASKING.get(base)
    if form_class is None:
        form_class = type(base.__name__, (base,), {"region": person_region_field(hint)})
        shown_after(form_class, "region", "organisation")
        _ASKING[base] = form_class
    return form_class


def chosen_region(form) -> str:
    """The county chosen on a form (checked against the list by the select); "" when the
    form has no select or none was chosen."""
    field = getattr(form, "region", None)
    return stored_region(field.data if field is not None else "")


def stored_region(value: str | None) -> str:
    """Only a county of the list (or OTHER_REGION) is stored; anything else as not given."""
    return value if value in PERSON_REGIONS else ""


def nominee_region(candidate: Candidate | None) -> str:
    """A nominee's region as their nominator gave it, when it is one of the counties."""
    return stored_region(candidate.region) if candidate is not None else ""


def forget_regions_of(registration_ids: Iterable[int]) -> None:
    """A person's erasure (app.privacy.services.erase_person): their counties go too."""
    db.session.execute(
        sa.update(Registration)
        .where(Registration.id.in_(list(registration_ids)))
        .values(region=""),
        execution_options={"synchronize_session": False},
    )
