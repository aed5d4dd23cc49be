"""Signing up for several meetings of a series at once, as the person and the organisers
see it: one registration per meeting, one email listing them, one manage page."""

from datetime import timedelta

import icalendar
import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import (
    Answer,
    BookedRegistration,
    EventStatus,
    OutboundEmail,
    Registration,
    RegistrationStatus,
    SeriesBooking,
)
from tests.conftest import (
    DIET_QUESTION,
    Mailbox,
    csrf_token_in,
    deliver_mail,
    link_in,
    sign_up,
    submit,
    text_of,
)

pytestmark = pytest.mark.both_databases

SARA = "sara@example.fi"


def choose(client, series, events, *, path=None, **overrides):
    data = {
        "meetings": [str(event.id) for event in events],
        "name": "Sara Löyttyjärvi",
        "email": SARA,
        "organisation": "Hämeen Setlementti ry",
        "consent": "y",
        **overrides,
    }
    return submit(client, path or f"/series/{series.slug}", data, follow_redirects=True)


def registrations_of(email=SARA) -> list[Registration]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            sa.select(Registration)
            .where(Registration.email_normalised == email)
            .order_by(Registration.event_id)
        )
    )


def calendars_in(message) -> list[icalendar.Event]:
    parts = [p for p in message.iter_attachments() if p.get_content_type() == "text/calendar"]
    return [
        entry
        for part in parts
        for entry in icalendar.Calendar.from_ical(part.get_payload(decode=True)).walk("VEVENT")
    ]


def test_two_of_three_meetings_one_email_with_a_calendar_each(
    client, app, make_occurrences, mailbox
):
    series, events = make_occurrences(questions=[DIET_QUESTION])
    first, _second, third = events

    page = text_of(client.get(f"/series/{series.slug}"))
    assert "Which meetings will you attend?" in page and "All the meetings listed" in page
    question = first.questions[0]
    done = choose(
        client,
        series,
        [first, third],
        **{f"q_{question.id}": "gluteeniton", "sensitive_consent": "y"},
    )
    assert done.status_code == 200
    assert text_of(done).count("You are registered.") == 2
    assert done.headers["Cache-Control"] == "no-store"  # the outcome is this person's

    made = registrations_of()
    assert [r.event_id for r in made] == [first.id, third.id]
    assert all(r.status == RegistrationStatus.CONFIRMED for r in made)
    # Each answer under its own meeting's question, with the consent recorded.
    for registration in made:
        [answer] = registration.answers
        assert answer.question.event_id == registration.event_id
        assert answer.value == "gluteeniton"
        assert registration.sensitive_consent_at is not None

    assert deliver_mail(app) >= 1
    [message] = mailbox.to(SARA)
    assert "Your registrations" in message["Subject"]
    text = Mailbox.text(message)
    assert text.count("Your place is confirmed.") == 2
    entries = calendars_in(message)
    assert sorted(entry.decoded("dtstart") for entry in entries) == [
        clock.to_local(first.starts_at),
        clock.to_local(third.starts_at),
    ]
    # The single confirmation emails were not planned as well.
    kinds = db.session.scalars(sa.select(OutboundEmail.kind)).all()
    assert "registration_confirmed" not in kinds


def test_a_full_meeting_waits_and_an_earlier_registration_is_left_as_it_was(
    client, app, make_occurrences, mailbox
):
    series, events = make_occurrences(capacities=[1, 10, 10])
    full, booked_before, free = events
    sign_up(client, full, email="first@example.fi")
    sign_up(client, booked_before, name="Sara L.")
    before = registrations_of()[0]
    deliver_mail(app)
    mailbox.clear()

    done = text_of(choose(client, series, [], all_meetings="y"))
    assert "you are on its waiting list" in done
    # Whoever typed the address is not told that it was registered already; the mail says.
    assert "Check your email: we have sent you an email about this meeting." in done
    assert "already registered" not in done
    assert "You are registered." in done

    made = {r.event_id: r for r in registrations_of()}
    assert made[full.id].status == RegistrationStatus.WAITING
    assert made[free.id].status == RegistrationStatus.CONFIRMED
    assert made[booked_before.id].id == before.id and made[booked_before.id].name == "Sara L."

    deliver_mail(app)
    [message] = mailbox.to(SARA)
    text = Mailbox.text(message)
    assert "You are on the waiting list, number 1." in text
    assert "You were already registered for these" in text
    assert len(calendars_in(message)) == 1  # only the seat has a calendar entry


def test_choosing_only_meetings_already_registered_for_mails_the_address_not_the_page(
    client, app, make_occurrences, mailbox
):
    series, events = make_occurrences(capacities=[10, 10, 10])
    choose(client, series, events[:2])
    deliver_mail(app)
    mailbox.clear()

    done = text_of(choose(client, series, events[:2], name="Someone Else"))
    assert done.count("Check your email: we have sent you an email about this meeting.") == 2
    assert [r.name for r in registrations_of()] == ["Sara Löyttyjärvi"] * 2
    deliver_mail(app)
    [message] = mailbox.to(SARA)  # the address's owner learns of the attempt
    assert "tried to sign up again with this email address" in Mailbox.text(message)


def test_a_full_meeting_without_waiting_list_is_refused_and_the_others_go_through(
    client, make_occurrences
):
    series, events = make_occurrences(capacities=[1, 10, 10], waiting_lists=[False, True, True])
    full, other, _third = events
    sign_up(client, full, email="first@example.fi")
    page = client.get(f"/series/{series.slug}").get_data(as_text=True)
    assert f'value="{full.id}"' not in page  # not offered

    # "All" is all those listed: the full one is not tried.
    done = text_of(choose(client, series, [], all_meetings="y", email="all@example.fi"))
    assert "is full and has no waiting list" not in done
    assert len(registrations_of("all@example.fi")) == 2

    # Posted anyway (the form was read before it filled): refused, the others made.
    done = text_of(choose(client, series, [full, other]))
    assert "is full and has no waiting list" in done
    assert [r.event_id for r in registrations_of()] == [other.id]


def test_the_manage_link_lists_them_all_and_a_cancel_moves_that_waiting_list(
    client, app, make_occurrences, mailbox
):
    series, events = make_occurrences(capacities=[1, 10, 10])
    first, second, _third = events
    choose(client, series, [first, second])
    choose(client, series, [first], email="pekka@example.fi", name="Pekka")
    deliver_mail(app)
    [message] = mailbox.to(SARA)
    manage = link_in(message, "/series/manage/")

    page = text_of(client.get(manage))
    assert page.count("Place confirmed") == 2

    sara_first = registrations_of()[0]
    response = submit(client, manage, {"registration": str(sara_first.id)}, follow_redirects=True)
    assert "Your registration has been cancelled." in text_of(response)
    assert "Cancelled" in text_of(response) and "Place confirmed" in text_of(response)

    mine = registrations_of()
    assert [r.status for r in mine] == [RegistrationStatus.CANCELLED, RegistrationStatus.CONFIRMED]
    [pekka] = registrations_of("pekka@example.fi")
    assert pekka.status == RegistrationStatus.CONFIRMED  # moved up from the waiting list
    mailbox.clear()
    deliver_mail(app)
    assert any("A place became free" in m["Subject"] for m in mailbox.to("pekka@example.fi"))


def test_a_registration_not_of_the_booking_cannot_be_cancelled_through_it(
    client, app, make_occurrences, mailbox
):
    series, events = make_occurrences()
    choose(client, series, [events[0]])
    choose(client, series, [events[1]], email="pekka@example.fi", name="Pekka")
    deliver_mail(app)
    manage = link_in(mailbox.to(SARA)[0], "/series/manage/")
    [pekka] = registrations_of("pekka@example.fi")
    submit(client, manage, {"registration": str(pekka.id)})
    assert registrations_of("pekka@example.fi")[0].status == RegistrationStatus.CONFIRMED
    assert client.get("/series/manage/" + "x" * 43).status_code == 404


@pytest.mark.parametrize(
    "case, message",
    [
        ("none", "Choose at least one meeting"),
        ("other_series", "Choose from the meetings listed"),
        ("cancelled", "Choose from the meetings listed"),
        ("ten_thousand", "Choose from the meetings listed"),
    ],
)
def test_bad_choices_are_told_at_the_field_and_nothing_is_written(
    client, make_occurrences, case, message
):
    from app.organiser.services import cancel_event

    series, events = make_occurrences()
    _other_series, other_events = make_occurrences(1, slug="toinen")
    meetings = {
        "none": [],
        "other_series": [str(other_events[0].id)],
        "cancelled": [str(events[2].id)],
        "ten_thousand": [str(n) for n in range(10_000)],
    }[case]
    if case == "cancelled":
        cancel_event(events[2])
        db.session.commit()
    page = client.get(f"/series/{series.slug}").get_data(as_text=True)
    from tests.conftest import csrf_token_in

    response = client.post(
        f"/series/{series.slug}",
        data={
            "csrf_token": csrf_token_in(page),
            "meetings": meetings,
            "name": "Sara Löyttyjärvi",
            "email": SARA,
            "consent": "y",
        },
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'class="error-summary"' in html and html.count(message) == 2  # summary and field
    assert 'value="Sara Löyttyjärvi"' in html  # what was typed is kept
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Registration)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboundEmail)) == 0


def test_a_failure_midway_leaves_no_registration_and_no_email(
    client, make_occurrences, monkeypatch
):
    from app.series import signup_services

    series, events = make_occurrences()
    real_enrol = signup_services.enrol
    calls = []

    def enrol_then_fail(event, **kwargs):
        calls.append(event.id)
        if len(calls) == 2:
            raise RuntimeError("the database went away")
        return real_enrol(event, **kwargs)

    monkeypatch.setattr(signup_services, "enrol", enrol_then_fail)
    with pytest.raises(RuntimeError):
        choose(client, series, events)
    db.session.rollback()
    assert len(calls) == 2
    for model in (Registration, Answer, OutboundEmail, SeriesBooking):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0


def test_an_occurrence_page_links_to_its_series(client, make_occurrences, make_event):
    series, events = make_occurrences(1)
    page = text_of(client.get(f"/events/{events[0].slug}"))
    assert "This meeting is part of a series." in page
    assert f'href="/series/{series.slug}"' in client.get(f"/events/{events[0].slug}").get_data(
        as_text=True
    )
    single = make_event(title="Yksittäinen tapaaminen")
    assert "part of a series" not in text_of(client.get(f"/events/{single.slug}"))


def test_meetings_that_need_approval_send_people_to_their_own_pages(client, make_occurrences):
    series, events = make_occurrences(2)
    for event in events:
        event.requires_approval = True
    db.session.commit()
    page = text_of(client.get(f"/series/{series.slug}"))
    assert "Sign up for each meeting on its own page: the organisers approve each sign-up." in page
    assert "None of the meetings takes sign-ups now." not in page
    assert "Sign up for several meetings" not in page


def test_a_persons_erasure_takes_their_bookings(client, make_occurrences):
    from app.privacy.services import erase_person

    series, events = make_occurrences()
    choose(client, series, events[:2])
    choose(client, series, events[:2], email="pekka@example.fi", name="Pekka")
    erase_person(SARA)
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SeriesBooking)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(BookedRegistration)) == 2


def test_retention_takes_the_bookings_with_the_registrations(client, make_occurrences):
    from app.privacy.services import run_retention

    series, events = make_occurrences(2)
    choose(client, series, events)
    first, last = events
    clock.travel(first.ends_at + timedelta(days=first.retention_days + 1))
    run_retention(clock.now())
    db.session.commit()
    # The first meeting's registration has left the booking; the booking is still there.
    assert [b.registration.event_id for b in db.session.scalars(sa.select(BookedRegistration))] == [
        last.id
    ]
    clock.travel(last.ends_at + timedelta(days=last.retention_days + 1))
    run_retention(clock.now())
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SeriesBooking)) == 0


def test_addresses_no_series_can_have_are_not_found(client):
    for path in ("/series/a%00b", "/series/" + "x" * 500, "/series/ei-ole"):
        assert client.get(path).status_code == 404
        assert client.post(path, data={"meetings": ["1"]}).status_code in (400, 404)


def test_a_series_of_drafts_is_not_found_until_a_meeting_is_published(client, make_occurrences):
    """As a draft event's page: its title is not for anyone with the address to read."""
    from app.organiser.services import publish_event

    series, events = make_occurrences(2)
    for event in events:
        event.status, event.published_at = EventStatus.DRAFT, None
    db.session.commit()
    for path in (f"/series/{series.slug}", f"/series/{series.slug}/registered"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "Järjestöjen sote-ryhmä" not in text_of(response)
    publish_event(events[1])
    db.session.commit()
    assert client.get(f"/series/{series.slug}").status_code == 200


def test_each_meeting_reminds_on_its_own_with_its_own_manage_link(
    client, app, make_occurrences, mailbox
):
    series, events = make_occurrences(2)
    choose(client, series, events)
    deliver_mail(app)
    mailbox.clear()
    clock.travel(events[0].starts_at - timedelta(days=2, minutes=-1))
    deliver_mail(app)
    [reminder] = mailbox.to(SARA)
    assert reminder["Subject"].startswith("Reminder:")
    manage = client.get(link_in(reminder, "/manage/"))
    assert "Confirmed: you have a place" in text_of(manage)
    assert 'value="Sara Löyttyjärvi"' in manage.get_data(as_text=True)
    mailbox.clear()
    clock.travel(events[1].starts_at - timedelta(days=2, minutes=-1))
    deliver_mail(app)
    assert [m["Subject"].startswith("Reminder:") for m in mailbox.to(SARA)] == [True]


def test_the_manage_link_is_kept_out_of_logs(app):
    from app.redaction import redact
    from app.tokens import new_secret

    raw, _digest = new_secret()
    assert raw not in redact(f'"GET /series/manage/{raw} HTTP/1.1" 200')


def test_the_series_form_shares_the_public_forms_limit(app, make_occurrences):
    from tests.test_rate_limits import limited_app, post_sign_up

    series, events = make_occurrences(2)
    limited = limited_app(app, RATELIMIT_PUBLIC_FORMS="2 per minute")
    client = limited.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    environ = {"REMOTE_ADDR": "192.0.2.10"}
    post_sign_up(client, events[0], "one@example.fi")
    form = client.get(f"/series/{series.slug}", environ_overrides=environ)
    data = {
        "csrf_token": csrf_token_in(form.text),
        "meetings": [str(events[1].id)],
        "name": "Sara Löyttyjärvi",
        "email": SARA,
        "consent": "y",
    }
    assert (
        client.post(f"/series/{series.slug}", data=data, environ_overrides=environ).status_code
        == 303
    )
    refused = client.post(f"/series/{series.slug}", data=data, environ_overrides=environ)
    assert refused.status_code == 429
    db.session.commit()  # a fresh look: the limited app wrote through its own session
    assert len(registrations_of()) == 1
    with limited.app_context():  # its connections closed now, not by the garbage collector
        db.engine.dispose()
