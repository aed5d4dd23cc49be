"""Demo: feedback on two past events, so that the feedback pages have something to show in
`make run`: the sote group's autumn workshop, named (20 answers, some comments in
Finnish), and an evening of volunteer coordinators, anonymous (5 answers)."""

import secrets
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa

from app import clock
from app.demo.data import SOTE_GROUP_MEMBERS, _demo_address
from app.extensions import db
from app.feedback import settings as feedback_settings
from app.models import (
    Event,
    EventFormat,
    FeedbackAudience,
    FeedbackQuestionKind,
    FeedbackResponse,
    Registration,
)
from app.organiser.services import EventDetails, create_event, publish_event
from app.signup.services import register_for_event

QUESTION = ("Mikä oli päivän hyödyllisin osuus?", ["Alustukset", "Ryhmätyöt", "Verkostoituminen"])
# (score, would recommend, comment, the question's answer), one per person who answered.
ANSWERS = [
    (5, True, "Todella hyvä päivä, kiitos järjestäjille!", "Ryhmätyöt"),
    (4, True, "", "Alustukset"),
    (5, True, "Ryhmätöissä syntyi konkreettisia ideoita yhteistyöhön.", "Ryhmätyöt"),
    (3, None, "Aikataulu venyi, iltapäivä jäi lyhyeksi.", "Alustukset"),
    (4, True, "", "Verkostoituminen"),
    (5, True, "Hyvinvointialueen puheenvuoro oli ajankohtainen.", "Alustukset"),
    (2, False, "Tila oli ahdas ja äänentoisto heikko takarivissä.", "Verkostoituminen"),
    (4, True, "", "Ryhmätyöt"),
    (4, True, "Lisää tällaisia tapaamisia!", "Verkostoituminen"),
    (5, True, "", "Ryhmätyöt"),
    (3, True, "", "Alustukset"),
    (4, None, "Olisin kaivannut enemmän aikaa keskustelulle.", "Ryhmätyöt"),
    (5, True, "", "Verkostoituminen"),
    (4, True, "", "Alustukset"),
    (1, False, "Materiaalit olisi hyvä saada etukäteen.", None),
    (4, True, "", "Ryhmätyöt"),
    (5, True, "Kiitos kahvista ja hyvästä seurasta.", "Verkostoituminen"),
    (3, None, "", "Alustukset"),
    (4, True, "", "Ryhmätyöt"),
    (5, True, "Selkeä ja hyvin vedetty päivä.", "Ryhmätyöt"),
]
ANONYMOUS_ANSWERS = [
    (4, True, "Hyviä vinkkejä vapaaehtoisten perehdytykseen."),
    (5, True, ""),
    (3, True, "Keskustelu jäi pintapuoliseksi."),
    (4, None, ""),
    (5, True, "Kiitos!"),
]


def demo_feedback(organiser) -> None:
    """Two past events with feedback, attended by people of the sote group."""
    people, address = SOTE_GROUP_MEMBERS, _demo_address
    workshop = _past_event(
        organiser,
        "Järjestöjen sote-ryhmän syystyöpaja",
        weeks_ago=3,
        people=people[:22],
        address=address,
    )
    _with_feedback(workshop, anonymous=False, answers=ANSWERS, question=QUESTION)
    evening = _past_event(
        organiser,
        "Vapaaehtoistoiminnan koordinaattorien ilta",
        weeks_ago=1,
        people=people[:7],
        address=address,
    )
    _with_feedback(
        evening,
        anonymous=True,
        answers=[(*answer, None) for answer in ANONYMOUS_ANSWERS],
        question=None,
    )


def _past_event(organiser, title: str, *, weeks_ago: int, people, address) -> Event:
    """An event signed up for, then moved into the past, its people marked attended."""
    day = clock.to_local(clock.now()).date() + timedelta(days=14)
    starts = clock.from_local(datetime.combine(day, time(9, 0)))
    event = create_event(
        organiser,
        EventDetails(
            title=title,
            description="Tapahtuma on jo pidetty: katso palaute järjestäjän sivuilta.",
            starts_at=starts,
            ends_at=starts + timedelta(hours=6),
            format=EventFormat.IN_PERSON,
            venue_name="Verkatehdas, kokoustila Vanaja",
            venue_address="Paasikiventie 2, Hämeenlinna",
            region="Kanta-Häme",
            themes=["Järjestöyhteistyö"],
            capacity=40,
            contact_email=organiser.email,
        ),
    )
    publish_event(event)
    for name, organisation, locale in people:
        register_for_event(
            event,
            name=name,
            email=address(name),
            organisation=organisation,
            answers={},
            locale=locale,
        )
    held_on = clock.to_local(clock.now()).date() - timedelta(weeks=weeks_ago)
    past = clock.from_local(datetime.combine(held_on, time(9, 0)))
    event.starts_at, event.ends_at = past, past + timedelta(hours=6)
    db.session.execute(
        sa.update(Registration).where(Registration.event_id == event.id).values(attended=True)
    )
    db.session.flush()
    return event


def _with_feedback(event: Event, *, anonymous: bool, answers, question) -> None:
    sends_at, closes_at = feedback_settings.default_times(event)
    stored = feedback_settings.save_settings(
        event,
        enabled=True,
        anonymous=anonymous,
        audience=FeedbackAudience.ATTENDED,
        sends_at=sends_at,
        closes_at=closes_at,
    )
    if question is not None:
        label, options = question
        feedback_settings.add_question(
            event,
            kind=FeedbackQuestionKind.SINGLE_CHOICE,
            label=label,
            options=options,
            translations={},
        )
    people = db.session.scalars(
        sa.select(Registration.id).where(Registration.event_id == event.id)
    ).all()
    stored.planned_at, stored.asked = sends_at, len(people)
    answered = datetime.combine(sends_at.date(), time(0), tzinfo=UTC)
    for person, (score, recommend, comment, choice) in zip(people, answers, strict=False):
        db.session.add(
            FeedbackResponse(
                event_id=event.id,
                registration_id=None if anonymous else person,
                # Anonymous: a random key, of no one's link (nothing ties it to a person).
                response_key=secrets.token_hex(32) if anonymous else None,
                score=score,
                would_recommend=recommend,
                comment=comment,
                answers={"1": choice} if choice else {},
                created_at=answered,
                updated_at=answered,
            )
        )
    db.session.flush()
