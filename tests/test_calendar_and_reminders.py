"""Calendar invitations and reminders, as the person receiving them sees them."""

from datetime import UTC, datetime, time, timedelta

import icalendar
import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import EmailStatus, EventFormat, OutboundEmail
from tests.conftest import Mailbox, deliver_mail, link_in, sign_up, submit, typed_at
from tests.test_organiser import edit_event

TEAMS = "https://teams.example.invalid/l/meetup-join/kutsu-demo"


def calendar_in(message) -> icalendar.Calendar:
    [part] = [p for p in message.iter_attachments() if p.get_filename() == "invite.ics"]
    return icalendar.Calendar.from_ical(part.get_payload(decode=True))


def only_event(calendar) -> icalendar.Event:
    [entry] = calendar.walk("VEVENT")
    return entry


def test_confirmation_carries_a_calendar_invitation_in_helsinki_time(
    client, app, make_event, mailbox
):
    event = make_event(
        title="POPup-aamukahvit", format=EventFormat.ONLINE, venue_name="", join_link=TEAMS
    )
    sign_up(client, event)
    deliver_mail(app)

    [message] = mailbox.to("sara@example.fi")
    calendar = calendar_in(message)
    entry = only_event(calendar)
    assert calendar["METHOD"] == "REQUEST"
    assert entry["SUMMARY"] == "POPup-aamukahvit"
    assert entry["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert entry.decoded("DTSTART") == clock.to_local(event.starts_at)
    [zone] = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Helsinki"
    offsets = {part.name: part["TZOFFSETTO"].td for part in zone.subcomponents}
    assert offsets == {"STANDARD": timedelta(hours=2), "DAYLIGHT": timedelta(hours=3)}
    assert TEAMS in entry["DESCRIPTION"], "confirmed people get the join link"
    assert str(entry["ATTENDEE"]) == "mailto:sara@example.fi"
    assert entry["UID"].startswith(f"kutsu-event-{event.id}-registration-")


def zoneinfo_changes(first: datetime, last: datetime) -> set[tuple[datetime, timedelta]]:
    """(UTC moment, offset after) of each of Helsinki's clock changes, found hour by hour."""
    changes = set()
    moment = first
    offset = moment.astimezone(clock.HELSINKI).utcoffset()
    while moment < last:
        moment += timedelta(hours=1)
        after = moment.astimezone(clock.HELSINKI).utcoffset()
        if after != offset:
            changes.add((moment, after))
            offset = after
    return changes


def vtimezone_changes(zone) -> set[tuple[datetime, timedelta]]:
    """(UTC moment, offset after) of each change a VTIMEZONE describes: per RFC 5545 an
    observance's DTSTART and RDATEs are the local time of the offset it changes from."""
    changes = set()
    for part in zone.subcomponents:
        before, after = part["TZOFFSETFROM"].td, part["TZOFFSETTO"].td
        if before == after:
            continue  # the offset the zone starts with: no change
        dates = part.get("RDATE", [])
        listed = dates if isinstance(dates, list) else [dates]
        local_times = [part["DTSTART"].dt] + [day.dt for rdate in listed for day in rdate.dts]
        for local in local_times:
            changes.add(((local.replace(tzinfo=None) - before).replace(tzinfo=UTC), after))
    return changes


@pytest.mark.parametrize("year", [2027, 2028, 2031])
def test_the_calendars_time_zone_changes_the_clocks_when_helsinki_does(
    client, app, make_event, mailbox, year
):
    # Late in June, when nothing is near a change.
    starts = datetime(year, 6, 20, 14, 0, tzinfo=UTC)
    event = make_event(starts_in=starts - clock.now())
    sign_up(client, event)
    deliver_mail(app)

    [message] = mailbox.to("sara@example.fi")
    [zone] = calendar_in(message).walk("VTIMEZONE")
    covered = (datetime(year - 1, 1, 1, tzinfo=UTC), datetime(year + 2, 1, 1, tzinfo=UTC))
    expected = zoneinfo_changes(*covered)
    assert len(expected) == 6
    assert vtimezone_changes(zone) == expected
    # Summer time starts at 03.00 Finnish time (01.00 UTC), ends at 04.00 summer time.
    [daylight] = [part for part in zone.subcomponents if part.name == "DAYLIGHT"]
    [standard] = [
        part
        for part in zone.subcomponents
        if part.name == "STANDARD" and part["TZOFFSETFROM"].td == timedelta(hours=3)
    ]
    assert daylight["DTSTART"].dt.time() == time(3, 0)
    assert standard["DTSTART"].dt.time() == time(4, 0)


def test_everyone_at_an_event_gets_a_calendar_entry_of_their_own(client, app, make_event, mailbox):
    event = make_event(title="Kuukausitapaaminen")
    sign_up(client, event)
    sign_up(client, event, name="Åsa Lindqvist", email="asa@example.fi")
    deliver_mail(app)

    [sara] = [only_event(calendar_in(m)) for m in mailbox.to("sara@example.fi")]
    [asa] = [only_event(calendar_in(m)) for m in mailbox.to("asa@example.fi")]
    assert str(sara["ATTENDEE"]) == "mailto:sara@example.fi"
    assert sara["ATTENDEE"].params["CN"] == "Sara Löyttyjärvi"
    assert str(asa["ATTENDEE"]) == "mailto:asa@example.fi"
    assert asa["ATTENDEE"].params["CN"] == "Åsa Lindqvist"
    assert sara["UID"] != asa["UID"]
    assert sara["SUMMARY"] == asa["SUMMARY"] == "Kuukausitapaaminen"
    assert sara.decoded("DTSTART") == asa.decoded("DTSTART") == clock.to_local(event.starts_at)


def test_waiting_list_email_has_no_calendar_and_no_join_link(client, app, make_event, mailbox):
    event = make_event(capacity=1, format=EventFormat.ONLINE, venue_name="", join_link=TEAMS)
    sign_up(client, event, email="first@example.fi")
    sign_up(client, event, email="second@example.fi")
    deliver_mail(app)

    [waiting] = mailbox.to("second@example.fi")
    assert not [p for p in waiting.iter_attachments() if p.get_filename() == "invite.ics"]
    assert TEAMS not in Mailbox.text(waiting)


def test_cancelling_sends_a_calendar_cancel_with_the_same_uid_and_a_higher_sequence(
    client, app, make_event, mailbox
):
    event = make_event()
    sign_up(client, event)
    deliver_mail(app)
    [confirmation] = mailbox.to("sara@example.fi")
    booked = only_event(calendar_in(confirmation))
    mailbox.clear()

    submit(client, link_in(confirmation, "/manage/") + "/cancel", {})
    deliver_mail(app)

    [cancellation] = mailbox.to("sara@example.fi")
    calendar = calendar_in(cancellation)
    cancelled = only_event(calendar)
    assert calendar["METHOD"] == "CANCEL"
    assert cancelled["UID"] == booked["UID"]
    assert cancelled["SEQUENCE"] > booked["SEQUENCE"]
    assert cancelled["STATUS"] == "CANCELLED"


def test_no_calendar_cancel_goes_to_people_who_never_had_a_place(
    client, app, login, make_organiser, make_event, mailbox
):
    owner = make_organiser()
    event = make_event(owner, capacity=1)
    sign_up(client, event, email="first@example.fi")
    sign_up(client, event, email="second@example.fi")
    sign_up(client, event, email="third@example.fi")
    deliver_mail(app)
    [waiting] = mailbox.to("second@example.fi")
    mailbox.clear()

    submit(client, link_in(waiting, "/manage/") + "/cancel", {})
    login(owner)
    submit(client, f"/organiser/events/{event.id}/cancel", {})
    deliver_mail(app)

    [cancelled_own] = mailbox.to("second@example.fi")
    [event_cancelled_waiting] = mailbox.to("third@example.fi")
    [event_cancelled_confirmed] = mailbox.to("first@example.fi")
    for message in (cancelled_own, event_cancelled_waiting):
        assert not [p for p in message.iter_attachments() if p.get_filename() == "invite.ics"]
    assert calendar_in(event_cancelled_confirmed)["METHOD"] == "CANCEL"


@pytest.mark.both_databases
def test_changing_the_time_tells_everyone_with_a_new_calendar_and_moves_reminders(
    client, app, login, make_organiser, make_event, mailbox
):
    owner = make_organiser()
    event = make_event(owner)
    sign_up(client, event)
    deliver_mail(app)
    [confirmation] = mailbox.to("sara@example.fi")
    booked = only_event(calendar_in(confirmation))
    mailbox.clear()
    login(owner)
    new_start = clock.to_local(event.starts_at) + timedelta(days=1, hours=1)

    edit_event(
        client,
        event.id,
        **typed_at("starts_at", new_start),
        **typed_at("ends_at", new_start + timedelta(hours=2)),
    )
    deliver_mail(app)

    [update] = mailbox.to("sara@example.fi")
    assert "Changed:" in update["Subject"]
    assert new_start.strftime("%a %-d %b %Y, %H:%M") in Mailbox.text(update)
    updated = only_event(calendar_in(update))
    assert updated["UID"] == booked["UID"]
    assert updated["SEQUENCE"] > booked["SEQUENCE"]
    assert updated.decoded("DTSTART") == new_start
    [reminder] = db.session.scalars(
        sa.select(OutboundEmail).where(
            OutboundEmail.kind == "reminder", OutboundEmail.status == EmailStatus.PENDING
        )
    ).all()
    assert reminder.send_after == event.starts_at - timedelta(days=2)
    assert clock.to_local(event.starts_at) == new_start


def test_editing_without_changing_time_place_or_link_tells_nobody(
    client, app, login, make_organiser, make_event, mailbox
):
    owner = make_organiser()
    event = make_event(owner, capacity=10)
    sign_up(client, event)
    deliver_mail(app)
    mailbox.clear()
    login(owner)

    edit_event(client, event.id, title="Uusi otsikko", capacity="20")

    assert deliver_mail(app) == 0


@pytest.mark.both_databases
def test_reminders_arrive_two_days_and_one_hour_before_an_online_event(
    client, app, make_event, mailbox
):
    event = make_event(
        format=EventFormat.ONLINE, venue_name="", join_link=TEAMS, starts_in=timedelta(days=5)
    )
    sign_up(client, event)
    deliver_mail(app)
    mailbox.clear()

    clock.travel(event.starts_at - timedelta(days=2, minutes=1))
    assert deliver_mail(app) == 0
    clock.travel(event.starts_at - timedelta(days=2) + timedelta(minutes=1))
    assert deliver_mail(app) == 1
    [two_days] = mailbox.to("sara@example.fi")
    assert two_days["Subject"].startswith("Reminder:")
    assert TEAMS in Mailbox.text(two_days)

    clock.travel(event.starts_at - timedelta(minutes=59))
    assert deliver_mail(app) == 1
    assert len(mailbox.to("sara@example.fi")) == 2


def test_in_person_event_has_only_the_two_day_reminder_by_default(client, app, make_event):
    event = make_event(format=EventFormat.IN_PERSON)
    sign_up(client, event)
    db.session.commit()

    minutes = db.session.scalars(
        sa.select(OutboundEmail.payload).where(OutboundEmail.kind == "reminder")
    ).all()
    assert minutes == [{"minutes": 2880}]


@pytest.mark.both_databases
def test_no_reminder_after_cancelling_and_none_for_the_waiting_list(
    client, app, make_event, mailbox
):
    event = make_event(capacity=1, starts_in=timedelta(days=5))
    sign_up(client, event, email="first@example.fi")
    sign_up(client, event, email="second@example.fi")
    deliver_mail(app)
    manage = link_in(mailbox.to("first@example.fi")[0], "/manage/")
    mailbox.clear()
    # The first cancels: the second is promoted and gets a reminder of their own.
    submit(client, manage + "/cancel", {})
    deliver_mail(app)
    mailbox.clear()

    clock.travel(event.starts_at - timedelta(days=1))
    deliver_mail(app)

    assert mailbox.to("first@example.fi") == []
    [reminder] = mailbox.to("second@example.fi")
    assert reminder["Subject"].startswith("Reminder:")


@pytest.mark.both_databases
def test_planning_reminders_again_creates_no_duplicates(client, app, make_event):
    from app.mail.schedule import plan_reminders, replan_event_reminders
    from app.models import Registration

    event = make_event(format=EventFormat.ONLINE, venue_name="", join_link=TEAMS)
    sign_up(client, event)
    registration = db.session.scalar(sa.select(Registration))

    assert plan_reminders(registration) == 0
    assert replan_event_reminders(event) == 0
    db.session.commit()
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(OutboundEmail.kind == "reminder")) == 2
    )


def test_cancelling_the_event_sends_calendar_cancel_to_everyone(
    client, app, login, make_organiser, make_event, mailbox
):
    owner = make_organiser()
    event = make_event(owner)
    sign_up(client, event)
    deliver_mail(app)
    mailbox.clear()
    login(owner)

    submit(client, f"/organiser/events/{event.id}/cancel", {})
    deliver_mail(app)

    [message] = mailbox.to("sara@example.fi")
    assert "Cancelled:" in message["Subject"]
    assert calendar_in(message)["METHOD"] == "CANCEL"
    clock.travel(event.starts_at - timedelta(days=1))
    assert deliver_mail(app) == 0, "no reminder for a cancelled event"
