"""An organiser cancels registrations, moves people from the waiting list (past the
capacity only when confirmed) and sends a confirmation again: the rules, as an organiser
sees them through the test client, on SQLite and PostgreSQL."""

import pytest
import sqlalchemy as sa

from app.accounts.services import add_co_organiser
from app.extensions import db
from app.models import (
    AuditAction,
    AuditEntry,
    Event,
    OrganiserRole,
    OutboundEmail,
    Registration,
    RegistrationStatus,
)
from app.organiser.services import cancel_event
from app.places import services as places
from app.signup import services
from tests.conftest import csrf_token_in, deliver_mail, link_in, submit, text_of

pytestmark = pytest.mark.both_databases
CONFIRMED = RegistrationStatus.CONFIRMED
WAITING = RegistrationStatus.WAITING
CANCELLED = RegistrationStatus.CANCELLED


@pytest.fixture
def owner(make_organiser):
    return make_organiser(email="olli@example.fi")


@pytest.fixture
def full_event(make_event, owner):
    """Two places, two confirmed (Aino, Pekka) and two waiting (Sara, Kalle)."""
    event = make_event(owner, capacity=2)
    for name in ("Aino", "Pekka", "Sara", "Kalle"):
        services.register_for_event(
            event,
            name=name,
            email=f"{name.lower()}@example.fi",
            organisation="",
            answers={},
            locale="en",
        )
    db.session.commit()
    return event


def person(event: Event, name: str) -> Registration:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(Registration).where(Registration.event_id == event.id, Registration.name == name)
    )


def confirmed_rows(event: Event) -> int:
    db.session.expire_all()
    return db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.event_id == event.id, Registration.status == CONFIRMED
        )
    )


def seat_count(event: Event) -> int:
    db.session.expire_all()
    return db.session.get(Event, event.id).confirmed_count


def mail_kinds(registration: Registration) -> list[str]:
    return sorted(
        db.session.scalars(
            sa.select(OutboundEmail.kind).where(
                OutboundEmail.registration_id == registration.id,
                OutboundEmail.kind != "reminder",
            )
        )
    )


def audit_lines(action: AuditAction) -> list[str]:
    return list(
        db.session.scalars(
            sa.select(AuditEntry.detail).where(AuditEntry.action == action).order_by(AuditEntry.id)
        )
    )


def base(event: Event) -> str:
    return f"/organiser/events/{event.id}/attendees"


def cancel(client, event, *people, tell="yes"):
    url = f"{base(event)}/cancel?" + "&".join(f"person={p.id}" for p in people)
    return submit(client, url, {"tell": tell}, follow_redirects=True)


def move(client, event, *people):
    """Open the move page and confirm what it says; returns the page that followed."""
    url = f"{base(event)}/move?" + "&".join(f"person={p.id}" for p in people)
    page = client.get(url)
    html = page.get_data(as_text=True)
    over = html.split('name="over" type="hidden" value="')[1].split('"')[0]
    data = {"csrf_token": csrf_token_in(html), "over": over}
    return client.post(url, data=data, follow_redirects=True)


def test_cancel_with_email_promotes_the_first_waiting_and_mails_both(
    client, login, owner, full_event, mailbox
):
    login(owner)
    aino = person(full_event, "Aino")
    page = client.get(f"{base(full_event)}/cancel?person={aino.id}")
    assert "Cancel 1 registration?" in text_of(page)
    assert "Aino (aino@example.fi)" in text_of(page)

    shown = cancel(client, full_event, aino)
    assert "1 registration cancelled; the person is told by email." in text_of(shown)
    assert person(full_event, "Aino").status == CANCELLED
    assert person(full_event, "Sara").status == CONFIRMED  # first in the queue
    assert person(full_event, "Kalle").status == WAITING
    assert seat_count(full_event) == confirmed_rows(full_event) == 2
    assert mail_kinds(person(full_event, "Aino")) == [
        "registration_cancelled",
        "registration_confirmed",
    ]
    assert mail_kinds(person(full_event, "Sara")) == [
        "registration_promoted",
        "registration_waiting",
    ]
    # The id, not the name, in the audit log.
    assert audit_lines(AuditAction.CANCELLED_REGISTRATION) == [f"registration {aino.id}"]


def test_cancel_without_email_sends_nothing_to_the_person(client, login, owner, full_event):
    login(owner)
    kalle = person(full_event, "Kalle")
    shown = cancel(client, full_event, kalle, tell="no")
    assert "1 registration cancelled without an email." in text_of(shown)
    assert mail_kinds(person(full_event, "Kalle")) == ["registration_waiting"]
    assert audit_lines(AuditAction.CANCELLED_REGISTRATION) == [
        f"registration {kalle.id}: not emailed"
    ]


def test_the_email_choice_is_required_and_says_so_at_the_field(client, login, owner, full_event):
    login(owner)
    aino = person(full_event, "Aino")
    url = f"{base(full_event)}/cancel?person={aino.id}"
    page = client.get(url)
    assert 'value="yes"\n               checked' in page.get_data(as_text=True)  # the default
    answer = client.post(url, data={"csrf_token": csrf_token_in(page.get_data(as_text=True))})
    assert answer.status_code == 200
    assert "There is a problem" in text_of(answer)
    assert "Choose whether to email them" in text_of(answer)
    assert person(full_event, "Aino").status == CONFIRMED


def test_bulk_cancel_lists_everyone_chosen_and_cancels_them_all(client, login, owner, full_event):
    login(owner)
    aino, pekka, sara = (person(full_event, n) for n in ("Aino", "Pekka", "Sara"))
    page = client.get(
        f"{base(full_event)}/cancel?person={aino.id}&person={pekka.id}&person={sara.id}"
    )
    assert "Cancel 3 registrations?" in text_of(page)
    shown = cancel(client, full_event, aino, pekka, sara)
    assert "3 registrations cancelled; each person is told by email." in text_of(shown)
    assert [person(full_event, n).status for n in ("Aino", "Pekka", "Sara", "Kalle")] == [
        CANCELLED,
        CANCELLED,
        CANCELLED,
        CONFIRMED,  # the only one left waiting got a freed place
    ]
    assert seat_count(full_event) == confirmed_rows(full_event) == 1


def test_cancelling_twice_says_it_is_already_cancelled(client, login, owner, full_event):
    login(owner)
    aino = person(full_event, "Aino")
    url = f"{base(full_event)}/cancel?person={aino.id}"
    token = csrf_token_in(client.get(url).get_data(as_text=True))
    first = client.post(url, data={"csrf_token": token, "tell": "yes"})
    again = client.post(url, data={"csrf_token": token, "tell": "yes"}, follow_redirects=True)
    assert first.status_code == 303
    assert "Already cancelled: nothing changed." in text_of(again)
    assert seat_count(full_event) == confirmed_rows(full_event) == 2
    assert mail_kinds(person(full_event, "Aino")).count("registration_cancelled") == 1


def test_move_within_capacity_needs_no_over_capacity_confirmation(client, login, owner, make_event):
    event = make_event(owner, capacity=1)
    for name in ("Aino", "Kalle"):
        services.register_for_event(
            event, name=name, email=f"{name}@example.fi", organisation="", answers={}, locale="fi"
        )
    event.capacity = 2  # a place more, changed here without promoting anyone
    db.session.commit()
    login(owner)
    kalle = person(event, "Kalle")
    assert kalle.status == WAITING
    page = client.get(f"{base(event)}/move?person={kalle.id}")
    assert "Move 1 person to confirmed?" in text_of(page)
    assert "over" not in text_of(page).split("Move 1 person to confirmed?")[1].split("No,")[0]
    shown = move(client, event, kalle)
    assert "1 person moved from the waiting list" in text_of(shown)
    assert person(event, "Kalle").status == CONFIRMED
    assert seat_count(event) == confirmed_rows(event) == 2
    assert audit_lines(AuditAction.MOVED_FROM_WAITING_LIST) == [f"registration {kalle.id}"]
    assert "registration_promoted" in mail_kinds(person(event, "Kalle"))


def test_move_over_capacity_says_by_how_much_and_is_recorded(client, login, owner, full_event):
    login(owner)
    kalle = person(full_event, "Kalle")
    page = client.get(f"{base(full_event)}/move?person={kalle.id}")
    assert "This makes 3 confirmed for 2 places: 1 over." in text_of(page)
    shown = move(client, full_event, kalle)
    assert "1 person moved from the waiting list" in text_of(shown)
    assert person(full_event, "Kalle").status == CONFIRMED
    assert seat_count(full_event) == confirmed_rows(full_event) == 3
    assert audit_lines(AuditAction.MOVED_OVER_CAPACITY) == [
        f"registration {kalle.id}: over capacity by 1"
    ]
    assert "registration_promoted" in mail_kinds(person(full_event, "Kalle"))
    reminders = db.session.scalar(
        sa.select(sa.func.count(OutboundEmail.id)).where(
            OutboundEmail.registration_id == kalle.id, OutboundEmail.kind == "reminder"
        )
    )
    assert reminders == 1

    # Over the capacity, a cancellation frees no place for the one still waiting.
    places.cancel_registration(person(full_event, "Aino"))
    db.session.commit()
    assert person(full_event, "Sara").status == WAITING
    assert seat_count(full_event) == confirmed_rows(full_event) == 2


def test_an_over_capacity_move_is_never_made_without_its_confirmation(
    client, login, owner, full_event
):
    login(owner)
    kalle = person(full_event, "Kalle")
    url = f"{base(full_event)}/move?person={kalle.id}"
    token = csrf_token_in(client.get(url).get_data(as_text=True))
    # A post that agreed to no overbooking (as if sent from an older page) is asked again.
    answer = client.post(url, data={"csrf_token": token, "over": "0"})
    assert answer.status_code == 200
    assert "The numbers changed while you were on this page." in text_of(answer)
    assert "This makes 3 confirmed for 2 places: 1 over." in text_of(answer)
    assert person(full_event, "Kalle").status == WAITING
    assert seat_count(full_event) == 2


def test_bulk_move_fits_the_first_in_queue_and_asks_for_the_rest(client, login, owner, make_event):
    event = make_event(owner, capacity=3)
    for n in range(6):
        services.register_for_event(
            event, name=f"P{n}", email=f"p{n}@example.fi", organisation="", answers={}, locale="en"
        )
    db.session.commit()
    places.cancel_registration(person(event, "P0"))  # P3 moves up; one free place is gone
    db.session.commit()
    event = db.session.get(Event, event.id)
    event.capacity = 4  # one place free now, P4 and P5 waiting
    db.session.commit()
    login(owner)
    p4, p5 = person(event, "P4"), person(event, "P5")
    page = client.get(f"{base(event)}/move?person={p5.id}&person={p4.id}")
    text = text_of(page)
    assert "Move 2 people to confirmed?" in text
    assert "This makes 5 confirmed for 4 places: 1 over." in text
    assert "1 of them fits within the places (the first in the queue)." in text
    move(client, event, p4, p5)
    assert seat_count(event) == confirmed_rows(event) == 5
    assert audit_lines(AuditAction.MOVED_FROM_WAITING_LIST) == [f"registration {p4.id}"]
    assert audit_lines(AuditAction.MOVED_OVER_CAPACITY) == [
        f"registration {p5.id}: over capacity by 1"
    ]


def test_bulk_move_of_only_those_who_fit_moves_the_first_in_queue(client, login, owner, make_event):
    event = make_event(owner, capacity=1)
    for n in range(3):
        services.register_for_event(
            event, name=f"P{n}", email=f"p{n}@example.fi", organisation="", answers={}, locale="en"
        )
    event.capacity = 2  # one place free, P1 and P2 waiting
    db.session.commit()
    login(owner)
    p1, p2 = person(event, "P1"), person(event, "P2")
    url = f"{base(event)}/move?person={p1.id}&person={p2.id}"
    html = client.get(url).get_data(as_text=True)
    assert "This makes 3 confirmed for 2 places: 1 over." in text_of(client.get(url))
    assert "Move only the 1 who fits" in html
    data = {"csrf_token": csrf_token_in(html), "over": "1", "within": "1"}
    shown = client.post(url, data=data, follow_redirects=True)
    assert "1 person moved from the waiting list" in text_of(shown)
    assert [person(event, n).status for n in ("P1", "P2")] == [CONFIRMED, WAITING]
    assert seat_count(event) == confirmed_rows(event) == 2
    assert audit_lines(AuditAction.MOVED_OVER_CAPACITY) == []


def test_moving_someone_no_longer_waiting_is_refused_clearly(client, login, owner, full_event):
    login(owner)
    sara = person(full_event, "Sara")
    url = f"{base(full_event)}/move?person={sara.id}"
    token = csrf_token_in(client.get(url).get_data(as_text=True))
    places.cancel_registration(person(full_event, "Aino"))  # Sara moves up meanwhile
    db.session.commit()
    answer = client.post(url, data={"csrf_token": token, "over": "1"}, follow_redirects=True)
    assert answer.status_code == 200
    assert "No longer on the waiting list" in text_of(answer)
    assert seat_count(full_event) == confirmed_rows(full_event) == 2
    assert mail_kinds(person(full_event, "Sara")).count("registration_promoted") == 1


def test_changes_to_a_cancelled_event_are_refused(client, login, owner, full_event):
    login(owner)
    sara = person(full_event, "Sara")
    url = f"{base(full_event)}/move?person={sara.id}"
    token = csrf_token_in(client.get(url).get_data(as_text=True))
    cancel_event(db.session.get(Event, full_event.id))
    db.session.commit()
    answer = client.post(url, data={"csrf_token": token, "over": "1"}, follow_redirects=True)
    assert "The event has been cancelled: its registrations cannot change." in text_of(answer)
    assert person(full_event, "Sara").status == WAITING
    for path in (f"cancel?person={sara.id}", f"{sara.id}/resend"):
        shown = client.get(f"{base(full_event)}/{path}", follow_redirects=True)
        assert "The event has been cancelled" in text_of(shown)


def test_resend_mails_the_current_state_and_ends_the_old_link(
    app, client, login, owner, full_event, mailbox
):
    deliver_mail(app)
    kalle = person(full_event, "Kalle")
    old_link = link_in(mailbox.to("kalle@example.fi")[0], "/manage/")
    mailbox.clear()
    login(owner)
    page = client.get(f"{base(full_event)}/{kalle.id}/resend")
    assert "Send the confirmation to Kalle again?" in text_of(page)
    shown = submit(
        client,
        f"{base(full_event)}/{kalle.id}/resend",
        {
            "form_key": page.get_data(as_text=True).split('name="form_key" type="hidden" value="')[
                1
            ][:22]
        },
        form_page=f"{base(full_event)}/{kalle.id}/resend",
        follow_redirects=True,
    )
    assert "The confirmation is on its way to Kalle with a new link." in text_of(shown)
    assert audit_lines(AuditAction.RESENT_CONFIRMATION) == [f"registration {kalle.id}"]
    deliver_mail(app)
    (message,) = mailbox.to("kalle@example.fi")
    assert "on the waiting list, place 2 in the queue" in mailbox.text(message)
    new_link = link_in(message, "/manage/")
    assert "not valid" in text_of(client.get(old_link))
    assert client.get(old_link).status_code == 404
    assert "On the waiting list, place 2 in the queue" in text_of(client.get(new_link))


def test_the_same_resend_form_sent_twice_mails_once(client, login, owner, full_event):
    login(owner)
    sara = person(full_event, "Sara")
    url = f"{base(full_event)}/{sara.id}/resend"
    html = client.get(url).get_data(as_text=True)
    data = {
        "csrf_token": csrf_token_in(html),
        "form_key": html.split('name="form_key" type="hidden" value="')[1][:22],
    }
    client.post(url, data=data)
    again = client.post(url, data=data, follow_redirects=True)
    assert "This was sent already: nothing more was sent." in text_of(again)
    assert mail_kinds(person(full_event, "Sara")).count("registration_resent") == 1


def test_resends_are_limited_per_registration_per_day(client, login, owner, full_event):
    login(owner)
    sara = person(full_event, "Sara")
    url = f"{base(full_event)}/{sara.id}/resend"

    def post(key):
        html = client.get(url).get_data(as_text=True)
        data = {"csrf_token": csrf_token_in(html), "form_key": key}
        return client.post(url, data=data, follow_redirects=True)

    def fresh_key():
        html = client.get(url).get_data(as_text=True)
        return html.split('name="form_key" type="hidden" value="')[1][:22]

    for _ in range(4):
        assert "on its way" in text_of(post(fresh_key()))
    last_key, spare_key = fresh_key(), fresh_key()
    assert "on its way" in text_of(post(last_key))
    page = client.get(url)
    assert "It cannot be sent again today. Try again tomorrow." in text_of(page)
    assert "Yes, send it again" not in text_of(page)
    # A page opened before the fifth (another tab) still cannot send a sixth.
    refused = post(spare_key)
    assert refused.status_code == 200
    assert "already been sent again 5 times today" in text_of(refused)
    assert mail_kinds(person(full_event, "Sara")).count("registration_resent") == 5


def test_helpers_and_other_organisers_cannot_change_registrations(
    client, login, make_organiser, owner, full_event
):
    helper = make_organiser(email="helmi@example.fi")
    add_co_organiser(full_event, helper.email, OrganiserRole.HELPER)
    db.session.commit()
    login(helper)
    aino = person(full_event, "Aino")
    assert client.get(f"{base(full_event)}/cancel?person={aino.id}").status_code == 404
    assert client.get(f"{base(full_event)}/{aino.id}/resend").status_code == 404
    assert client.post(f"{base(full_event)}/cancel?person={aino.id}").status_code in (400, 404)
    assert person(full_event, "Aino").status == CONFIRMED


def test_hostile_person_values_are_ignored_not_errors(client, login, owner, full_event):
    login(owner)
    for query in ("person=x", "person=-1", "person=99999999999999999999"):
        shown = client.get(f"{base(full_event)}/cancel?{query}", follow_redirects=True)
        assert "Choose at least one person on the list first." in text_of(shown)
    aino = person(full_event, "Aino")
    shown = client.get(f"{base(full_event)}/move?person={aino.id}", follow_redirects=True)
    assert "No longer on the waiting list" in text_of(shown)


def test_people_of_another_event_are_not_found_here(client, login, owner, full_event, make_event):
    other = make_event(owner, capacity=2)
    stranger = services.register_for_event(
        other, name="Vieras", email="vieras@example.fi", organisation="", answers={}, locale="en"
    ).registration
    db.session.commit()
    login(owner)
    sara = person(full_event, "Sara")
    for path in (
        f"cancel?person={stranger.id}",
        f"cancel?person={sara.id}&person={stranger.id}",
        f"move?person={stranger.id}",
        f"{stranger.id}/resend",
        "9999/resend",
        "cancel?person=9999",
    ):
        assert client.get(f"{base(full_event)}/{path}").status_code == 404, path
    assert person(other, "Vieras").status == CONFIRMED


def test_the_attendee_list_offers_the_actions_and_the_bulk_form(client, login, owner, full_event):
    login(owner)
    html = client.get(base(full_event)).get_data(as_text=True)
    sara = person(full_event, "Sara")
    assert f'name="person" value="{sara.id}" form="bulk-changes"' in html
    assert f"/attendees/move?person={sara.id}" in html
    assert f"/attendees/{sara.id}/resend" in html
    assert "Move the chosen to confirmed" in html


def test_a_person_without_an_address_is_offered_no_resend_and_a_resend_is_refused(
    client, login, owner, full_event
):
    sara = person(full_event, "Sara")
    sara.email = sara.email_normalised = ""  # added by phone, without an address
    db.session.commit()
    login(owner)
    listed = client.get(f"{base(full_event)}").get_data(as_text=True)
    assert f"/{sara.id}/resend" not in listed
    url = f"{base(full_event)}/{sara.id}/resend"
    html = client.get(url).get_data(as_text=True)
    data = {
        "csrf_token": csrf_token_in(html),
        "form_key": html.split('name="form_key" type="hidden" value="')[1][:22],
    }
    refused = client.post(url, data=data, follow_redirects=True)
    assert "Sara has no email address: add one on their page first." in text_of(refused)
    assert "registration_resent" not in mail_kinds(person(full_event, "Sara"))
