"""Signing up for an open event, as a participant sees it: pages and emails."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import Event, OutboundEmail, Registration, RegistrationStatus
from app.signup import services
from tests.conftest import (
    COFFEE_QUESTION,
    DIET_QUESTION,
    csrf_token_in,
    deliver_mail,
    link_in,
    sign_up,
    submit,
    text_of,
)


@pytest.mark.both_databases
def test_sign_up_confirms_a_place_and_emails_a_manage_link(client, app, make_event, mailbox):
    event = make_event(capacity=10, questions=[DIET_QUESTION])
    diet_field = f"q_{event.questions[0].id}"

    page = sign_up(client, event, **{diet_field: "gluteeniton"})

    assert page.status_code == 200
    assert "You are registered" in text_of(page)
    assert deliver_mail(app) == 1
    [message] = mailbox.to("sara@example.fi")
    assert event.title in message["Subject"]
    assert "Your place is confirmed" in mailbox.text(message)
    manage = client.get(link_in(message, "/manage/"))
    assert "Confirmed: you have a place" in text_of(manage)
    assert "gluteeniton" in manage.get_data(as_text=True)


@pytest.mark.both_databases
def test_full_event_puts_the_next_person_on_the_waiting_list_with_position(client, make_event):
    event = make_event(capacity=1)
    sign_up(client, event, email="first@example.fi")
    sign_up(client, event, email="second@example.fi")

    page = sign_up(client, event, email="third@example.fi")

    assert "You are on the waiting list" in text_of(page)
    assert "Your place in the queue: 2" in text_of(page)


@pytest.mark.both_databases
def test_full_event_without_waiting_list_says_it_is_full_and_saves_nothing(client, make_event):
    event = make_event(capacity=1, waiting_list=False)
    form = client.get(f"/events/{event.slug}/register")  # opened while the place was free
    sign_up(client, event, email="first@example.fi")
    emails_before = db.session.scalar(sa.select(sa.func.count(OutboundEmail.id)))

    page = client.post(
        f"/events/{event.slug}/register",
        data={
            "csrf_token": csrf_token_in(form.get_data(as_text=True)),
            "name": "Pekka Virtanen",
            "email": "second@example.fi",
            "consent": "y",
        },
    )

    assert page.status_code == 409
    assert "The event is full" in text_of(page)
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 1
    assert db.session.scalar(sa.select(sa.func.count(OutboundEmail.id))) == emails_before


@pytest.mark.both_databases
def test_signing_up_twice_creates_nothing_and_reveals_nothing(client, app, make_event, mailbox):
    event = make_event(capacity=10)
    sign_up(client, event)
    deliver_mail(app)
    mailbox.clear()

    again = sign_up(client, event, email="SARA@example.fi ", name="Someone Else")

    shown = text_of(again)
    assert "Check your email" in shown
    assert "already" not in shown.lower()
    assert "You are registered" not in shown
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 1
    deliver_mail(app)
    [message] = mailbox.to("sara@example.fi")
    assert "You are already registered" in message["Subject"]
    assert "/manage/" in mailbox.text(message)


@pytest.mark.both_databases
def test_signing_up_again_takes_no_seat(client, make_event):
    event = make_event(capacity=2)
    sign_up(client, event)

    sign_up(client, event, email="sara@example.fi")
    second = sign_up(client, event, email="pekka@example.fi")
    third = sign_up(client, event, email="liisa@example.fi")

    assert "You are registered" in text_of(second)
    assert "You are on the waiting list" in text_of(third)
    statuses = db.session.scalars(sa.select(Registration.status).order_by(Registration.id))
    assert list(statuses) == [RegistrationStatus.CONFIRMED] * 2 + [RegistrationStatus.WAITING]


def _seats_taken_meanwhile(event, confirmed: int) -> None:
    """Another sign-up or cancellation changes the seat count after the event was read:
    the loaded event still shows the old count."""
    events = Event.__table__
    db.session.execute(
        sa.update(events).where(events.c.id == event.id).values(confirmed_count=confirmed)
    )


def _sign_up_sara(event):
    return services.register_for_event(
        event, name="Sara", email="sara@example.fi", organisation="", answers={}, locale="fi"
    )


def _planned_mail(registration_id: int) -> list[str]:
    return sorted(
        db.session.scalars(
            sa.select(OutboundEmail.kind).where(OutboundEmail.registration_id == registration_id)
        )
    )


@pytest.mark.both_databases
def test_the_last_seat_taken_after_the_event_was_read_means_the_waiting_list(
    app, database_url, make_event
):
    event = make_event(capacity=1)
    assert event.seats_left == 1
    _seats_taken_meanwhile(event, 1)

    result = _sign_up_sara(event)
    db.session.commit()

    assert result.registration.status == RegistrationStatus.WAITING
    assert _planned_mail(result.registration_id) == ["registration_waiting"]  # no reminder
    assert db.session.get(Event, event.id).confirmed_count == 1


@pytest.mark.both_databases
def test_a_seat_freed_after_the_event_was_read_goes_to_the_newcomer(app, database_url, make_event):
    event = make_event(capacity=1)
    _sign_up_sara(event)
    db.session.commit()
    assert event.seats_left == 0
    _seats_taken_meanwhile(event, 0)  # say, Sara's place was cancelled and no one waited

    result = services.register_for_event(
        event, name="Pekka", email="pekka@example.fi", organisation="", answers={}, locale="fi"
    )
    db.session.commit()

    assert result.registration.status == RegistrationStatus.CONFIRMED
    assert _planned_mail(result.registration_id) == ["registration_confirmed", "reminder"]
    assert db.session.get(Event, event.id).confirmed_count == 1


@pytest.mark.both_databases
def test_the_last_seat_taken_after_the_read_without_a_waiting_list_saves_nothing(
    app, database_url, make_event
):
    event = make_event(capacity=1, waiting_list=False)
    _seats_taken_meanwhile(event, 1)
    db.session.commit()

    with pytest.raises(services.EventFull):
        _sign_up_sara(event)
    db.session.rollback()

    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(OutboundEmail.id))) == 0


def test_a_registered_person_sending_the_form_to_a_full_event_is_told_by_email_not_full(
    client, app, make_event, mailbox
):
    event = make_event(capacity=1, waiting_list=False)
    form = client.get(f"/events/{event.slug}/register")  # opened while the place was free
    sign_up(client, event)
    deliver_mail(app)
    mailbox.clear()

    again = client.post(
        f"/events/{event.slug}/register",
        data={
            "csrf_token": csrf_token_in(form.get_data(as_text=True)),
            "name": "Sara Löyttyjärvi",
            "email": "sara@example.fi",
            "consent": "y",
        },
        follow_redirects=True,
    )

    assert again.status_code == 200
    assert "Check your email" in text_of(again)
    assert "The event is full" not in text_of(again)
    deliver_mail(app)
    [message] = mailbox.to("sara@example.fi")
    assert "You are already registered" in message["Subject"]


def test_errors_are_listed_at_the_top_and_at_each_field_and_typed_values_stay(client, make_event):
    event = make_event(questions=[COFFEE_QUESTION])

    page = sign_up(client, event, email="not-an-email", name="Matti Meikäläinen", consent="")

    html = page.get_data(as_text=True)
    assert "<title>Error:" in html
    assert "There is a problem" in html
    assert 'href="#email"' in html
    assert "Enter an email address in the correct format" in html
    assert 'value="Matti Meikäläinen"' in html
    assert 'value="not-an-email"' in html
    assert "Confirm that you have read the privacy notice" in html
    assert "Answer this question" in html or "Choose yes or no" in html
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("name", "x" * 201, "Name must be 200 characters or fewer"),
        ("name", "Sara\x00", "Remove the special characters"),
        ("organisation", "Org\x07", "Remove the special characters"),
        ("email", "a" * 250 + "@example.fi", "254 characters or fewer"),
        # Valid, but no mail could reach it: the confirmation would fail unseen.
        ("email", "äiti@example.fi", "Enter an email address without letters like ä or ö"),
    ],
)
def test_bad_input_gets_a_message_at_the_field(client, make_event, field, value, message):
    event = make_event()
    page = sign_up(client, event, **{field: value})
    assert page.status_code == 200
    assert message in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0


def test_sign_up_after_registration_closed_gets_a_clear_page(client, make_event):
    event = make_event(registration_closes_at=clock.now() - timedelta(minutes=1))
    page = client.get(f"/events/{event.slug}/register")
    assert page.status_code == 409
    assert "Registration has closed" in text_of(page)


def test_draft_event_is_not_found(client, make_event):
    event = make_event(published=False)
    assert client.get(f"/events/{event.slug}").status_code == 404
    assert client.get(f"/events/{event.slug}/register").status_code == 404


def test_join_link_never_appears_on_public_pages(client, make_event):
    from app.models import EventFormat

    link = "https://teams.example.invalid/l/meetup-join/secret-room"
    event = make_event(format=EventFormat.ONLINE, venue_name="", join_link=link)
    for path in ("/", f"/events/{event.slug}", f"/events/{event.slug}/register"):
        assert "secret-room" not in client.get(path).get_data(as_text=True)


def test_tampered_manage_token_gets_a_clear_not_found_page(client):
    page = client.get("/manage/" + "A" * 43)
    assert page.status_code == 404
    assert "This link is not valid" in text_of(page)
    assert client.get("/manage/short").status_code == 404


@pytest.mark.both_databases
def test_manage_link_changes_answers(client, app, make_event, mailbox):
    event = make_event(questions=[DIET_QUESTION])
    field = f"q_{event.questions[0].id}"
    sign_up(client, event, **{field: "vegaaninen"})
    deliver_mail(app)
    manage_path = link_in(mailbox.messages[0], "/manage/")
    # Consent was given with the answer: the box comes ticked, and the browser sends it.
    assert re.search(r'id="sensitive_consent"[^>]*checked', client.get(manage_path).text)

    saved = submit(
        client,
        manage_path,
        {"name": "Sara Löyttyjärvi", field: "laktoositon", "sensitive_consent": "y"},
        follow_redirects=True,
    )

    assert "Your details have been saved" in text_of(saved)
    assert 'value="laktoositon"' in saved.get_data(as_text=True)


@pytest.mark.both_databases
def test_cancelling_frees_the_seat_and_promotes_the_first_waiting(client, app, make_event, mailbox):
    event = make_event(capacity=1)
    sign_up(client, event, email="first@example.fi")
    sign_up(client, event, email="second@example.fi")
    sign_up(client, event, email="third@example.fi")
    deliver_mail(app)
    manage_path = link_in(mailbox.to("first@example.fi")[0], "/manage/")
    mailbox.clear()

    done = submit(client, manage_path + "/cancel", {}, follow_redirects=True)

    assert "Your registration has been cancelled" in text_of(done)
    statuses = dict(db.session.execute(sa.select(Registration.email, Registration.status)).all())
    assert statuses == {
        "first@example.fi": RegistrationStatus.CANCELLED,
        "second@example.fi": RegistrationStatus.CONFIRMED,
        "third@example.fi": RegistrationStatus.WAITING,
    }
    deliver_mail(app)
    [promoted] = mailbox.to("second@example.fi")
    assert "you are registered" in promoted["Subject"]
    [cancelled] = mailbox.to("first@example.fi")
    assert "cancelled" in cancelled["Subject"]
    assert "Cancelled" in text_of(client.get(manage_path))
    assert "Cancel my registration" not in text_of(client.get(manage_path))


def test_signup_page_requires_csrf_token(client, make_event):
    event = make_event()
    response = client.post(
        f"/events/{event.slug}/register",
        data={"name": "A", "email": "a@example.fi", "consent": "y"},
    )
    assert response.status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0


@pytest.mark.both_databases
def test_a_name_that_grows_when_normalised_gets_a_message_not_a_crash(client, make_event):
    event = make_event()
    # 150 characters as typed, 300 once composed to NFC: too long for the column.
    page = sign_up(client, event, name="\u0958" * 150)
    assert page.status_code == 200
    assert "Name must be 200 characters or fewer" in page.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0


@pytest.mark.both_databases
def test_a_sensitive_answer_needs_its_own_explicit_consent(client, make_event):
    event = make_event(questions=[DIET_QUESTION])
    field = f"q_{event.questions[0].id}"
    form = client.get(f"/events/{event.slug}/register")
    assert "Sensitive: answered only if you agree below." in text_of(form)

    refused = sign_up(client, event, sensitive_consent="", **{field: "keliakia"})

    assert refused.status_code == 200
    assert 'href="#sensitive_consent"' in refused.text
    assert "Tick this to give your answers to the sensitive questions" in text_of(refused)
    assert 'value="keliakia"' in refused.text  # kept as typed
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0

    # Without an answer to it, taking part needs no such consent.
    done = sign_up(client, event, sensitive_consent="", **{field: ""})
    assert "You are registered" in text_of(done)
    [registration] = db.session.scalars(sa.select(Registration))
    assert registration.sensitive_consent_at is None  # none given, none recorded


def test_the_moment_of_consent_to_sensitive_answers_is_kept_while_they_are(
    client, app, make_event, mailbox
):
    event = make_event(questions=[DIET_QUESTION])
    field = f"q_{event.questions[0].id}"
    before = clock.now()
    sign_up(client, event, **{field: "keliakia"})
    registration = db.session.scalars(sa.select(Registration)).one()
    signed_up_at = registration.sensitive_consent_at
    assert before <= signed_up_at <= clock.now()
    deliver_mail(app)
    manage_path = link_in(mailbox.messages[0], "/manage/")

    clock.travel(clock.now() + timedelta(days=1))
    sara = {"name": "Sara Löyttyjärvi"}
    submit(client, manage_path, sara | {field: "keliakia, laktoositon", "sensitive_consent": "y"})
    db.session.refresh(registration)
    assert registration.sensitive_consent_at == signed_up_at  # the consent first given

    submit(client, manage_path, sara | {field: ""})  # the answer taken back: no consent to keep
    db.session.refresh(registration)
    assert registration.sensitive_consent_at is None
