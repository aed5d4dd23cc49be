"""Demo: two past events of the demo organiser with attendance marked (by check-in at the
door, from a Teams report, by hand, and no-shows), for the Attendance page and for the
follow-up, feedback and reports to build on."""

from datetime import datetime, time, timedelta

import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import AttendanceSource, Event, EventFormat, OutboundEmail, Registration
from app.organiser.services import EventDetails, create_event, publish_event
from app.signup.services import register_for_event

# Besides the sote group's members (app.demo.data), people of the discussion evening.
EVENING_GUESTS = [
    ("Kaisa Hirvonen", "Hämeenlinnan kaupunki, hyvinvointipalvelut", "fi"),
    ("Arto Kivelä", "Kanta-Hämeen hyvinvointialue", "fi"),
    ("Leena Vainio", "Hämeenlinnan Reumayhdistys ry", "fi"),
    ("Mikael Sundström", "Folkhälsan i Tavastland", "sv"),
    ("Nora Ahonen", "Hämeen Setlementti ry", "fi"),
]


def _weeks_ago(weeks: int, weekday: int, at: time) -> datetime:
    """That weekday `weeks` weeks before this one, Finnish time."""
    today = clock.to_local(clock.now()).date()
    day = today - timedelta(weeks=weeks, days=(today.weekday() - weekday) % 7)
    return clock.from_local(datetime.combine(day, at))


def add_past_events_with_attendance(owner) -> list[Event]:
    """The sote group's Teams meeting five weeks ago (20 people) and a discussion evening
    in Hämeenlinna two weeks ago (30 people), attendance marked; the events, oldest first."""
    from app.demo.data import PRIVACY, SOTE_GROUP_MEMBERS

    teams_at = _weeks_ago(5, 3, time(14, 0))
    evening_at = _weeks_ago(2, 1, time(17, 0))
    meeting = _past_event(
        owner,
        EventDetails(
            title="Järjestöjen sote-ryhmän kuukausitapaaminen (Teams)",
            description="Kanta-Hämeen järjestöjen sote-ryhmän kuukausitapaaminen Teamsissa.",
            starts_at=teams_at,
            ends_at=teams_at + timedelta(hours=1, minutes=30),
            format=EventFormat.ONLINE,
            join_link="https://teams.example.invalid/l/meetup-join/kutsu-demo-past",
            region="Kanta-Häme",
            themes=["Järjestöyhteistyö"],
            capacity=25,
            privacy_notice=PRIVACY,
        ),
        SOTE_GROUP_MEMBERS[:20],
    )
    # 15 were in the Teams report, one phoned in (marked by hand), four did not come.
    _mark(meeting, [AttendanceSource.TEAMS_REPORT] * 15 + [AttendanceSource.BY_HAND], no_shows=4)
    evening = _past_event(
        owner,
        EventDetails(
            title="Järjestöt ja hyvinvointialue – keskusteluilta Hämeenlinnassa",
            description="Keskustelua järjestöjen ja hyvinvointialueen yhteistyöstä. Kahvit.",
            starts_at=evening_at,
            ends_at=evening_at + timedelta(hours=2),
            format=EventFormat.IN_PERSON,
            venue_name="Kumppanuustalo, auditorio",
            venue_address="Hämeenlinna",
            region="Kanta-Häme",
            themes=["Sote-uudistus", "Järjestöyhteistyö"],
            capacity=40,
            privacy_notice=PRIVACY,
        ),
        SOTE_GROUP_MEMBERS[:25] + EVENING_GUESTS,
    )
    # 24 checked in at the door, one forgot to (marked by hand), five did not come.
    _mark(evening, [AttendanceSource.CHECK_IN] * 24 + [AttendanceSource.BY_HAND], no_shows=5)
    return [meeting, evening]


def _past_event(owner, details: EventDetails, people) -> Event:
    """Made and signed up for as if still to come, then moved to its past date: sign-ups
    over the three weeks before it, and no mail left to send about it."""
    from app.demo.data import _demo_address
    from app.demo.overview import GIVEN_REGIONS

    starts, ends = details.starts_at, details.ends_at
    soon = clock.now() + timedelta(days=30)
    details.starts_at, details.ends_at = soon, soon + (ends - starts)
    event = create_event(owner, details)
    publish_event(event)
    for number, (name, organisation, locale) in enumerate(people):
        registration = register_for_event(
            event,
            name=name,
            email=_demo_address(name),
            organisation=organisation,
            answers={},
            locale=locale,
        ).registration
        registration.created_at = starts - timedelta(days=21) + timedelta(hours=11 * number)
        registration.region = GIVEN_REGIONS[number % len(GIVEN_REGIONS)]
    event.starts_at, event.ends_at = starts, ends
    event.asks_region = True
    db.session.execute(sa.delete(OutboundEmail).where(OutboundEmail.event_id == event.id))
    db.session.flush()
    return event


def _mark(event: Event, sources: list[AttendanceSource], *, no_shows: int) -> None:
    """The first people in sign-up order as `sources` say; then `no_shows` as not come."""
    people = db.session.scalars(
        sa.select(Registration).where(Registration.event_id == event.id).order_by(Registration.id)
    ).all()
    marked_at = event.ends_at + timedelta(hours=20)
    for person, source in zip(people, sources, strict=False):
        person.attended, person.attendance_source = True, source
        person.attendance_marked_at = marked_at
        if source == AttendanceSource.CHECK_IN:
            person.checked_in_at = event.starts_at - timedelta(minutes=10)
            person.attendance_marked_at = person.checked_in_at
    for person in people[len(sources) : len(sources) + no_shows]:
        person.attended, person.attendance_source = False, AttendanceSource.BY_HAND
        person.attendance_marked_at = marked_at
