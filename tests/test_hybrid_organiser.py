"""A hybrid event as its organisers see it: online places on the event form, the counts
for each mode, the mode in the attendee list, check-in and downloads, a door list of
those who come, a person added in a mode, and a message to those in person or online."""

import csv
import io

import openpyxl
import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Event, EventFormat, OutboundEmail, Registration
from tests.conftest import deliver_mail, sign_up, submit, text_of
from tests.test_organiser import edit_event, form_values
from tests.test_organiser_messages import confirm, message, new_message_url

JOIN_LINK = "https://teams.example.fi/l/meetup-join/seminaari"


@pytest.fixture
def owner(make_organiser, login):
    organiser = make_organiser()
    login(organiser)
    return organiser


@pytest.fixture
def seminar(make_event, owner, client):
    """In the hall: Anna; online: Olli and Outi; Veikko waits for the hall."""
    event = make_event(
        owner, format=EventFormat.HYBRID, capacity=1, online_capacity=None, join_link=JOIN_LINK
    )
    for name, email, mode in (
        ("Anna Salinen", "anna@example.fi", "in_person"),
        ("Olli Ruutu", "olli@example.fi", "online"),
        ("Outi Verkko", "outi@example.fi", "online"),
        ("Veikko Jonottaja", "veikko@example.fi", "in_person"),
    ):
        sign_up(client, event, name=name, email=email, mode=mode)
    return event


def test_the_event_form_keeps_the_online_places_of_a_hybrid_event_only(client, owner, make_event):
    event = make_event(owner, format=EventFormat.HYBRID, capacity=60)
    page = client.get(f"/organiser/events/{event.id}/edit")
    assert "Number of online places (optional)" in text_of(page)

    refused = edit_event(client, event.id, online_capacity="0")
    assert "The number of online places must be from 1 to 100000" in text_of(refused)
    refused = edit_event(client, event.id, online_capacity="lots")
    assert "Enter the number of online places as a whole number" in text_of(refused)
    edit_event(client, event.id, online_capacity="200")
    db.session.expire_all()
    assert db.session.get(Event, event.id).online_capacity == 200

    edit_event(client, event.id, format="in_person", online_capacity="999999")
    db.session.expire_all()
    assert db.session.get(Event, event.id).online_capacity is None


def test_online_places_cannot_go_below_those_taken(client, owner, seminar):
    refused = edit_event(client, seminar.id, online_capacity="1")
    assert "2 people already have a place. Enter 2 or more." in text_of(refused)


def test_counts_list_and_check_in_show_each_mode(client, seminar):
    page = text_of(client.get(f"/organiser/events/{seminar.id}/attendees"))
    assert "Places by way of taking part" in page
    assert "In person 1 1 1" in page  # confirmed, places, waiting
    assert "Online 2 No limit 0" in page
    assert "Anna Salinen anna@example.fi Hämeen Setlementti ry Confirmed In person" in page
    assert "Olli Ruutu olli@example.fi Hämeen Setlementti ry Confirmed Online" in page

    overview = text_of(client.get(f"/organiser/events/{seminar.id}"))
    assert "Confirmed 3 Waiting list 1" in overview
    assert "In person 1 1 1" in overview and "Online 2 No limit 0" in overview
    public = text_of(client.get(f"/events/{seminar.slug}"))
    assert "Places In person: Full · Online: Places available" in public

    check_in = text_of(client.get(f"/organiser/events/{seminar.id}/check-in"))
    assert "Anna Salinen In person" in check_in and "Olli Ruutu Online" in check_in


def test_the_door_list_has_only_those_coming_in_person(client, seminar):
    page = text_of(client.get(f"/organiser/events/{seminar.id}/door-list"))

    assert "1 person with a place" in page
    assert "Anna Salinen" in page
    assert "Olli Ruutu" not in page and "Veikko" not in page


def test_downloads_show_the_mode_of_each_person(client, seminar):
    url = f"/organiser/events/{seminar.id}/attendees"
    rows = list(
        csv.reader(
            io.StringIO(client.get(url + ".csv").get_data().decode("utf-8-sig")), delimiter=";"
        )
    )
    assert rows[0][:8] == [
        "Name",
        "Email",
        "Organisation",
        "Status",
        "Registered",
        "Checked in",
        "Attended",
        "Taking part",
    ]
    assert [(row[0], row[3], row[7]) for row in rows[1:]] == [
        ("Anna Salinen", "Confirmed", "In person"),
        ("Olli Ruutu", "Confirmed", "Online"),
        ("Outi Verkko", "Confirmed", "Online"),
        ("Veikko Jonottaja", "Waiting list", "In person"),
    ]
    sheet = openpyxl.load_workbook(io.BytesIO(client.get(url + ".xlsx").get_data())).active
    assert [row[7] for row in sheet.iter_rows(values_only=True)] == [r[7] for r in rows]


def test_a_person_added_by_an_organiser_takes_part_in_the_mode_chosen(client, seminar):
    url = f"/organiser/events/{seminar.id}/attendees/new"
    person = {"name": "Pirkko Puhelin", "email": "pirkko@example.fi", "locale": "fi"}
    assert "How they take part" in text_of(client.get(url))
    unchosen = submit(client, url, person, follow_redirects=True)
    assert "Choose whether you take part in person or online" in text_of(unchosen)

    submit(client, url, person | {"mode": "online", "send_mail": "y"}, follow_redirects=True)

    db.session.expire_all()
    added = db.session.scalar(sa.select(Registration).where(Registration.name == "Pirkko Puhelin"))
    assert (added.status, added.mode) == ("confirmed", "online")


@pytest.mark.parametrize(
    ("mode", "people"),
    [
        ("online", ["olli@example.fi", "outi@example.fi"]),
        ("in_person", ["anna@example.fi"]),
        ("both", ["anna@example.fi", "olli@example.fi", "outi@example.fi"]),
    ],
)
def test_a_message_goes_to_those_in_person_online_or_both(
    client, app, mailbox, seminar, mode, people
):
    deliver_mail(app)
    mailbox.clear()
    page = submit(client, new_message_url(seminar), message(mode=mode))
    assert "Check your message" in text_of(page)
    assert form_values(page, "body")["mode"] == mode

    confirm(client, seminar, page)

    recipients = db.session.scalars(
        sa.select(OutboundEmail.recipient)
        .where(OutboundEmail.kind == "organiser_message")
        .order_by(OutboundEmail.recipient)
    ).all()
    assert recipients == people
    deliver_mail(app)
    for address in people:
        [sent] = mailbox.to(address)
        assert (JOIN_LINK in mailbox.text(sent)) == (address != "anna@example.fi")
