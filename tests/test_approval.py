"""Approval of sign-ups, as the person and the organisers see it: a sign-up waits for a
decision without a place; approving takes a place (or the waiting list, or is refused when
the event is full without one), never over the capacity; declining tells the person kindly."""

import time
from datetime import timedelta

import icalendar
import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.invitations import services as invitations
from app.models import (
    AuditAction,
    AuditEntry,
    Event,
    OrganiserRole,
    OutboundEmail,
    Participation,
    Registration,
    RegistrationSource,
    RegistrationStatus,
)
from app.places import approval
from app.signup.services import register_for_event
from tests.conftest import (
    COFFEE_QUESTION,
    Mailbox,
    csrf_token_in,
    deliver_mail,
    link_in,
    sign_up,
    submit,
    text_of,
)

# The rules on both databases; what pages and mail say, on SQLite alone.
BOTH = pytest.mark.both_databases


@pytest.fixture
def approval_event(make_event, make_organiser):
    owner = make_organiser(email="olli@example.fi")
    return make_event(
        owner,
        title="Vertaisohjaajien koulutus",
        capacity=2,
        requires_approval=True,
        questions=[COFFEE_QUESTION],
    )


def pending(event, name, email=None):
    """A sign-up to the event, as the form makes it: pending."""
    result = register_for_event(
        event,
        name=name,
        email=email or f"{name.split()[0].lower()}@example.fi",
        organisation="Hämeen Setlementti ry",
        answers={event.questions[0].id: True} if event.questions else {},
        locale="en",
    )
    db.session.commit()
    return result.registration_id


def status_of(registration_id) -> RegistrationStatus:
    db.session.expire_all()
    return db.session.get(Registration, registration_id).status


def confirmed_count(event) -> int:
    db.session.expire_all()
    return db.session.get(Event, event.id).confirmed_count


def decide(client, event, ids, decision, message="", **extra):
    return submit(
        client,
        f"/organiser/events/{event.id}/approvals",
        {"person": [str(i) for i in ids], "decision": decision, "message": message, **extra},
        follow_redirects=True,
    )


@BOTH
def test_a_sign_up_waits_for_approval_without_a_place_and_says_so(
    app, client, approval_event, mailbox
):
    question = approval_event.questions[0]
    form = text_of(client.get(f"/events/{approval_event.slug}/register"))
    done = sign_up(client, approval_event, **{f"q_{question.id}": "yes"})
    page = text_of(done)

    assert "The organisers approve each sign-up to this event. You are told by email" in form
    assert "Your sign-up is waiting for approval" in page
    assert "You have no place yet: the organisers approve each sign-up to this event." in page
    assert "Add to calendar" not in page
    [person] = db.session.scalars(sa.select(Registration)).all()
    assert person.status == RegistrationStatus.PENDING
    assert confirmed_count(approval_event) == 0

    deliver_mail(app)
    [message] = mailbox.to("sara@example.fi")
    assert message["Subject"] == ("Your sign-up is waiting for approval: Vertaisohjaajien koulutus")
    assert "The organisers approve each sign-up to this event" in Mailbox.text(message)
    assert not [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    manage = text_of(client.get(link_in(message, "/manage/")))
    assert "Waiting for the organisers' approval: no place yet" in manage
    assert "Save changes" not in manage and "Add to calendar" not in manage
    assert "Cancel my registration" in manage


@BOTH
def test_a_pending_person_cancels_by_their_manage_link(app, client, approval_event, mailbox):
    sign_up(client, approval_event, **{f"q_{approval_event.questions[0].id}": "no"})
    deliver_mail(app)
    manage = link_in(mailbox.to("sara@example.fi")[0], "/manage/")

    ask = text_of(client.get(manage + "/cancel"))
    submit(client, manage + "/cancel", {}, follow_redirects=True)

    assert "Your sign-up is withdrawn before the organisers have decided on it." in ask
    [person] = db.session.scalars(sa.select(Registration)).all()
    db.session.refresh(person)
    assert person.status == RegistrationStatus.CANCELLED
    assert confirmed_count(approval_event) == 0
    deliver_mail(app)
    assert [m["Subject"] for m in mailbox.to("sara@example.fi")][-1].startswith(
        "Your registration was cancelled"
    )


@BOTH
def test_approving_gives_a_place_with_the_usual_confirmation_and_the_message(
    app, client, login, approval_event, mailbox
):
    aino = pending(approval_event, "Aino Aaltonen")
    deliver_mail(app)
    mailbox.clear()
    login(approval_event.organiser_links[0].organiser)

    page = text_of(decide(client, approval_event, [aino], "approve", "Tervetuloa! Ovi B."))

    assert "1 person approved: they have a place, and are told so by email." in page
    assert "No one is awaiting approval." in page
    assert status_of(aino) == RegistrationStatus.CONFIRMED
    assert confirmed_count(approval_event) == 1
    deliver_mail(app)
    [message] = mailbox.to("aino@example.fi")
    text = Mailbox.text(message)
    assert message["Subject"] == "Your sign-up was approved: Vertaisohjaajien koulutus"
    assert "Your place is confirmed." in text and "Tervetuloa! Ovi B." in text
    [ics] = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    calendar = icalendar.Calendar.from_ical(ics.get_payload(decode=True))
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["Vertaisohjaajien koulutus"]
    manage = text_of(client.get(link_in(message, "/manage/")))
    assert "Confirmed: you have a place" in manage and "Save changes" in manage
    reminders = db.session.scalars(
        sa.select(OutboundEmail.kind).where(OutboundEmail.registration_id == aino)
    ).all()
    assert "reminder" in reminders
    [entry] = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == AuditAction.APPROVED_REGISTRATION)
    ).all()
    assert entry.detail == f"registration {aino}" and "Aino" not in entry.detail


@BOTH
def test_approving_when_full_puts_them_on_the_waiting_list_and_says_so(
    app, client, login, approval_event, mailbox
):
    ids = [pending(approval_event, name) for name in ("Aino A", "Ville V", "Eeva E")]
    deliver_mail(app)
    mailbox.clear()
    login(approval_event.organiser_links[0].organiser)

    page = text_of(decide(client, approval_event, ids, "approve"))

    assert "2 people approved: each has a place" in page
    assert "1 person approved onto the waiting list, as every place is taken" in page
    assert [status_of(i) for i in ids] == [
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITING,
    ]
    assert confirmed_count(approval_event) == 2
    deliver_mail(app)
    [message] = mailbox.to("eeva@example.fi")
    assert "you are on the waiting list, place 1 in the queue" in Mailbox.text(message)
    assert not [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]


@BOTH
def test_without_a_waiting_list_a_full_event_refuses_to_approve_more(
    app, client, login, make_event, mailbox
):
    event = make_event(capacity=1, waiting_list=False, requires_approval=True)
    first, second = pending(event, "Aino A"), pending(event, "Ville V")
    login(event.organiser_links[0].organiser)

    page = text_of(decide(client, event, [first, second], "approve"))

    assert "1 person could not be approved: every place is taken and the event has no" in page
    assert "They are still waiting for your decision." in page
    assert status_of(first) == RegistrationStatus.CONFIRMED
    assert status_of(second) == RegistrationStatus.PENDING
    assert confirmed_count(event) == 1
    assert "Ville V" in page  # still on the list to decide on


@BOTH
def test_declining_tells_the_person_kindly_with_the_message_and_gives_no_place(
    app, client, login, approval_event, mailbox
):
    ville = pending(approval_event, "Ville Virtanen")
    deliver_mail(app)
    manage = link_in(mailbox.to("ville@example.fi")[0], "/manage/")
    mailbox.clear()
    login(approval_event.organiser_links[0].organiser)

    page = text_of(decide(client, approval_event, [ville], "decline", "Koulutus on täynnä."))

    assert "1 person declined, and told so by email." in page
    assert status_of(ville) == RegistrationStatus.DECLINED
    assert confirmed_count(approval_event) == 0
    deliver_mail(app)
    [message] = mailbox.to("ville@example.fi")
    text = Mailbox.text(message)
    assert message["Subject"] == "Your sign-up was not approved: Vertaisohjaajien koulutus"
    assert "We are sorry: the organisers could not approve your sign-up" in text
    assert "Koulutus on täynnä." in text and "/manage/" not in text
    shown = text_of(client.get(manage))
    assert "Not approved by the organisers" in shown and "Cancel my registration" not in shown
    entries = db.session.scalars(
        sa.select(AuditEntry.detail).where(AuditEntry.action == AuditAction.DECLINED_REGISTRATION)
    ).all()
    assert entries == [f"registration {ville}"]


def test_the_page_lists_each_person_with_their_answers_and_the_overview_counts_them(
    client, login, approval_event
):
    pending(approval_event, "Aino Aaltonen")
    login(approval_event.organiser_links[0].organiser)

    overview = text_of(client.get(f"/organiser/events/{approval_event.id}"))
    page = text_of(client.get(f"/organiser/events/{approval_event.id}/approvals"))
    attendees = text_of(client.get(f"/organiser/events/{approval_event.id}/attendees"))

    assert "Awaiting approval 1" in overview
    assert "1 sign-up is awaiting your approval" in overview
    assert "1 person awaiting approval, first come first" in page
    assert "Aino Aaltonen aino@example.fi Hämeen Setlementti ry" in page
    assert "Osallistun kahvitarjoiluun" in page and "Yes" in page
    assert "Aino Aaltonen" in attendees and "Awaiting approval" in attendees


def test_bad_input_is_named_at_its_field_and_changes_nothing(client, login, approval_event):
    aino = pending(approval_event, "Aino Aaltonen")
    login(approval_event.organiser_links[0].organiser)

    nobody = decide(client, approval_event, [], "approve")
    too_long = decide(client, approval_event, [aino], "decline", "x" * 2001)

    assert "Error:" in text_of(nobody) and "Choose at least one person" in text_of(nobody)
    html = too_long.get_data(as_text=True)
    assert "There is a problem" in text_of(too_long)
    assert "2000 characters or fewer" in text_of(too_long)
    assert "x" * 2001 in html and f'value="{aino}" checked' in html
    assert status_of(aino) == RegistrationStatus.PENDING


def test_a_check_in_helper_cannot_decide(client, login, approval_event, make_organiser):
    from app.models import EventOrganiser

    helper = make_organiser(email="helper@example.fi")
    db.session.add(
        EventOrganiser(event_id=approval_event.id, organiser=helper, role=OrganiserRole.HELPER)
    )
    db.session.commit()
    aino = pending(approval_event, "Aino Aaltonen")
    login(helper)

    page = client.get(f"/organiser/events/{approval_event.id}/approvals")
    csrf = csrf_token_in(client.get(f"/organiser/events/{approval_event.id}/check-in").text)
    post = client.post(
        f"/organiser/events/{approval_event.id}/approvals",
        data={"csrf_token": csrf, "person": str(aino), "decision": "approve"},
    )

    assert page.status_code == 404 and post.status_code == 404
    assert status_of(aino) == RegistrationStatus.PENDING


def test_an_accepted_invitation_is_confirmed_directly(app, make_event):
    event = make_event(
        capacity=5,
        requires_approval=True,
        participation=Participation.INVITATION,
        starts_in=timedelta(days=30),
    )
    [invitation] = invitations.invite_list(
        event, [invitations.Invitee("Aino", "aino@example.fi")], send_at=clock.now()
    )
    result = invitations.accept_invitation(
        invitation, name="Aino", organisation="", answers={}, locale="fi"
    )
    db.session.commit()

    assert result.registration.status == RegistrationStatus.CONFIRMED
    assert result.registration.source == RegistrationSource.INVITATION
    assert confirmed_count(event) == 1


def test_a_plain_event_is_not_touched_by_approval(client, make_event):
    event = make_event(capacity=5)

    page = text_of(sign_up(client, event))

    assert "You are registered" in page
    [person] = db.session.scalars(sa.select(Registration)).all()
    assert person.status == RegistrationStatus.CONFIRMED


@BOTH
def test_bulk_approval_of_200_is_one_quick_transaction_first_come_first_served(app, make_event):
    event = make_event(capacity=150, requires_approval=True)
    ids = [
        register_for_event(
            event,
            name=f"Person {n:03d}",
            email=f"p{n}@example.fi",
            organisation="",
            answers={},
            locale="fi",
        ).registration_id
        for n in range(200)
    ]
    db.session.commit()

    started = time.perf_counter()
    decided = approval.approve(event, list(reversed(ids)), message="Tervetuloa")
    db.session.commit()
    took = time.perf_counter() - started

    assert decided.confirmed == ids[:150] and decided.waiting == ids[150:]
    assert confirmed_count(event) == 150
    approved = db.session.scalar(
        sa.select(sa.func.count()).where(OutboundEmail.kind == approval.APPROVED_MAIL)
    )
    assert approved == 200
    assert took < 3, took


@BOTH
def test_deciding_twice_changes_nothing_the_second_time(app, make_event):
    event = make_event(capacity=5, requires_approval=True)
    aino = pending(event, "Aino A")

    first = approval.approve(event, [aino])
    db.session.commit()
    again = approval.decline(event, [aino])
    db.session.commit()

    assert first.confirmed == [aino] and again.unchanged == [aino] and not again.declined
    assert status_of(aino) == RegistrationStatus.CONFIRMED
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).where(OutboundEmail.kind == approval.DECLINED_MAIL)
        )
        == 0
    )


def test_the_event_form_keeps_the_setting(client, login, approval_event):
    login(approval_event.organiser_links[0].organiser)

    form = client.get(f"/organiser/events/{approval_event.id}/edit").get_data(as_text=True)

    assert "Sign-ups need the organisers' approval" in form
    box = form.split('id="requires_approval"')[1].split(">")[0]
    assert 'name="requires_approval"' in box and "checked" in box


def test_a_series_meeting_that_needs_approval_is_not_booked_from_the_series_form(
    client, make_occurrences
):
    series, (first, second) = make_occurrences(2)
    second.requires_approval = True
    db.session.commit()

    page = client.get(f"/series/{series.slug}").get_data(as_text=True)

    assert f'value="{first.id}"' in page and f'value="{second.id}"' not in page
    assert f"/events/{second.slug}" in page  # its own page, where a sign-up waits for approval


@BOTH
def test_signing_up_again_while_pending_says_it_still_waits(app, client, approval_event, mailbox):
    answer = {f"q_{approval_event.questions[0].id}": "yes"}
    sign_up(client, approval_event, **answer)
    again = text_of(sign_up(client, approval_event, **answer))

    assert "Check your email" in again
    deliver_mail(app)
    subjects = sorted(m["Subject"].split(":")[0] for m in mailbox.to("sara@example.fi"))
    assert subjects == ["You are already registered", "Your sign-up is waiting for approval"]
    [repeat] = [m for m in mailbox.to("sara@example.fi") if "already" in m["Subject"]]
    assert "Your sign-up is waiting for the organisers' approval." in Mailbox.text(repeat)


def test_cancelling_the_event_tells_those_pending_but_not_those_declined(app, approval_event):
    from app.organiser.services import cancel_event

    aino, ville = pending(approval_event, "Aino A"), pending(approval_event, "Ville V")
    approval.decline(approval_event, [ville])
    db.session.commit()

    told = cancel_event(approval_event)
    db.session.commit()

    assert told == 1
    kinds = db.session.execute(
        sa.select(OutboundEmail.registration_id, OutboundEmail.kind).where(
            OutboundEmail.kind == "event_cancelled"
        )
    ).all()
    assert kinds == [(aino, "event_cancelled")]


def test_the_organisers_message_is_in_the_persons_export_and_erased_with_them(app, make_event):
    from app.privacy.export import export_person
    from app.privacy.services import erase_person

    event = make_event(capacity=5, requires_approval=True)
    ville = pending(event, "Ville V")
    approval.decline(event, [ville], message="Ei tällä kertaa, Ville.")
    db.session.commit()

    exported = export_person("ville@example.fi", clock.now())
    erase_person("ville@example.fi")
    db.session.commit()

    kinds = {(e["kind"], e.get("message")) for e in exported["emails"]}
    assert (approval.DECLINED_MAIL, "Ei tällä kertaa, Ville.") in kinds
    assert (approval.PENDING_MAIL, None) in kinds
    left = db.session.scalars(sa.select(OutboundEmail.payload)).all()
    assert not any("Ville" in str(payload) for payload in left)
