"""The demo's training whose sign-ups wait for the organisers' approval (app.places.approval):
a few of the sote group have asked for a place, for the Approvals page to decide on."""

from datetime import time, timedelta

from app.demo.data import SOTE_GROUP_MEMBERS, _demo_address, _on
from app.models import Event, EventFormat, QuestionKind
from app.organiser.services import EventDetails, QuestionDetails, create_event, publish_event
from app.signup.services import register_for_event

# Members of the sote group (by their place in app.demo.data.SOTE_GROUP_MEMBERS) who asked
# for a place, and why.
ASKED = [
    (1, "Vedän omaisten vertaisryhmää Hämeenlinnassa ja haluan oppia lisää."),
    (5, "Sydänyhdistyksemme aloittaa vertaistoiminnan Forssassa."),
    (11, "Nuorten vertaisryhmät ovat meille uusia."),
]


def demo_approval_event(organiser) -> Event:
    """A day's training for peer-group leaders, 16 places, each sign-up approved by hand."""
    starts = _on(28, 2, time(9, 0))
    why = QuestionDetails(
        id=None,
        label="Miksi haluat osallistua koulutukseen?",
        hint="Järjestäjät valitsevat osallistujat vastausten perusteella.",
        kind=QuestionKind.LONG_TEXT,
        required=True,
        translations={
            "sv": {"label": "Varför vill du delta i utbildningen?"},
            "en": {"label": "Why do you want to take part in the training?"},
        },
    )
    event = create_event(
        organiser,
        EventDetails(
            title="Vertaisryhmän ohjaajan koulutus järjestötoimijoille",
            description=(
                "Päivän koulutus vertaisryhmien ohjaajille ja ohjaajiksi aikoville. "
                "Paikkoja on 16: järjestäjät hyväksyvät osallistujat ilmoittautumisten "
                "perusteella ja kertovat päätöksestä sähköpostilla."
            ),
            starts_at=starts,
            ends_at=starts + timedelta(hours=6),
            format=EventFormat.IN_PERSON,
            venue_name="Kumppanuustalo, kokoushuone Linna",
            venue_address="Hämeenlinna",
            region="Kanta-Häme",
            themes=["Järjestöyhteistyö"],
            capacity=16,
            requires_approval=True,
            contact_email=organiser.email,
            questions=[why],
        ),
    )
    publish_event(event)
    [question] = event.questions
    for member, reason in ASKED:
        name, organisation, locale = SOTE_GROUP_MEMBERS[member]
        register_for_event(
            event,
            name=name,
            email=_demo_address(name),
            organisation=organisation,
            answers={question.id: reason},
            locale=locale,
        )
    return event
