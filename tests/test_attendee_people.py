"""An organiser adding a person who phoned, editing their details, and the organisers'
private note: the rules, through the Flask test client, on SQLite and PostgreSQL. The
journeys through the real server are in tests/journeys/test_attendee_people.py."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.accounts.services import add_co_organiser
from app.extensions import db
from app.messages.services import plan_message
from app.models import (
    Answer,
    Audience,
    AuditAction,
    AuditEntry,
    EmailStatus,
    OrganiserRole,
    OutboundEmail,
    Registration,
    RegistrationSource,
    RegistrationStatus,
)
from app.privacy.services import erase_person
from tests.conftest import (
    COFFEE_QUESTION,
    DIET_QUESTION,
    deliver_mail,
    link_in,
    sign_up,
    submit,
    text_of,
)
from tests.test_exports import csv_rows, download

pytestmark = pytest.mark.both_databases

NOTE = "Ilmoittautui puhelimessa"


# --- helpers --------------------------------------------------------------------------


def add_url(event) -> str:
    return f"/organiser/events/{event.id}/attendees/new"


def person_url(event, registration_id: int) -> str:
    return f"/organiser/events/{event.id}/attendees/{registration_id}"


def person(event, diet_answer: str = "", **overrides) -> dict:
    """What an organiser types into the add form (no button pressed yet)."""
    answers = {diet(event): diet_answer, coffee(event): "yes"} if event.questions else {}
    return {
        **answers,
        "name": "Pirkko Puhelin",
        "email": "pirkko@example.fi",
        "organisation": "Kylätalo ry",
        "locale": "fi",
        "note": NOTE,
        "send_mail": "y",
        **overrides,
    }


def diet(event) -> str:
    """The sensitive question's field (DIET_QUESTION)."""
    return f"q_{event.questions[0].id}"


def coffee(event) -> str:
    """The required yes/no question's field (COFFEE_QUESTION)."""
    return f"q_{event.questions[1].id}"


def add(client, event, **overrides):
    return submit(client, add_url(event), person(event, **overrides), follow_redirects=True)


def edit(client, event, registration_id: int, **overrides):
    """Send the edit form with the add form's values changed by overrides."""
    typed = {"send_update": "", **person(event, **overrides)}
    del typed["note"], typed["send_mail"]
    typed = {name: value for name, value in typed.items() if value is not None}
    url = person_url(event, registration_id) + "/edit"
    return submit(client, url, typed, follow_redirects=True)


def registrations(event) -> list[Registration]:
    db.session.rollback()
    return list(
        db.session.scalars(
            sa.select(Registration).where(Registration.event_id == event.id).order_by("id")
        )
    )


def mail_about(registration_id: int) -> list[OutboundEmail]:
    db.session.rollback()
    return list(
        db.session.scalars(
            sa.select(OutboundEmail).where(OutboundEmail.registration_id == registration_id)
        )
    )


def audit_lines(action: AuditAction) -> list[str]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(AuditEntry.detail).where(AuditEntry.action == action)))


@pytest.fixture
def owner(make_organiser):
    return make_organiser(email="owner@example.fi", name="Olli Omistaja")


@pytest.fixture
def event(make_event, owner):
    return make_event(owner, capacity=2, questions=[DIET_QUESTION, COFFEE_QUESTION])


@pytest.fixture
def signed_in(client, login, owner):
    login(owner)
    return client


# --- adding ---------------------------------------------------------------------------


def test_a_person_added_by_phone_gets_a_place_and_the_confirmation_with_a_manage_link(
    app, signed_in, event, mailbox
):
    page = add(signed_in, event)

    assert "Added: confirmed" in text_of(page)
    assert "Pirkko Puhelin" in text_of(page)
    [added] = registrations(event)
    assert added.status == RegistrationStatus.CONFIRMED
    assert added.source == RegistrationSource.ORGANISER
    assert added.note == NOTE
    deliver_mail(app)
    [message] = mailbox.to("pirkko@example.fi")
    assert NOTE not in mailbox.text(message) and NOTE not in mailbox.html(message)
    # Not "thank you for signing up": the person did not fill in the form.
    assert "Järjestäjät ovat ilmoittaneet sinut tähän tapahtumaan." in mailbox.text(message)
    assert "Kiitos ilmoittautumisesta" not in mailbox.text(message)
    manage = signed_in.get(link_in(message, "/manage/")).get_data(as_text=True)
    assert 'value="Pirkko Puhelin"' in manage
    assert NOTE not in manage
    # The log names the registration, not the person.
    assert audit_lines(AuditAction.ADDED_PERSON) == [f"registration {added.id}"]


def test_people_without_an_address_are_listed_and_sent_nothing(app, signed_in, event, mailbox):
    add(signed_in, event, email="", name="Eino Ilman")
    page = add(signed_in, event, email="", name="Elli Ilman", send_mail="y")

    assert "Added: confirmed" in text_of(page)
    first, second = registrations(event)
    assert (first.email, second.email) == ("", "")
    assert mail_about(first.id) == [] and mail_about(second.id) == []
    listed = text_of(signed_in.get(f"/organiser/events/{event.id}/attendees"))
    assert "Eino Ilman" in listed and "Elli Ilman" in listed
    assert "No email address" in text_of(signed_in.get(person_url(event, first.id)))


def test_not_emailing_the_person_writes_no_mail_at_all(signed_in, event):
    page = add(signed_in, event, send_mail="")

    assert "Added: confirmed" in text_of(page)
    [added] = registrations(event)
    assert added.email == "pirkko@example.fi"
    assert mail_about(added.id) == []


def test_a_full_event_puts_the_person_on_the_waiting_list_with_their_position(signed_in, event):
    add(signed_in, event, email="a@example.fi", name="A")
    add(signed_in, event, email="b@example.fi", name="B")
    add(signed_in, event, email="c@example.fi", name="C")
    page = add(signed_in, event, email="d@example.fi", name="D")

    assert "Added to the waiting list, position 2" in text_of(page)
    assert [r.status for r in registrations(event)][-1] == RegistrationStatus.WAITING


def test_a_full_event_without_a_waiting_list_takes_no_one_and_writes_nothing(
    signed_in, make_event, owner
):
    event = make_event(owner, capacity=1, waiting_list=False)
    add(signed_in, event, email="a@example.fi")
    page = add(signed_in, event, email="b@example.fi", name="Bertta")

    assert page.status_code == 409
    assert "The event is full and has no waiting list" in text_of(page)
    assert 'value="Bertta"' in page.get_data(as_text=True)  # typed values kept
    assert [r.email for r in registrations(event)] == ["a@example.fi"]


def test_an_organiser_may_add_after_the_sign_up_closes_but_not_to_a_cancelled_event(
    signed_in, make_event, owner
):
    closed = make_event(owner, registration_closes_at=clock.now() + timedelta(minutes=1))
    clock.travel(clock.now() + timedelta(hours=1))
    assert "Added: confirmed" in text_of(add(signed_in, closed))

    from app.organiser.services import cancel_event

    cancelled = make_event(owner)
    cancel_event(cancelled)
    db.session.commit()
    page = add(signed_in, cancelled)
    assert page.status_code == 409
    assert "not cancelled" in text_of(page)
    assert registrations(cancelled) == []


def test_an_address_already_registered_is_refused_at_its_field_with_a_link_to_them(
    signed_in, event
):
    sign_up(signed_in, event, email="Sara@Example.fi", **{coffee(event): "yes"})
    [sara] = registrations(event)

    page = add(signed_in, event, email="sara@example.fi")

    assert page.status_code == 409
    html = page.get_data(as_text=True)
    assert "Someone with this email address is already registered" in text_of(page)
    assert f'href="{person_url(event, sara.id)}"' in html
    assert len(registrations(event)) == 1


def test_sensitive_answers_are_kept_only_when_the_person_agreed(signed_in, event):
    add(signed_in, event, email="ei@example.fi", diet_answer="gluteeniton")
    add(
        signed_in, event, email="kylla@example.fi", diet_answer="laktoositon", sensitive_consent="y"
    )

    without, with_consent = registrations(event)
    question = event.questions[0].id
    answers = dict(
        db.session.execute(
            sa.select(Answer.registration_id, Answer.value).where(Answer.question_id == question)
        ).all()
    )
    assert answers.get(without.id) in ("", None)
    assert without.sensitive_consent_at is None
    assert answers[with_consent.id] == "laktoositon"
    assert with_consent.sensitive_consent_at is not None


def test_a_check_in_helper_cannot_add_or_open_people(client, login, make_organiser, event):
    helper = make_organiser(email="helper@example.fi", name="Heli Apuri")
    add_co_organiser(event, "helper@example.fi", OrganiserRole.HELPER)
    db.session.commit()
    login(helper)

    assert client.get(add_url(event)).status_code == 404
    assert client.get(person_url(event, 1)).status_code == 404


def test_a_co_organiser_can_add_people(client, login, make_organiser, event):
    co = make_organiser(email="co@example.fi", name="Kaisa Kanssa")
    add_co_organiser(event, "co@example.fi")
    db.session.commit()
    login(co)

    assert "Added: confirmed" in text_of(add(client, event))


@pytest.mark.parametrize(
    "typed, message",
    [
        ({"name": ""}, "Enter the person's full name"),
        ({"name": "x" * 201}, "Name must be 200 characters or fewer"),
        ({"email": "ei osoite"}, "Enter an email address in the correct format"),
        ({"note": "x" * 1001}, "Note must be 1000 characters or fewer"),
        ({"note": "nolla\x00tavu"}, "Remove the special characters"),
        ({"locale": "de"}, "Choose the language of their email"),
        ({"coffee": "maybe"}, "Choose yes or no"),
    ],
)
def test_wrong_input_is_told_at_its_field_and_nothing_is_written(signed_in, event, typed, message):
    if "coffee" in typed:
        typed = {coffee(event): typed["coffee"]}
    page = submit(signed_in, add_url(event), person(event, **typed))

    assert page.status_code == 200
    assert message in text_of(page)
    assert "Error:" in text_of(page)
    assert registrations(event) == []


# --- the person's page and editing ----------------------------------------------------


def test_the_person_page_hides_sensitive_answers_until_asked_and_logs_each_look(signed_in, event):
    add(signed_in, event, diet_answer="gluteeniton", sensitive_consent="y")
    [added] = registrations(event)

    page = signed_in.get(person_url(event, added.id))
    assert page.headers["Cache-Control"] == "no-store"
    shown = text_of(page)
    assert "gluteeniton" not in shown and "Sensitive: not shown" in shown
    assert NOTE in shown
    asked = text_of(signed_in.get(person_url(event, added.id) + "?sensitive=1"))
    assert "gluteeniton" in asked
    assert audit_lines(AuditAction.VIEWED_ATTENDEES)[-2:] == [
        f"registration {added.id}",
        f"registration {added.id} sensitive",
    ]


def test_a_corrected_name_shows_on_the_participants_own_page_at_once(
    app, signed_in, event, mailbox
):
    add(signed_in, event, name="Pirko Puhelin")
    [added] = registrations(event)
    deliver_mail(app)
    manage = link_in(mailbox.to("pirkko@example.fi")[0], "/manage/")

    page = edit(signed_in, event, added.id, name="Pirkko Puhelin")

    assert "Saved the changes." in text_of(page)
    assert 'value="Pirkko Puhelin"' in signed_in.get(manage).get_data(as_text=True)
    assert audit_lines(AuditAction.EDITED_PERSON) == [f"registration {added.id}"]
    deliver_mail(app)
    assert len(mailbox.to("pirkko@example.fi")) == 1  # "email their details" was off


def test_a_new_address_keeps_the_manage_link_and_takes_over_the_mail_to_come(
    app, signed_in, event, mailbox
):
    add(signed_in, event)
    [added] = registrations(event)
    deliver_mail(app)
    manage = link_in(mailbox.to("pirkko@example.fi")[0], "/manage/")

    edit(signed_in, event, added.id, email="pirkko.uusi@example.fi", send_update="y")

    assert "pirkko.uusi@example.fi" in text_of(signed_in.get(manage))
    reminders = [m for m in mail_about(added.id) if m.kind == "reminder"]
    assert reminders and {m.recipient for m in reminders} == {"pirkko.uusi@example.fi"}
    deliver_mail(app)
    [told] = mailbox.to("pirkko.uusi@example.fi")
    assert told["Subject"].startswith("Tietojasi päivitettiin")  # in their language
    assert "pirkko.uusi@example.fi" in mailbox.text(told)


def test_an_address_another_person_has_is_refused_when_editing(signed_in, event):
    add(signed_in, event, email="eka@example.fi", name="Eka")
    add(signed_in, event, email="toka@example.fi", name="Toka")
    first, second = registrations(event)

    page = edit(signed_in, event, second.id, email="EKA@example.fi")

    assert page.status_code == 409
    assert "Someone with this email address is already registered" in text_of(page)
    assert registrations(event)[1].email == "toka@example.fi"


def test_removing_an_address_skips_the_mail_still_to_come(signed_in, event):
    add(signed_in, event)
    [added] = registrations(event)

    edit(signed_in, event, added.id, email="")

    pending = [m for m in mail_about(added.id) if m.status == EmailStatus.PENDING]
    assert pending == []


def test_unticking_the_consent_clears_the_sensitive_answers(signed_in, event):
    add(signed_in, event, diet_answer="gluteeniton", sensitive_consent="y")
    [added] = registrations(event)

    edit(signed_in, event, added.id, diet_answer="gluteeniton")

    [edited] = registrations(event)
    assert edited.sensitive_consent_at is None
    assert {a.question_id: a.value for a in edited.answers}.get(event.questions[0].id) in ("", None)


# --- the note -------------------------------------------------------------------------


def test_the_note_is_on_the_list_and_in_downloads_only_when_asked_for(signed_in, event):
    add(signed_in, event)
    sign_up(signed_in, event, email="sara@example.fi", **{coffee(event): "yes"})
    [added, _sara] = registrations(event)
    submit(
        signed_in,
        person_url(event, added.id) + "/note",
        {"note": "Pyörätuoli; =tarkista"},
        form_page=person_url(event, added.id),
    )

    listed = text_of(signed_in.get(f"/organiser/events/{event.id}/attendees"))
    assert "Pyörätuoli; =tarkista" in listed
    _, plain = download(signed_in, f"/organiser/events/{event.id}/attendees.csv")
    rows = csv_rows(plain)
    assert len(rows) == 3
    assert all("Pyörätuoli" not in cell for row in rows for cell in row)
    _, noted = download(signed_in, f"/organiser/events/{event.id}/attendees.csv?notes=1")
    header, *people = csv_rows(noted)
    assert header[-1] == "Notes"
    assert [row[-1] for row in people] == ["Pyörätuoli; =tarkista", ""]
    assert audit_lines(AuditAction.CHANGED_NOTE) == [f"registration {added.id}"]


def test_the_note_is_erased_with_the_person(signed_in, event):
    add(signed_in, event)

    erase_person("pirkko@example.fi")
    db.session.commit()

    [erased] = registrations(event)
    assert (erased.name, erased.note) == ("", "")


def test_organiser_messages_go_only_to_people_with_an_address(
    app, signed_in, event, owner, mailbox
):
    add(signed_in, event, email="", name="Eino Ilman")
    add(signed_in, event, name="Pirkko Puhelin")
    db.session.rollback()
    batch = plan_message(event, owner, Audience.CONFIRMED, "Tervetuloa", "Nähdään!", None)
    db.session.commit()

    recipients = {
        m.recipient
        for m in db.session.scalars(
            sa.select(OutboundEmail).where(OutboundEmail.batch_id == batch.id)
        )
    }
    assert recipients == {"pirkko@example.fi"}


def test_a_message_group_of_people_without_an_address_counts_as_empty(signed_in, event):
    from app.messages.services import audience_sizes

    add(signed_in, event, email="", name="Eino Ilman")
    db.session.rollback()
    assert audience_sizes(event)[Audience.CONFIRMED] == 0
    add(signed_in, event, name="Pirkko Puhelin")
    db.session.rollback()
    assert audience_sizes(event)[Audience.CONFIRMED] == 1


def test_no_mail_path_writes_a_message_to_a_person_without_an_address(signed_in, make_event, owner):
    """enrol itself, promotion from the waiting list, and the event's cancellation."""
    from app.organiser.services import cancel_event
    from app.places.services import cancel_registration
    from app.signup.services import enrol

    event = make_event(owner, capacity=1)
    first = enrol(
        event,
        name="Eka",
        email="eka@example.fi",
        organisation="",
        answers={},
        locale="fi",
        source=RegistrationSource.ORGANISER,
    ).registration
    waiting = enrol(
        event,
        name="Eino Ilman",
        email="",
        organisation="",
        answers={},
        locale="fi",
        source=RegistrationSource.ORGANISER,
        send_mail=True,
    ).registration
    db.session.commit()
    assert waiting.status == RegistrationStatus.WAITING
    cancel_registration(first)
    db.session.commit()
    assert waiting.status == RegistrationStatus.CONFIRMED
    cancel_event(event)
    db.session.commit()

    assert mail_about(waiting.id) == []
    assert {m.kind for m in mail_about(first.id)} >= {"registration_confirmed"}


def test_a_note_too_long_is_told_at_its_field_and_the_page_still_shows_the_person(signed_in, event):
    add(signed_in, event, organisation="Kylätalo ry")
    [added] = registrations(event)

    page = submit(
        signed_in,
        person_url(event, added.id) + "/note",
        {"note": "x" * 1001},
        form_page=person_url(event, added.id),
    )

    assert page.status_code == 200
    shown = text_of(page)
    assert "Error:" in shown and "Note must be 1000 characters or fewer" in shown
    assert "Kylätalo ry" in shown and "Yes" in shown  # the coffee answer, not "Not answered"
    assert registrations(event)[0].note == NOTE
