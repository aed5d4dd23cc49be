"""Past events with people, attendance and feedback, made through services, for the period
report's tests and journey; the figures they should give, counted by hand (below)."""

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app import clock
from app.attendees.people_services import PersonDetails, add_person
from app.database import writing
from app.extensions import db
from app.models import EventFormat, FeedbackResponse, Registration
from app.privacy.services import run_retention

# (event key, name, email, organisation, region, attended) — all given a place.
PEOPLE = [
    ("A", "Sara S", "sara@example.fi", "SOSTE ry", "Kanta-Häme", True),
    ("A", "Pekka P", "pekka@example.fi", " soste  RY ", "", False),
    ("A", "Anna Phoned", "", "Hämeen Setlementti", "", None),
    ("B", "Sara S", "Sara@Example.fi", "SOSTE ry", "Kanta-Häme", True),
    ("B", "Liisa L", "liisa@example.fi", "Mieli ry", "Pirkanmaa", True),
    ("C", "Sara S", "sara@example.fi", "SOSTE ry", "Kanta-Häme", True),
    ("C", "Mikko M", "mikko@example.fi", "Mieli ry", "", False),
    # Before the period: makes SOSTE ry a returning organisation.
    ("D", "Pirjo P", "pirjo@example.fi", "SOSTE RY", "", True),
]
# (event key, score, would recommend)
FEEDBACK = [("A", 4, True), ("A", 5, None), ("C", 3, False)]


@dataclass
class Scenario:
    events: dict  # key -> Event
    first_day: date
    last_day: date


def build(make_event, owner, other_owner) -> Scenario:
    """A, B, C held in the period (C already purged); D before it; E another organiser's;
    F cancelled, G a draft, H still to come: none of those four in Olli's figures."""
    today = clock.to_local(clock.now()).date()
    events = {
        "A": make_event(
            owner,
            title="Sote-kahvit",
            capacity=3,
            starts_in=timedelta(days=-40),
            region="Kanta-Häme",
            themes=["sote"],
        ),
        "B": make_event(
            owner,
            title="Nuorten ilta",
            starts_in=timedelta(days=-20),
            format=EventFormat.ONLINE,
            venue_name="",
            venue_address="",
            themes=["nuoret"],
        ),
        "C": make_event(
            owner,
            title="Pirkanmaan verkosto",
            starts_in=timedelta(days=-10),
            region="Pirkanmaa",
            retention_days=1,
        ),
        "D": make_event(
            owner,
            title="Viime kevään kokous",
            starts_in=timedelta(days=-100),
            region="Kanta-Häme",
            retention_days=30,
        ),
        "E": make_event(other_owner, title="Toisen tapahtuma", starts_in=timedelta(days=-15)),
        "F": make_event(owner, title="Peruttu", starts_in=timedelta(days=-12)),
        "G": make_event(owner, title="Luonnos", starts_in=timedelta(days=-11), published=False),
        "H": make_event(owner, title="Tuleva", starts_in=timedelta(days=10)),
    }
    db.session.commit()  # a fresh snapshot first: a live server may have written (SQLite)
    with writing():
        for key, name, email, organisation, region, attended in PEOPLE:
            _person(events[key], name, email, organisation, region, attended)
        for key in ("E", "F", "H"):  # counted only where the event is
            _person(events[key], "Ville W", f"ville.{key}@example.fi", "Muu ry", "Lappi", True)
        # Waiting (a sign-up, not a registration) and cancelled: at A.
        _person(events["A"], "Aino Waiting", "aino@example.fi", "Muu ry", "", None)
        cancelled = _person(events["A"], "Carl C", "carl@example.fi", "Muu ry", "", None)
        cancelled.status = "cancelled"
        for key, score, recommend in FEEDBACK:
            db.session.add(
                FeedbackResponse(event_id=events[key].id, score=score, would_recommend=recommend)
            )
        events["F"].status = "cancelled"
        db.session.flush()
        run_retention(clock.now())  # C and D past their retention time
        db.session.commit()
    return Scenario(events, today - timedelta(days=60), today)


def _person(event, name, email, organisation, region, attended) -> Registration:
    added = add_person(
        event,
        PersonDetails(name=name, email=email, organisation=organisation, locale="fi", answers={}),
        note="",
        send_mail=False,
    )
    registration = db.session.get(Registration, added.registration_id)
    registration.region = region
    registration.attended = attended
    return registration


# Olli's report of the period, counted by hand.
EXPECTED = {
    "events": 3,
    "signups": 8,  # A: 3 with a place and Aino waiting; B: 2; C: 2
    "registrations": 7,
    "attended": 4,  # Sara at A, B and C; Liisa at B
    "no_shows": 2,  # Pekka at A, Mikko at C
    "not_marked": 1,  # Anna
    "participants": 5,  # Sara once (C purged), Pekka, Anna (no address), Liisa, Mikko
    "organisations": 3,
    "new": 2,  # Mieli ry, Hämeen Setlementti
    "returning": 1,  # SOSTE ry, at D before the period
    "responses": 3,
    "average": 4.0,
}


def _day(value: date) -> datetime:
    return datetime(value.year, value.month, value.day)


def expected_summary(scenario: Scenario, *, region: str | None = None) -> list[tuple]:
    """The Summary sheet in English: the period, the filters, the figures by hand."""
    if region is None:
        figures = [3, 8, 7, 4, 2, 1, 2 / 6, 5, 3, 2, 1, 3, 4.0, 0.5]
    else:  # Kanta-Häme: A alone (D, in Kanta-Häme too, makes SOSTE ry returning)
        assert region == "Kanta-Häme"
        figures = [1, 4, 3, 1, 1, 1, 0.5, 3, 2, 1, 1, 2, 4.5, 1.0]
    labels = [
        "Events held",
        "Sign-ups",
        "Registrations (people with a place)",
        "Attended",
        "Did not come",
        "Attendance not marked",
        "No-show rate (of those marked)",
        "Participants (distinct people)",
        "Organisations",
        "New organisations",
        "Returning organisations",
        "Feedback responses",
        "Average score (1–5)",
        "Would recommend",
    ]
    return [
        ("Figure", "Value"),
        ("First day", _day(scenario.first_day)),
        ("Last day", _day(scenario.last_day)),
        ("Organiser", "All organisers"),
        ("Series", "Any series"),
        ("Format", "Any format"),
        ("Wellbeing services county of the event", region or "Any region"),
        ("Theme", "Any theme"),
        *zip(labels, figures, strict=True),
    ]


def expected_events(scenario: Scenario, *, region: str | None = None) -> list[tuple]:
    """The Events sheet in English, one row per event held."""
    header = (
        "Date",
        "Event",
        "Format",
        "Sign-ups",
        "Registrations",
        "Attended",
        "Did not come",
        "Feedback responses",
        "Average score",
    )
    rows = [
        ("A", "In person", 4, 3, 1, 1, 2, 4.5),
        ("B", "Online", 2, 2, 2, 0, 0, None),
        ("C", "In person", 2, 2, 1, 1, 1, 3.0),
    ]
    if region is not None:
        rows = rows[:1]
    return [header] + [
        (
            _day(clock.to_local(scenario.events[key].starts_at).date()),
            scenario.events[key].title,
            format_,
            *counts,
        )
        for key, format_, *counts in rows
    ]
