"""The demo's region question and the event overview's charts (app.reports): the open
events ask each person's wellbeing services county, their people have given one, and a
past evening in Hämeenlinna has three weeks of sign-ups to draw."""

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import (
    Event,
    EventFormat,
    EventStatus,
    Participation,
    Registration,
    RegistrationSource,
    RegistrationStatus,
)
from app.nominations.regions import OTHER_REGION
from app.organiser.services import EventDetails, create_event

# The counties people gave, in turn: most come from Kanta-Häme, some from its neighbours,
# a few did not say.
GIVEN_REGIONS = [
    "Kanta-Häme",
    "Kanta-Häme",
    "Pirkanmaa",
    "Kanta-Häme",
    "Päijät-Häme",
    "",
    "Kanta-Häme",
    "Helsinki",
    "Keski-Uusimaa",
    "Kanta-Häme",
    OTHER_REGION,
]
FIRST_NAMES = ["Aino", "Eero", "Liisa", "Jukka", "Marja", "Pirjo", "Sanna", "Tuomas", "Katja"]
LAST_NAMES = ["Virtanen", "Mäkinen", "Laine", "Heikkinen", "Koskinen", "Salonen", "Lehtonen"]
ORGANISATIONS = [
    "Hämeen Setlementti ry",
    "Kanta-Hämeen Omaiset ry",
    "Hämeenlinnan Seudun Mielenterveysseura ry",
    "Hämeen Martat ry",
    "SPR Hämeen piiri",
    "MLL Hämeen piiri",
    "Kanta-Hämeen Muistiyhdistys ry",
    "Riihimäen Invalidit ry",
    "Folkhälsan i Tavastland",
    "Forssan Seudun Sydänyhdistys ry",
    "Janakkalan Eläkkeensaajat ry",
    "Hattulan Vanhustuki ry",
    "Kanta-Hämeen vapaaehtoisverkosto",
    "",
]
# People signed up on each of the 21 days before the evening's registration closed.
PER_DAY = [6, 4, 2, 1, 0, 1, 0, 3, 2, 1, 1, 0, 0, 2, 4, 2, 1, 0, 3, 5, 4]


def demo_overview(organiser, events: list[Event]) -> None:
    """The open events ask each person's county, and their people have given theirs."""
    db.session.flush()
    occurrences = [e for event in events if event.series for e in event.series.occurrences]
    open_events = {e for e in [*events, *occurrences] if e.participation == Participation.OPEN}
    for event in open_events:
        event.asks_region = True
    open_ids = [event.id for event in open_events]
    people = db.session.scalars(
        sa.select(Registration).where(Registration.event_id.in_(open_ids)).order_by("id")
    )
    for n, registration in enumerate(people):
        registration.region = GIVEN_REGIONS[n % len(GIVEN_REGIONS)]
    _past_evening(organiser)


def _past_evening(organiser) -> None:
    """The evening of comments on the project application, three weeks ago: 42 sign-ups
    over the three weeks before it, a few cancelled; 40 places."""
    day = clock.to_local(clock.now()).date() - timedelta(days=21)
    starts = clock.from_local(datetime.combine(day, time(17, 0)))
    opens = starts - timedelta(days=21, hours=8)
    event = create_event(
        organiser,
        EventDetails(
            title="Tulevaisuuden sotekeskus: hankehakemuksen kommentointitilaisuus",
            description="Kommentoi hakemusta ja keskustele sisällöstä ennen sen jättämistä.",
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            format=EventFormat.IN_PERSON,
            venue_name="Hämeenlinnan Kumppanuustalo, auditorio",
            venue_address="Hämeenlinna",
            region="Kanta-Häme",
            capacity=40,
            registration_opens_at=opens,
            registration_closes_at=starts - timedelta(hours=5),
            asks_region=True,
        ),
    )
    event.status, event.published_at = EventStatus.PUBLISHED, opens
    moments = [
        opens + timedelta(days=d, hours=1 + 2 * k) for d, n in enumerate(PER_DAY) for k in range(n)
    ]
    confirmed = 0
    for n, signed_up in enumerate(moments):
        status = RegistrationStatus.CANCELLED if n % 9 == 4 else RegistrationStatus.CONFIRMED
        confirmed += status == RegistrationStatus.CONFIRMED
        db.session.add(_person(event, n, signed_up, status))
    event.confirmed_count = confirmed


# Which organisation each person came from, in turn: a few bring many, most one or two.
FROM = [0, 0, 0, 1, 2, 0, 3, 4, 1, 5, 6, 0, 7, 8, 9, 10, 11, 12, 13, 2, 1]


def _person(event: Event, n: int, signed_up: datetime, status) -> Registration:
    first, last = FIRST_NAMES[n % len(FIRST_NAMES)], LAST_NAMES[n % len(LAST_NAMES)]
    address = f"{first}.{last}".lower().translate(str.maketrans("äö", "ao")) + "@example.org"
    cancelled = status == RegistrationStatus.CANCELLED
    return Registration(
        event_id=event.id,
        name=f"{first} {last}",
        email=address,
        email_normalised=address,
        organisation=ORGANISATIONS[FROM[n % len(FROM)]],
        region=GIVEN_REGIONS[n % len(GIVEN_REGIONS)],
        locale="sv" if ORGANISATIONS[FROM[n % len(FROM)]].startswith("Folkhälsan") else "fi",
        status=status,
        source=RegistrationSource.SIGNUP,
        consent_at=signed_up,
        created_at=signed_up,
        updated_at=signed_up,
        cancelled_at=signed_up + timedelta(days=2) if cancelled else None,
    )
