"""A hybrid event's places, as a participant sees them: in person and online each with its
own seats and waiting list, chosen on the form; the join link only to those online; a
switch of mode through the manage link; a freed seat to the first person waiting for it."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.attendees.changes_services import OverCapacity, move_from_waiting_list
from app.extensions import db
from app.models import (
    EmailStatus,
    Event,
    EventFormat,
    OutboundEmail,
    ParticipationMode,
    Registration,
    RegistrationSource,
    RegistrationStatus,
)
from app.places.services import cancel_registration
from app.privacy.export import export_person
from app.privacy.services import erase_person
from app.signup.services import enrol
from tests.conftest import deliver_mail, link_in, sign_up, submit, text_of

# Where the database decides (seats taken, people moved and promoted): on both.
both_databases = pytest.mark.both_databases

JOIN_LINK = "https://teams.example.fi/l/meetup-join/seminaari"
IN_PERSON = "in_person"
ONLINE = "online"


@pytest.fixture
def make_hybrid(make_event):
    def make(capacity=2, online_capacity=None, **details):
        return make_event(
            format=EventFormat.HYBRID,
            capacity=capacity,
            online_capacity=online_capacity,
            join_link=JOIN_LINK,
            **details,
        )

    return make


def person(email) -> Registration:
    db.session.expire_all()
    return db.session.scalar(sa.select(Registration).where(Registration.email == email))


def counts(event) -> tuple[int, int]:
    db.session.expire_all()
    event = db.session.get(Event, event.id)
    return event.confirmed_count, event.online_confirmed_count


def state(email) -> tuple:
    found = person(email)
    return found.status, found.mode, found.waiting_for


@both_databases
def test_each_mode_has_its_own_places_and_waiting_list(client, make_hybrid):
    event = make_hybrid(capacity=1, online_capacity=1)
    form = text_of(client.get(f"/events/{event.slug}/register"))
    assert "How will you take part? In person 1 place left Online 1 place left" in form

    sign_up(client, event, email="hall@example.fi", mode=IN_PERSON)
    sign_up(client, event, email="screen@example.fi", mode=ONLINE)
    waiting = sign_up(client, event, email="late@example.fi", mode=IN_PERSON)

    assert "You are on the waiting list" in text_of(waiting)
    assert "Your place in the queue: 1" in text_of(waiting)
    assert counts(event) == (1, 1)
    assert state("hall@example.fi") == (RegistrationStatus.CONFIRMED, IN_PERSON, None)
    assert state("screen@example.fi") == (RegistrationStatus.CONFIRMED, ONLINE, None)
    assert state("late@example.fi") == (RegistrationStatus.WAITING, IN_PERSON, None)
    form = text_of(client.get(f"/events/{event.slug}/register"))
    assert "In person Full – you join the waiting list Online Full" in form


def test_the_mode_must_be_chosen_and_a_full_mode_without_waiting_list_says_so(client, make_hybrid):
    event = make_hybrid(capacity=1, waiting_list=False)
    unchosen = sign_up(client, event)
    assert "Error:" in text_of(unchosen)
    assert "Choose whether you take part in person or online" in text_of(unchosen)
    sign_up(client, event, email="hall@example.fi", mode=IN_PERSON)

    refused = sign_up(client, event, mode=IN_PERSON)

    assert "There are no places left in person. Choose online" in text_of(refused)
    assert 'value="sara@example.fi"' in refused.get_data(as_text=True)  # typed values kept
    assert person("sara@example.fi") is None
    online = sign_up(client, event, mode=ONLINE)
    assert "You are registered" in text_of(online)


def test_the_join_link_goes_only_to_those_online(client, app, make_hybrid, mailbox):
    event = make_hybrid(capacity=5, reminder_minutes=[2880, 60])
    hall_page = text_of(sign_up(client, event, email="hall@example.fi", mode=IN_PERSON))
    screen_page = text_of(sign_up(client, event, email="screen@example.fi", mode=ONLINE))
    link_told = "The link to join online is in your confirmation email"
    assert link_told not in hall_page and "How you take part In person" in hall_page
    assert link_told in screen_page and "How you take part Online" in screen_page
    deliver_mail(app)

    [hall] = mailbox.to("hall@example.fi")
    [screen] = mailbox.to("screen@example.fi")
    for message in (hall, screen):
        assert "You are registered" in message["Subject"]
    assert JOIN_LINK not in hall.as_string()
    assert "Where: Kumppanuustalo, auditorio, Hämeenlinna" in mailbox.text(hall)
    assert "You take part: In person" in mailbox.text(hall)
    assert f"Join online: {JOIN_LINK}" in mailbox.text(screen)
    assert "You take part: Online" in mailbox.text(screen)
    assert "Kumppanuustalo" not in mailbox.text(screen)
    assert JOIN_LINK in _calendar_of(screen) and "LOCATION:Kumppanuustalo" in _calendar_of(hall)
    # The manage link's .ics: the same rule.
    hall_ics = client.get(link_in(hall, "/manage/") + "/calendar.ics").text
    assert JOIN_LINK not in hall_ics


def test_the_reminder_an_hour_before_goes_only_to_those_online(client, app, make_hybrid, mailbox):
    event = make_hybrid(capacity=5, reminder_minutes=[2880, 60])
    sign_up(client, event, email="hall@example.fi", mode=IN_PERSON)
    sign_up(client, event, email="screen@example.fi", mode=ONLINE)
    deliver_mail(app)
    mailbox.clear()

    clock.travel(event.starts_at - timedelta(minutes=30))
    deliver_mail(app)

    assert [m["Subject"].startswith("Reminder") for m in mailbox.to("hall@example.fi")] == [True]
    reminders = mailbox.to("screen@example.fi")
    assert len(reminders) == 2
    assert any(JOIN_LINK in mailbox.text(m) for m in reminders)
    [hall] = mailbox.to("hall@example.fi")
    assert JOIN_LINK not in hall.as_string()


@both_databases
def test_switching_to_a_free_online_place_frees_the_seat_for_the_first_waiting(
    client, app, make_hybrid, mailbox
):
    event = make_hybrid(capacity=1)
    sign_up(client, event, email="hall@example.fi", mode=IN_PERSON)
    sign_up(client, event, email="late@example.fi", mode=IN_PERSON)
    deliver_mail(app)
    manage = link_in(mailbox.to("hall@example.fi")[0], "/manage/")
    assert "How you take part In person" in text_of(client.get(manage))
    mailbox.clear()

    done = submit(client, manage + "/mode", {"mode": ONLINE}, follow_redirects=True)

    assert "You now take part online." in text_of(done)
    assert state("hall@example.fi") == (RegistrationStatus.CONFIRMED, ONLINE, None)
    assert state("late@example.fi") == (RegistrationStatus.CONFIRMED, IN_PERSON, None)
    assert counts(event) == (1, 1)
    deliver_mail(app)
    [moved] = mailbox.to("hall@example.fi")
    assert "How you take part has changed" in moved["Subject"]
    assert f"Join online: {JOIN_LINK}" in mailbox.text(moved)
    [promoted] = mailbox.to("late@example.fi")
    assert "A place became free" in promoted["Subject"]
    assert JOIN_LINK not in promoted.as_string()


@both_databases
def test_in_person_full_keeps_the_online_place_while_waiting(client, app, make_hybrid, mailbox):
    event = make_hybrid(capacity=1)
    sign_up(client, event, email="hall@example.fi", mode=IN_PERSON)
    sign_up(client, event, email="early@example.fi", mode=IN_PERSON)  # waiting, first
    sign_up(client, event, email="screen@example.fi", mode=ONLINE)
    deliver_mail(app)
    manage = link_in(mailbox.to("screen@example.fi")[0], "/manage/")
    mailbox.clear()

    done = submit(client, manage + "/mode", {"mode": IN_PERSON}, follow_redirects=True)

    assert "You keep your online place and are on the waiting list for a place in person" in (
        text_of(done)
    )
    assert "place 2 in the queue" in text_of(done)
    assert state("screen@example.fi") == (RegistrationStatus.CONFIRMED, ONLINE, IN_PERSON)
    deliver_mail(app)
    [told] = mailbox.to("screen@example.fi")
    assert "You keep your online place" in mailbox.text(told)
    assert JOIN_LINK in mailbox.text(told)
    mailbox.clear()

    # Seats free one by one: first come, first served, whoever holds an online place.
    cancel_registration(person("hall@example.fi"))
    db.session.commit()
    assert state("early@example.fi") == (RegistrationStatus.CONFIRMED, IN_PERSON, None)
    assert state("screen@example.fi") == (RegistrationStatus.CONFIRMED, ONLINE, IN_PERSON)
    cancel_registration(person("early@example.fi"))
    db.session.commit()
    assert state("screen@example.fi") == (RegistrationStatus.CONFIRMED, IN_PERSON, None)
    assert counts(event) == (1, 0)
    deliver_mail(app)
    [moved] = mailbox.to("screen@example.fi")
    assert "You take part in person" in mailbox.text(moved)
    assert JOIN_LINK not in moved.as_string()


@both_databases
def test_a_freed_online_place_goes_to_the_first_waiting_online(client, make_hybrid):
    event = make_hybrid(capacity=5, online_capacity=1)
    sign_up(client, event, email="screen@example.fi", mode=ONLINE)
    sign_up(client, event, email="next@example.fi", mode=ONLINE)

    cancel_registration(person("screen@example.fi"))
    db.session.commit()

    assert state("next@example.fi") == (RegistrationStatus.CONFIRMED, ONLINE, None)
    assert counts(event) == (0, 1)


def test_the_person_can_stop_waiting_and_switch_back(client, app, make_hybrid, mailbox):
    event = make_hybrid(capacity=1)
    sign_up(client, event, email="hall@example.fi", mode=IN_PERSON)
    sign_up(client, event, email="screen@example.fi", mode=ONLINE)
    deliver_mail(app)
    manage = link_in(mailbox.to("screen@example.fi")[0], "/manage/")
    submit(client, manage + "/mode", {"mode": IN_PERSON})

    done = submit(client, manage + "/mode", {"mode": ONLINE}, follow_redirects=True)

    assert "You are no longer on the waiting list, and you keep your place" in text_of(done)
    assert state("screen@example.fi") == (RegistrationStatus.CONFIRMED, ONLINE, None)


def test_a_bad_mode_gets_a_message_at_the_field(client, app, make_hybrid, mailbox):
    event = make_hybrid()
    sign_up(client, event, email="hall@example.fi", mode="teleport")
    assert person("hall@example.fi") is None
    sign_up(client, event, email="hall@example.fi", mode=IN_PERSON)
    deliver_mail(app)
    manage = link_in(mailbox.to("hall@example.fi")[0], "/manage/")

    page = submit(client, manage + "/mode", {"mode": "teleport"})

    assert page.status_code == 200
    assert "Choose whether you take part in person or online" in text_of(page)
    assert state("hall@example.fi") == (RegistrationStatus.CONFIRMED, IN_PERSON, None)


def test_a_plain_event_has_no_mode_choice(client, make_event):
    event = make_event(capacity=3)
    assert "How will you take part" not in text_of(client.get(f"/events/{event.slug}/register"))
    sign_up(client, event)
    assert person("sara@example.fi").mode is None


def _calendar_of(message) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return (
                part.get_content()
                if isinstance(part.get_content(), str)
                else (part.get_content().decode())
            )
    return ""


def test_a_sign_up_plans_one_message(client, make_hybrid):
    event = make_hybrid(capacity=1)
    sign_up(client, event, email="hall@example.fi", mode=IN_PERSON)
    sign_up(client, event, email="late@example.fi", mode=IN_PERSON)

    mails = db.session.execute(
        sa.select(Registration.email, OutboundEmail.kind)
        .join(Registration, Registration.id == OutboundEmail.registration_id)
        .where(OutboundEmail.status == EmailStatus.PENDING, OutboundEmail.kind != "reminder")
        .order_by(Registration.email)
    ).all()
    assert [tuple(row) for row in mails] == [
        ("hall@example.fi", "registration_confirmed"),
        ("late@example.fi", "registration_waiting"),
    ]
    assert event.id and person("late@example.fi").mode == ParticipationMode.IN_PERSON


def test_a_persons_export_says_how_they_take_part_and_erasure_frees_their_seat(client, make_hybrid):
    event = make_hybrid(capacity=5, online_capacity=1)
    sign_up(client, event, email="screen@example.fi", mode=ONLINE)
    sign_up(client, event, email="next@example.fi", mode=ONLINE)

    [exported] = export_person("screen@example.fi", clock.now())["registrations"]
    assert (exported["taking_part"], exported["waiting_for"]) == (ONLINE, None)

    erase_person("screen@example.fi")
    db.session.commit()
    assert state("next@example.fi") == (RegistrationStatus.CONFIRMED, ONLINE, None)
    assert counts(event) == (0, 1)


def test_an_organisers_move_from_the_waiting_list_takes_a_seat_of_the_persons_mode(
    client, make_hybrid
):
    event = make_hybrid(capacity=1, online_capacity=1)
    for email, mode in (
        ("hall@example.fi", IN_PERSON),
        ("screen@example.fi", ONLINE),
        ("hall2@example.fi", IN_PERSON),
        ("screen2@example.fi", ONLINE),
    ):
        sign_up(client, event, email=email, mode=mode)
    cancel_registration(person("screen@example.fi"))  # screen2 moves up online
    sign_up(client, event, email="screen3@example.fi", mode=ONLINE)
    db.session.commit()
    waiting = [person("hall2@example.fi").id, person("screen3@example.fi").id]

    with pytest.raises(OverCapacity):  # the hall is full: past it only when confirmed
        move_from_waiting_list(db.session.get(Event, event.id), waiting)
    db.session.rollback()
    outcome = move_from_waiting_list(db.session.get(Event, event.id), waiting, allowed_over=1)
    db.session.commit()

    assert outcome.changed == [waiting[0]] and outcome.unchanged == [waiting[1]]
    assert state("hall2@example.fi") == (RegistrationStatus.CONFIRMED, IN_PERSON, None)
    assert state("screen3@example.fi") == (RegistrationStatus.WAITING, ONLINE, None)
    assert counts(event) == (2, 1)


def test_a_place_taken_without_a_mode_is_in_the_hall_and_its_mail_has_both(
    app, make_hybrid, mailbox
):
    """As an accepted invitation or a series booking takes one: no mode was asked."""
    event = make_hybrid(capacity=5)
    enrol(
        event,
        name="Kutsuttu",
        email="invited@example.fi",
        organisation="",
        answers={},
        locale="en",
        source=RegistrationSource.INVITATION,
    )
    db.session.commit()

    assert state("invited@example.fi") == (RegistrationStatus.CONFIRMED, None, None)
    assert counts(event) == (1, 0)
    deliver_mail(app)
    [message] = mailbox.to("invited@example.fi")
    assert f"Join online: {JOIN_LINK}" in mailbox.text(message)
    assert "Where: Kumppanuustalo" in mailbox.text(message)
