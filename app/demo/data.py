"""Demo data from the real events Kutsu was made for, dated in the coming weeks."""

from dataclasses import replace
from datetime import datetime, time, timedelta
from enum import Enum, auto

import sqlalchemy as sa

from app import clock
from app.auth.passwords import verify_password
from app.auth.services import create_organiser, find_organiser
from app.demo.followup import demo_follow_up
from app.demo.overview import demo_overview
from app.extensions import db
from app.models import (
    Event,
    EventFormat,
    GroupRule,
    Participation,
    ParticipationMode,
    QuestionKind,
)
from app.organiser.services import EventDetails, QuestionDetails, create_event, publish_event
from app.series.dates import Rule, RuleKind, latest_date, nth_weekday, week_of_month_of
from app.series.services import make_series
from app.signup.services import register_for_event

DEMO_EMAIL = "sara.demo@kutsu.example"
DEMO_PASSWORD = "kutsu-demo-2026"  # noqa: S105 - local demo account, printed by make run

PRIVACY = (
    "Rekisterinpitäjä: Hämeen Setlementti ry. Tietoja käytetään tilaisuuden järjestämiseen "
    "(osallistujalista, tarjoilut, tiedotus). Tiedot poistetaan 90 päivän kuluttua tilaisuudesta."
)

DIET = QuestionDetails(
    id=None,
    label="Erityisruokavalio",
    hint="Esimerkiksi gluteeniton, laktoositon tai vegaaninen.",
    kind=QuestionKind.SHORT_TEXT,
    sensitive=True,
    translations={
        "sv": {"label": "Specialkost", "hint": "Till exempel glutenfri, laktosfri eller vegansk."},
        "en": {"label": "Special diet", "hint": "For example gluten-free, lactose-free or vegan."},
    },
)
# The hybrid workshop: an accepted invitation does not choose a mode, so it is asked.
ATTENDING = QuestionDetails(
    id=None,
    label="Osallistun",
    kind=QuestionKind.SINGLE_CHOICE,
    options=["Paikan päällä", "Verkossa"],
    required=True,
    translations={
        "sv": {"label": "Jag deltar", "options": ["På plats", "På nätet"]},
        "en": {"label": "I will take part", "options": ["In person", "Online"]},
    },
)
ACCESS = QuestionDetails(
    id=None,
    label="Saavutettavuustarpeet",
    hint="Kerro, jos tarvitset esimerkiksi induktiosilmukan tai esteettömän pysäköinnin.",
    kind=QuestionKind.LONG_TEXT,
    sensitive=True,
)


def _on(days_ahead: int, weekday: int, at: time) -> datetime:
    """The first given weekday at least `days_ahead` days from today, Finnish time."""
    today = clock.to_local(clock.now()).date() + timedelta(days=days_ahead)
    day = today + timedelta(days=(weekday - today.weekday()) % 7)
    return clock.from_local(datetime.combine(day, at))


def demo_events() -> list[EventDetails]:
    evening = _on(14, 1, time(17, 0))  # a Tuesday, 17–19 as in Hämeenlinna
    teams = _on(7, 3, time(14, 0))  # the monthly Teams meeting, a Thursday
    seminar = _on(21, 1, time(9, 0))
    coffee = _on(10, 4, time(9, 0))  # POPup morning coffee, a Friday 9–9.30
    return [
        EventDetails(
            title="Hyvinvointi ja sote Kanta-Hämeessä – keskustelutilaisuus",
            description=(
                "Tervetuloa kommentoimaan järjestöjen osuutta Tulevaisuuden sote-keskus "
                "-hankehakemukseen ja keskustelemaan sen sisällöstä ennen hakemuksen "
                "jättämistä.\n\n**Kahvit klo 16.30 aulassa.**\n\n"
                "Kommentit ja huomiot voi lähettää myös sähköpostitse järjestöpäällikölle."
            ),
            starts_at=evening,
            ends_at=evening + timedelta(hours=2),
            format=EventFormat.IN_PERSON,
            venue_name="Kumppanuustalo, auditorio",
            venue_address="Hämeenlinna",
            region="Kanta-Häme",
            themes=["Sote-uudistus", "Järjestöyhteistyö"],
            capacity=60,
            # A freed place is offered to the first person waiting, to accept in two days.
            offer_hours=48,
            contact_email=DEMO_EMAIL,
            privacy_notice=PRIVACY,
            questions=[
                QuestionDetails(
                    id=None,
                    label="Osallistun kahvitarjoiluun",
                    kind=QuestionKind.YES_NO,
                    required=True,
                    translations={
                        "sv": {"label": "Jag deltar i kaffeserveringen"},
                        "en": {"label": "I will join the coffee"},
                    },
                ),
                # Asked only of those coming for coffee (app.signup.conditions).
                replace(DIET, shown_if=0, shown_if_options=["yes"]),
                ACCESS,
            ],
        ),
        EventDetails(
            title="Järjestöjen sote-ryhmän kuukausitapaaminen (Teams)",
            description=(
                "Kanta-Hämeen järjestöjen sote-ryhmä kokoontuu kerran kuukaudessa Teamsissa. "
                "Ryhmä on avoin kaikille kiinnostuneille järjestö- ja yhdistystoimijoille.\n\n"
                "Kokouslinkki lähetetään ilmoittautuneille."
            ),
            starts_at=teams,
            ends_at=teams + timedelta(hours=1, minutes=30),
            format=EventFormat.ONLINE,
            join_link="https://teams.example.invalid/l/meetup-join/kutsu-demo",
            region="Kanta-Häme",
            themes=["Järjestöyhteistyö"],
            capacity=25,
            contact_email=DEMO_EMAIL,
            privacy_notice=PRIVACY,
            questions=[
                QuestionDetails(
                    id=None,
                    label="Alue",
                    kind=QuestionKind.SINGLE_CHOICE,
                    options=["Kanta-Häme", "Pirkanmaa", "Etelä-Pohjanmaa", "Muu"],
                    required=True,
                ),
            ],
        ),
        EventDetails(
            title="Järjestöt sosiaali- ja terveydenhuollon sekä pelastustoimen uudistuksessa",
            description=(
                "Kansallinen seminaari järjestöjen roolista uudistuksessa. Seminaaria voi "
                "seurata paikan päällä tai verkon kautta."
            ),
            starts_at=seminar,
            ends_at=seminar + timedelta(hours=6),
            format=EventFormat.HYBRID,
            venue_name="Säätytalo",
            venue_address="Snellmaninkatu 9–11, Helsinki",
            join_link="https://stream.example.invalid/seminaari",
            themes=["Sote-uudistus"],  # for the whole country: no region
            # 60 seats in the hall; online as many as follow (app.places.modes): each
            # person chooses on the form, so no "in person or online" question.
            capacity=60,
            online_capacity=None,
            contact_email=DEMO_EMAIL,
            privacy_notice=PRIVACY,
            # A national seminar, also for the bilingual wellbeing services counties.
            translations={
                "sv": {
                    "title": "Organisationerna i reformen av social- och hälsovården och "
                    "räddningsväsendet",
                    "description": "Nationellt seminarium om organisationernas roll i "
                    "reformen. Seminariet kan följas på plats eller på nätet.",
                },
                "en": {
                    "title": "NGOs in the health, social services and rescue services reform",
                    "description": "A national seminar on the role of NGOs in the reform. "
                    "Follow it on site or online.",
                },
            },
            questions=[
                QuestionDetails(
                    id=None,
                    label="Minua kiinnostaa erityisesti",
                    kind=QuestionKind.MULTIPLE_CHOICE,
                    options=[
                        "Hyvinvointialueiden strategiat",
                        "Palvelupolut",
                        "Järjestöavustukset",
                    ],
                    translations={
                        "sv": {
                            "label": "Jag är särskilt intresserad av",
                            "options": [
                                "Välfärdsområdenas strategier",
                                "Servicekedjor",
                                "Understöd till organisationer",
                            ],
                        },
                        "en": {
                            "label": "I am especially interested in",
                            "options": [
                                "Strategies of the wellbeing services counties",
                                "Service paths",
                                "Grants for NGOs",
                            ],
                        },
                    },
                ),
                DIET,
            ],
        ),
        EventDetails(
            title="POPup-aamukahvit: järjestöyhteistyö sote-keskuksissa",
            description=(
                "Puolen tunnin infotuokio sote-keskusten henkilöstölle järjestö- ja "
                "yhdistysyhteistyöstä Pohjois-Pohjanmaalla."
            ),
            starts_at=coffee,
            ends_at=coffee + timedelta(minutes=30),
            format=EventFormat.ONLINE,
            join_link="https://teams.example.invalid/l/meetup-join/popup-aamukahvit",
            region="Pohjois-Pohjanmaa",
            themes=["Järjestöyhteistyö", "Sote-keskukset"],
            capacity=100,
            # A sote centre's team signs up together (app.places.groups).
            group_size_max=10,
            group_rule=GroupRule.SPLIT,
            contact_email=DEMO_EMAIL,
            privacy_notice=PRIVACY,
        ),
    ]


def demo_workshop() -> EventDetails:
    """The national stakeholder workshop: nominations now, invitations closer to the date."""
    starts = _on(49, 2, time(9, 30))
    now = clock.now()
    return EventDetails(
        title="Tulevaisuuden sote-keskus: kansallinen sidosryhmätyöpaja",
        description=(
            "Työpajoissa yhdistetään voimia uudenlaisten ratkaisujen löytämiseksi ja hyväksi "
            "havaittujen käytäntöjen toteuttamiseksi.\n\nTyöpajaan voi ehdottaa osallistujia. "
            "Osallistujat kutsutaan saatujen ehdotusten perusteella, ja kutsut lähetetään "
            "sähköpostilla lähempänä tilaisuuden ajankohtaa."
        ),
        starts_at=starts,
        ends_at=starts + timedelta(hours=5),
        format=EventFormat.HYBRID,
        venue_name="Kumppanuustalo, auditorio",
        venue_address="Hämeenlinna",
        join_link="https://teams.example.invalid/l/meetup-join/tyopaja",
        capacity=40,
        contact_email=DEMO_EMAIL,
        privacy_notice=PRIVACY,
        participation=Participation.INVITATION,
        nominations_close_at=now + timedelta(days=21),
        nominees_per_organisation=3,
        themes=[
            "Mielenterveys- ja päihdepalvelut",
            "Ikäihmisten palvelut",
            "Lapset, nuoret ja perheet",
            "Hoitotakuu",
            "Hyvinvoinnin edistäminen",
        ],
        invitations_send_at=starts - timedelta(days=21),
        reply_by=starts - timedelta(days=10),
        questions=[
            ATTENDING,
            DIET,
        ],
    )


def load_demo(*, force: bool = False) -> bool:
    """Create the demo organiser and publish the demo events; False if already there.
    The demo organiser is an administrator too, as a network's coordinator running Kutsu
    alone is: Administration (accounts, invitations, the audit log) is there to try."""
    organiser = find_organiser(DEMO_EMAIL)
    made_now = organiser is None
    if made_now:
        organiser = create_organiser(DEMO_EMAIL, "Sara Demo", DEMO_PASSWORD, admin=True)
    add_demo_list(organiser)  # once: an older demo database gains it too
    if not (made_now or force) and db.session.scalar(sa.select(sa.func.count(Event.id))):
        return False
    events = []
    for details in [*demo_events(), demo_workshop()]:
        event = create_event(organiser, details)
        publish_event(event)
        events.append(event)
    demo_series(organiser, events[1])
    demo_seminar_people(events[2])
    demo_follow_up(organiser)  # a past evening, its materials and follow-up (app.followup)
    _add_more_demo(organiser)
    demo_overview(organiser, events)  # people's regions, and a past evening's sign-ups
    return True


def _add_more_demo(organiser) -> None:
    """The parts of the demo kept in modules of their own, which build on this one's
    people and dates (so they are imported here, after it is loaded)."""
    from app.demo.approval import demo_approval_event
    from app.demo.attendance import add_past_events_with_attendance
    from app.demo.feedback import demo_feedback

    demo_approval_event(organiser)
    add_past_events_with_attendance(organiser)
    demo_feedback(organiser)


# People of the sote group (by their place in SOTE_GROUP_MEMBERS, below) who signed up
# for the national seminar, and how: in the hall or online (app.places.modes).
SEMINAR_PEOPLE = [
    (4, ParticipationMode.IN_PERSON),
    (7, ParticipationMode.IN_PERSON),
    (8, ParticipationMode.IN_PERSON),
    (9, ParticipationMode.ONLINE),
    (14, ParticipationMode.ONLINE),
    (16, ParticipationMode.ONLINE),
    (21, ParticipationMode.ONLINE),
]


def demo_seminar_people(seminar: Event) -> None:
    """The hybrid seminar with people in each mode, as after a few days' sign-ups."""
    for member, mode in SEMINAR_PEOPLE:
        name, organisation, locale = SOTE_GROUP_MEMBERS[member]
        register_for_event(
            seminar,
            name=name,
            email=_demo_address(name),
            organisation=organisation,
            answers={},
            locale=locale,
            mode=mode,
        )


# The sote group meets in spring and autumn; not in June, July or August.
SUMMER = (6, 7, 8)
# People of the sote group's member list (below) who signed up for the next meetings.
SIGNED_UP_FIRST = 4


def demo_series(organiser, teams: Event) -> None:
    """The monthly Teams meeting as a series: the same weekday of the month as its first
    date, spring and autumn, and a few of the group signed up for the next meetings."""
    first = clock.to_local(teams.starts_at).date()
    week, dates = week_of_month_of(first), []
    year, month = first.year, first.month
    for _ in range(11):
        year, month = year + month // 12, month % 12 + 1
        day = nth_weekday(year, month, first.weekday(), week)
        if day and month not in SUMMER and day < latest_date(first):
            dates.append(day)
    make_series(teams, Rule(RuleKind.DATES, dates=dates), organiser)
    area = teams.questions[0]
    members = SOTE_GROUP_MEMBERS[:SIGNED_UP_FIRST]
    for event, people in zip(teams.series.occurrences[:2], (members, members[:2]), strict=True):
        for name, organisation, locale in people:
            register_for_event(
                event,
                name=name,
                email=_demo_address(name),
                organisation=organisation,
                answers={area.id: "Kanta-Häme"},
                locale=locale,
            )


# The NGO sote group's email list (seed page 004: 53 people from about 40 associations);
# here 25 invented people from associations of the kind, in Finnish, Swedish and English.
SOTE_GROUP = "Järjestöjen sote-ryhmä"
SOTE_GROUP_PURPOSE = (
    "Kanta-Hämeen järjestöjen sote-ryhmän sähköpostilista: yhdistysten ja järjestöjen "
    "toimijat, jotka seuraavat sote-uudistusta ja hyvinvointialueen työtä ja kokoontuvat "
    "kerran kuussa Teamsissa."
)
SOTE_GROUP_MEMBERS = [
    ("Aino Aaltonen", "Hämeen Setlementti ry", "fi"),
    ("Eero Heinonen", "Kanta-Hämeen Omaiset ry", "fi"),
    ("Liisa Mäkelä", "Hämeenlinnan Seudun Mielenterveysseura ry", "fi"),
    ("Britt Lindqvist", "Folkhälsan i Tavastland", "sv"),
    ("Jukka Salonen", "Riihimäen Invalidit ry", "fi"),
    ("Marja Koskinen", "Forssan Seudun Sydänyhdistys ry", "fi"),
    ("Pirjo Laine", "Kanta-Hämeen Muistiyhdistys ry", "fi"),
    ("Helena Nieminen", "Hämeen Martat ry", "fi"),
    ("Anders Holm", "Svenska pensionärsförbundet, Tavastehus", "sv"),
    ("Sanna Virtanen", "SPR Hämeen piiri", "fi"),
    ("Tuomas Lehtonen", "MLL Hämeen piiri", "fi"),
    ("Katja Rantanen", "Nuorten Ystävät ry", "fi"),
    ("Matti Järvinen", "Hämeenlinnan Kuuloyhdistys ry", "fi"),
    ("Ritva Heikkilä", "Janakkalan Eläkkeensaajat ry", "fi"),
    ("Olga Petrova", "Monikulttuurinen yhdistys Silta ry", "en"),
    ("Ahmed Hassan", "Monikulttuurinen yhdistys Silta ry", "en"),
    ("Tiina Hakala", "Kanta-Hämeen Syöpäyhdistys ry", "fi"),
    ("Juha Karjalainen", "Hämeen Päihdehuollon Tuki ry", "fi"),
    ("Elina Saarinen", "Lasten ja nuorten harrastusyhdistys Kipinä ry", "fi"),
    ("Maria Ek", "Folkhälsan i Tavastland", "sv"),
    ("Petri Mattila", "Kanta-Hämeen Näkövammaiset ry", "fi"),
    ("Sari Peltonen", "Hattulan Vanhustuki ry", "fi"),
    ("Emma Wilson", "Kanta-Hämeen vapaaehtoisverkosto", "en"),
    ("Ville Lindholm", "Hämeen Setlementti ry", "fi"),
    ("Anu Ketola", "Forssan Seudun Omaishoitajat ry", "fi"),
]


def add_demo_list(organiser) -> None:
    """The sote group's member list, owned by the demo organiser, once."""
    from app.invitations.services import Invitee
    from app.lists.services import add_members, create_list, lists_of

    if any(item.name == SOTE_GROUP for item in lists_of(organiser)):
        return
    contact_list = create_list(organiser, name=SOTE_GROUP, purpose=SOTE_GROUP_PURPOSE)
    people = [
        Invitee(name, _demo_address(name), organisation, locale)
        for name, organisation, locale in SOTE_GROUP_MEMBERS
    ]
    add_members(contact_list, people, locale="fi")


def _demo_address(name: str) -> str:
    plain = name.lower().translate(str.maketrans("äöåé", "aoae"))
    return plain.replace(" ", ".") + "@example.org"


class DemoAccount(Enum):
    """What signing in as the demo organiser takes now."""

    READY = auto()  # the demo password signs in
    PASSWORD_CHANGED = auto()  # someone set a new one: not ours to print
    DEACTIVATED = auto()
    MISSING = auto()


def demo_account() -> DemoAccount:
    organiser = find_organiser(DEMO_EMAIL)
    if organiser is None:
        return DemoAccount.MISSING
    if not organiser.active:
        return DemoAccount.DEACTIVATED
    if not verify_password(organiser.password_hash, DEMO_PASSWORD):
        return DemoAccount.PASSWORD_CHANGED
    return DemoAccount.READY
