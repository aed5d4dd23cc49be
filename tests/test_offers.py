"""Timed offers from the waiting list, as people see them: the offer's email and its link,
accepting, declining, an offer that lapses and passes on, the time shortened near the
event; and the organiser's waiting list in the order they set by hand."""

from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import (
    AuditAction,
    AuditEntry,
    Event,
    OutboundEmail,
    Registration,
    RegistrationStatus,
)
from app.places.offers import offer_deadline, pass_on_expired_offers
from tests.conftest import (
    Mailbox,
    csrf_token_in,
    deliver_mail,
    link_in,
    submit,
    text_of,
)
from tests.test_organiser import edit_event

PEOPLE = ["aino", "bertil", "cecilia", "daniel"]


def full_event_with_waiting(make_event, *, capacity=1, waiting=3, offer_hours=24, **details):
    """An event whose places are taken (by aino...), and `waiting` people on its list."""
    event = make_event(capacity=capacity, offer_hours=offer_hours, **details)
    for name in PEOPLE[: capacity + waiting]:
        register(event, name)
    db.session.commit()
    return event


def register(event, name: str) -> Registration:
    """Sign up `name` (aino: Aino, aino@example.fi) for the event, in English."""
    from app.signup.services import register_for_event

    return register_for_event(
        event,
        name=name.capitalize(),
        email=f"{name}@example.fi",
        organisation="",
        answers={},
        locale="en",
    ).registration


def person(name) -> Registration:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(Registration)
        .where(Registration.email_normalised == f"{name}@example.fi")
        .order_by(Registration.id.desc())
    )


def cancel(name):
    from app.places.services import cancel_registration

    cancel_registration(person(name))
    db.session.commit()


def seats_taken(event) -> int:
    db.session.expire_all()
    return db.session.get(Event, event.id).confirmed_count


def mail_to(mailbox, name, subject_start):
    found = [m for m in mailbox.to(f"{name}@example.fi") if m["Subject"].startswith(subject_start)]
    return found


@pytest.mark.both_databases
def test_a_cancellation_offers_the_place_to_the_first_waiting_who_accepts_it(
    client, make_event, mailbox
):
    event = full_event_with_waiting(make_event)
    deliver_mail(client.application)
    mailbox.clear()

    cancel("aino")

    assert person("bertil").status == RegistrationStatus.OFFERED
    assert person("cecilia").status == RegistrationStatus.WAITING
    assert seats_taken(event) == 1  # held for Bertil: no one else can take it
    public = text_of(client.get(f"/events/{event.slug}"))
    assert "places left" not in public
    deliver_mail(client.application)
    (offer,) = mail_to(mailbox, "bertil", "A place is offered to you")
    assert mail_to(mailbox, "cecilia", "") == []
    text = Mailbox.text(offer)
    until = clock.to_local(person("bertil").offer_expires_at)
    assert f"held for you until {until:%a} {until.day} {until:%b %Y}, {until:%H:%M}" in text
    assert not [p for p in offer.iter_attachments() if p.get_content_type() == "text/calendar"]

    page = client.get(link_in(offer, "/manage/"))
    shown = text_of(page)
    assert "A place is offered to you: accept it by" in shown
    assert "Accept the place" in shown and "Decline: give it to the next person" in shown
    manage = link_in(offer, "/manage/")
    accepted = submit(client, f"{manage}/offer/accept", {}, form_page=manage)
    assert accepted.status_code == 303
    shown = text_of(client.get(manage))
    assert "You accepted the place: it is yours." in shown
    assert "Confirmed: you have a place" in shown
    assert person("bertil").status == RegistrationStatus.CONFIRMED
    assert seats_taken(event) == 1

    deliver_mail(client.application)
    (confirmed,) = mail_to(mailbox, "bertil", "You are registered")
    assert "You accepted the place offered to you. Your place is confirmed." in Mailbox.text(
        confirmed
    )
    assert "Thank you for signing up" not in Mailbox.text(confirmed)
    calendars = [p for p in confirmed.iter_attachments() if p.get_content_type() == "text/calendar"]
    assert len(calendars) == 1
    reminders = db.session.scalars(
        sa.select(OutboundEmail).where(
            OutboundEmail.registration_id == person("bertil").id, OutboundEmail.kind == "reminder"
        )
    ).all()
    assert reminders  # planned for the coming days
    # A second click on the same button changes nothing and mails nothing more.
    again = submit(client, f"{manage}/offer/accept", {}, form_page=manage)
    assert again.status_code == 303
    assert deliver_mail(client.application) == 0


@pytest.mark.both_databases
def test_declining_passes_the_place_to_the_next_person_at_once(client, make_event, mailbox):
    event = full_event_with_waiting(make_event)
    cancel("aino")
    deliver_mail(client.application)
    (offer,) = mail_to(mailbox, "bertil", "A place is offered to you")
    manage = link_in(offer, "/manage/")

    declined = submit(client, f"{manage}/offer/decline", {}, form_page=manage)

    assert declined.status_code == 303
    shown = text_of(client.get(manage))
    assert "You declined the place: it goes to the next person waiting." in shown
    assert "Cancelled" in shown
    assert person("bertil").status == RegistrationStatus.CANCELLED
    assert person("cecilia").status == RegistrationStatus.OFFERED
    assert seats_taken(event) == 1
    deliver_mail(client.application)
    assert len(mail_to(mailbox, "bertil", "Your registration was cancelled")) == 1
    assert len(mail_to(mailbox, "cecilia", "A place is offered to you")) == 1
    # Accepting now (from the page as it was before): a clear page, and nothing changes.
    late = submit(client, f"{manage}/offer/accept", {}, form_page=f"/events/{event.slug}/register")
    assert late.status_code == 409
    assert "has already gone to someone else, or you declined it" in text_of(late)
    assert person("cecilia").status == RegistrationStatus.OFFERED


@pytest.mark.both_databases
def test_an_offer_not_accepted_in_time_lapses_and_passes_on_once(client, make_event, mailbox):
    event = full_event_with_waiting(make_event, offer_hours=6)
    cancel("aino")
    deliver_mail(client.application)
    (offer,) = mail_to(mailbox, "bertil", "A place is offered to you")
    manage = link_in(offer, "/manage/")
    expires = person("bertil").offer_expires_at
    assert expires == pytest.approx(clock.now() + timedelta(hours=6), abs=timedelta(minutes=1))

    clock.travel(expires - timedelta(minutes=1))
    assert pass_on_expired_offers() == 0  # still in time
    clock.travel(expires + timedelta(seconds=1))
    late = submit(client, f"{manage}/offer/accept", {}, form_page=manage)
    assert late.status_code == 409
    assert "that time has passed" in text_of(late)
    assert person("bertil").status == RegistrationStatus.OFFERED  # nothing changed

    assert pass_on_expired_offers() == 1
    assert pass_on_expired_offers() == 0  # a second worker round passes nothing again

    assert person("bertil").status == RegistrationStatus.CANCELLED
    assert person("cecilia").status == RegistrationStatus.OFFERED
    assert seats_taken(event) == 1
    deliver_mail(client.application)
    (lapsed,) = mail_to(mailbox, "bertil", "The offer of a place has lapsed")
    assert "you are no longer on the waiting list" in Mailbox.text(lapsed)
    assert len(mail_to(mailbox, "cecilia", "A place is offered to you")) == 1
    assert "Cancelled" in text_of(client.get(manage))


def test_the_time_to_accept_is_shorter_when_the_event_is_near():
    now = datetime(2027, 3, 1, 12, tzinfo=UTC)
    assert offer_deadline(now, now + timedelta(days=10), 24) == now + timedelta(hours=24)
    # Halfway to the start at the latest.
    assert offer_deadline(now, now + timedelta(hours=10), 24) == now + timedelta(hours=5)
    # But at least 15 minutes, even when the start is nearer than that.
    assert offer_deadline(now, now + timedelta(minutes=20), 24) == now + timedelta(minutes=15)
    assert offer_deadline(now, now - timedelta(minutes=5), 1) == now + timedelta(minutes=15)


def test_an_offer_near_the_event_stands_for_half_the_time_left(client, make_event, mailbox):
    event = full_event_with_waiting(make_event, starts_in=timedelta(hours=8), offer_hours=48)
    cancel("aino")
    expires = person("bertil").offer_expires_at
    assert expires == pytest.approx(clock.now() + timedelta(hours=4), abs=timedelta(minutes=2))
    assert expires < event.starts_at


@pytest.mark.both_databases
def test_two_freed_places_go_to_two_people_and_never_twice(client, make_event, mailbox):
    event = full_event_with_waiting(make_event, capacity=2, waiting=2)
    cancel("aino")
    cancel("bertil")

    assert person("cecilia").status == RegistrationStatus.OFFERED
    assert person("daniel").status == RegistrationStatus.OFFERED
    assert seats_taken(event) == 2
    clock.travel(clock.now() + timedelta(days=2))
    assert pass_on_expired_offers() == 2
    # No one was waiting after them: the places are free again, for anyone to sign up.
    assert seats_taken(event) == 0
    assert "2 places left" in text_of(client.get(f"/events/{event.slug}"))


@pytest.mark.both_databases
def test_raising_the_capacity_offers_the_new_places(client, login, make_event, mailbox):
    event = full_event_with_waiting(make_event, waiting=2)
    login(event.organiser_links[0].organiser)

    saved = edit_event(client, event.id, capacity="2")

    assert saved.status_code == 200
    assert person("bertil").status == RegistrationStatus.OFFERED
    assert person("cecilia").status == RegistrationStatus.WAITING
    assert seats_taken(event) == 2


@pytest.mark.both_databases
def test_an_event_without_offers_promotes_at_once_as_before(client, make_event, mailbox):
    event = full_event_with_waiting(make_event, offer_hours=None)
    cancel("aino")
    assert person("bertil").status == RegistrationStatus.CONFIRMED
    assert person("bertil").offer_expires_at is None
    deliver_mail(client.application)
    assert len(mail_to(mailbox, "bertil", "A place became free – you are registered")) == 1
    assert seats_taken(event) == 1


def test_the_organiser_sets_the_hours_on_the_event_form_within_bounds(client, login, make_event):
    event = make_event(capacity=5)
    login(event.organiser_links[0].organiser)
    form = text_of(client.get(f"/organiser/events/{event.id}/edit"))
    assert "Offer a freed place to the first person waiting" in form
    assert "at most half the time left before the start, but at least 15 minutes" in form

    for typed, message in [
        ("0", "The hours to accept an offer must be from 1 to 168"),
        ("169", "The hours to accept an offer must be from 1 to 168"),
        ("kaksi", "Enter the hours to accept an offer as a whole number, for example 24"),
    ]:
        refused = edit_event(client, event.id, offer_hours=typed)
        page = refused.get_data(as_text=True)
        assert refused.status_code == 200 and "Error:" in text_of(refused)
        assert page.count(message) == 2  # in the summary and at the field
        assert f'value="{typed}"' in page
        db.session.expire_all()
        assert db.session.get(Event, event.id).offer_hours is None

    edit_event(client, event.id, offer_hours="36")
    db.session.expire_all()
    assert db.session.get(Event, event.id).offer_hours == 36
    edit_event(client, event.id, offer_hours="")
    db.session.expire_all()
    assert db.session.get(Event, event.id).offer_hours is None


@pytest.mark.both_databases
def test_the_organiser_reorders_the_waiting_list_and_the_next_offer_follows_it(
    client, login, make_event, mailbox
):
    event = full_event_with_waiting(make_event)
    login(event.organiser_links[0].organiser)
    page = f"/organiser/events/{event.id}/waiting-list"
    shown = text_of(client.get(page))
    assert "1 Bertil" in shown and "2 Cecilia" in shown and "3 Daniel" in shown

    daniel = person("daniel").id

    def move(seen_at, to):
        data = {"person": daniel, "seen_at": seen_at, "to": to}
        return submit(client, f"{page}/move", data, form_page=page)

    assert move(3, 2).status_code == 303
    assert move(2, 1).status_code == 303
    shown = text_of(client.get(page))
    assert "Daniel is now number 1 on the waiting list." in shown
    assert "1 Daniel" in shown and "2 Bertil" in shown and "3 Cecilia" in shown
    # The same press again, from the page as it was: refused, nothing moves.
    stale = move(3, 2)
    assert stale.status_code == 409
    assert "The waiting list changed meanwhile" in text_of(stale)
    entries = db.session.scalars(
        sa.select(AuditEntry.detail).where(AuditEntry.action == AuditAction.REORDERED_WAITING_LIST)
    ).all()
    assert sorted(entries) == [
        f"registration {daniel}: from 2 to 1",
        f"registration {daniel}: from 3 to 2",
    ]

    # The people waiting see their new places; one who joins now comes after them all.
    register(event, "eero")
    db.session.commit()
    deliver_mail(client.application)
    (waiting_mail,) = mail_to(mailbox, "cecilia", "You are on the waiting list")
    assert "On the waiting list, place 3 in the queue" in text_of(
        client.get(link_in(waiting_mail, "/manage/"))
    )
    assert "4 Eero" in text_of(client.get(page))

    cancel("aino")
    assert person("daniel").status == RegistrationStatus.OFFERED
    shown = text_of(client.get(page))
    assert "Offers waiting for an answer" in shown and "Daniel" in shown
    assert "1 Bertil" in shown and "2 Cecilia" in shown
    listed = text_of(client.get(f"/organiser/events/{event.id}/attendees"))
    assert "Offered a place 1" in listed


@pytest.mark.both_databases
def test_the_organiser_confirms_an_offer_the_person_accepted_by_phone(
    client, login, make_event, mailbox
):
    event = full_event_with_waiting(make_event)
    cancel("aino")
    login(event.organiser_links[0].organiser)
    page = f"/organiser/events/{event.id}/waiting-list"
    bertil = person("bertil").id
    confirm = f"{page}/{bertil}/confirm"
    assert "Confirm the place : Bertil" in text_of(client.get(page))

    done = submit(client, confirm, {}, form_page=page)
    assert done.status_code == 303
    shown = text_of(client.get(page))
    assert "Bertil has the place now and is told by email." in shown
    assert "Offers waiting for an answer" not in shown
    assert person("bertil").status == RegistrationStatus.CONFIRMED
    assert seats_taken(event) == 1
    deliver_mail(client.application)
    assert len(mail_to(mailbox, "bertil", "You are registered")) == 1
    [detail] = db.session.scalars(
        sa.select(AuditEntry.detail).where(AuditEntry.action == AuditAction.MOVED_FROM_WAITING_LIST)
    ).all()
    assert detail == f"registration {bertil}: offer confirmed by an organiser"
    # Pressed again (the page as it was): said, nothing more; for someone holding no
    # offer: refused.
    again = submit(client, confirm, {}, form_page=page)
    assert again.status_code == 303
    assert "Bertil has the place already." in text_of(client.get(page))
    assert deliver_mail(client.application) == 0
    cecilia = submit(client, f"{page}/{person('cecilia').id}/confirm", {}, form_page=page)
    assert cecilia.status_code == 409
    assert "The offer is no longer open" in text_of(cecilia)
    assert person("cecilia").status == RegistrationStatus.WAITING
    assert submit(client, f"{page}/999999/confirm", {}, form_page=page).status_code == 400


def test_bad_moves_are_refused_with_a_message(client, login, make_event):
    event = full_event_with_waiting(make_event)
    login(event.organiser_links[0].organiser)
    page = f"/organiser/events/{event.id}/waiting-list"
    for data in [
        {"person": "x", "seen_at": 1, "to": 2},
        {"person": person("bertil").id, "seen_at": "-1", "to": 2},
        {"person": person("bertil").id, "seen_at": 1, "to": "9" * 30},
        {"person": person("aino").id, "seen_at": 1, "to": 2},  # not waiting
    ]:
        refused = submit(client, f"{page}/move", data, form_page=page)
        assert refused.status_code in (400, 409)
        assert "There is a problem" in text_of(refused)
    assert "1 Bertil" in text_of(client.get(page))


@pytest.mark.both_databases
def test_the_export_says_who_holds_an_offer_and_erasing_them_passes_it_on(
    client, login, make_event
):
    from app.privacy.services import erase_person
    from tests.test_exports import csv_rows

    event = full_event_with_waiting(make_event)
    cancel("aino")
    login(event.organiser_links[0].organiser)
    rows = csv_rows(client.get(f"/organiser/events/{event.id}/attendees.csv").data)
    statuses = {row[0]: row[3] for row in rows[1:]}
    assert statuses == {
        "Aino": "Cancelled",
        "Bertil": "Offered a place",
        "Cecilia": "Waiting list",
        "Daniel": "Waiting list",
    }

    erase_person("bertil@example.fi")
    db.session.commit()

    assert person("cecilia").status == RegistrationStatus.OFFERED
    assert seats_taken(event) == 1


def test_a_message_to_those_waiting_reaches_the_person_holding_an_offer(make_event):
    from app.messages.services import Audience, audience_sizes

    event = full_event_with_waiting(make_event)
    cancel("aino")  # Bertil holds an offer; Cecilia and Daniel wait
    sizes = audience_sizes(db.session.get(Event, event.id))
    assert sizes[Audience.WAITING] == 3
    assert sizes[Audience.EVERYONE] == 3
    assert sizes[Audience.CONFIRMED] == 0


def test_an_offer_at_an_event_cancelled_since_cannot_be_accepted(client, make_event, mailbox):
    from app.organiser.services import cancel_event

    event = full_event_with_waiting(make_event)
    cancel("aino")
    deliver_mail(client.application)
    (offer,) = mail_to(mailbox, "bertil", "A place is offered to you")
    manage = link_in(offer, "/manage/")
    page = client.get(manage)
    assert "Accept the place" in text_of(page)
    cancel_event(db.session.get(Event, event.id))
    db.session.commit()

    # The button on the page as it was before.
    token = csrf_token_in(page.get_data(as_text=True))
    late = client.post(f"{manage}/offer/accept", data={"csrf_token": token})
    assert late.status_code == 409
    assert "The event has been cancelled." in text_of(late)
    assert person("bertil").status == RegistrationStatus.OFFERED
    assert "Accept the place" not in text_of(client.get(manage))
