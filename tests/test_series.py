"""Copying an event, and series: the dates a rule gives, occurrences made as copies, a
change to this and later meetings, and ending a series."""

import re
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.accounts.services import add_co_organiser
from app.extensions import db
from app.models import (
    Event,
    EventStatus,
    Invitation,
    OrganiserRole,
    OutboundEmail,
    Participation,
    Registration,
    Series,
)
from app.series.dates import (
    BAD_DATE,
    BEFORE_FIRST,
    LAST,
    REPEATED,
    TOO_LATE,
    Rule,
    RuleKind,
    TooManyOccurrences,
    nth_weekday,
    occurrence_dates,
    read_date_lines,
)
from app.series.services import details_of, make_series
from tests.conftest import (
    COFFEE_QUESTION,
    DIET_QUESTION,
    deliver_mail,
    sign_up,
    submit,
    text_of,
    typed_moment,
)

NEXT_YEAR = clock.now().year + 1


def helsinki(year, month, day, hour=0, minute=0) -> datetime:
    return clock.from_local(datetime(year, month, day, hour, minute))


def local(moment: datetime) -> datetime:
    return clock.to_local(moment).replace(tzinfo=None)


# --- the dates a rule gives -----------------------------------------------------------


def test_monthly_by_weekday_gives_the_second_thursday_of_each_month():
    first = date(NEXT_YEAR, 1, 14)
    while first.weekday() != 3 or not 8 <= first.day <= 14:
        first += timedelta(days=1)  # the second Thursday of January
    rule = Rule(RuleKind.MONTHLY_WEEKDAY, until=date(NEXT_YEAR, 6, 30), weekday=3, week_of_month=2)

    dates = occurrence_dates(first, rule)

    assert [day.month for day in dates] == [1, 2, 3, 4, 5, 6]
    assert all(day.weekday() == 3 and 8 <= day.day <= 14 for day in dates)


def test_the_last_friday_of_a_month_may_be_its_fourth_or_fifth():
    assert nth_weekday(2027, 1, 4, LAST) == date(2027, 1, 29)  # the fifth Friday
    assert nth_weekday(2027, 2, 4, LAST) == date(2027, 2, 26)  # the fourth
    assert nth_weekday(2027, 12, 4, LAST) == date(2027, 12, 31)  # the year's last day
    dates = occurrence_dates(
        date(2027, 1, 29),
        Rule(RuleKind.MONTHLY_WEEKDAY, until=date(2027, 4, 30), weekday=4, week_of_month=LAST),
    )
    assert dates == [date(2027, 1, 29), date(2027, 2, 26), date(2027, 3, 26), date(2027, 4, 30)]


def test_every_n_weeks_steps_from_the_first_date_up_to_the_last():
    first = date(2027, 3, 4)
    every_other = occurrence_dates(
        first, Rule(RuleKind.WEEKLY, until=date(2027, 4, 15), interval=2)
    )
    assert every_other == [date(2027, 3, 4), date(2027, 3, 18), date(2027, 4, 1), date(2027, 4, 15)]
    weekly = occurrence_dates(first, Rule(RuleKind.WEEKLY, until=date(2027, 3, 24), interval=1))
    assert weekly == [date(2027, 3, 4), date(2027, 3, 11), date(2027, 3, 18)]


def test_no_date_is_more_than_a_year_after_the_first():
    first = date(2027, 1, 7)
    weekly = occurrence_dates(first, Rule(RuleKind.WEEKLY, until=date(2029, 1, 1), interval=1))
    assert weekly[-1] <= date(2028, 1, 7)
    assert len(weekly) == 53
    listed = occurrence_dates(first, Rule(RuleKind.DATES, dates=[date(2028, 1, 8)]))
    assert listed == [first]
    with pytest.raises(TooManyOccurrences):
        occurrence_dates(
            first, Rule(RuleKind.DATES, dates=[first + timedelta(days=n) for n in range(1, 61)])
        )


def test_listed_dates_name_every_wrong_line():
    first = date(2027, 3, 4)
    read = read_date_lines(
        "8.4.2027\n\n31.2.2027\n1.3.2027\n6.5.2027 \n8.4.2027\nhuomenna\n5.3.2028\n2027-04-01",
        first,
    )
    assert read.dates == [date(2027, 4, 1), date(2027, 4, 8), date(2027, 5, 6)]
    assert read.problems == [
        (3, "31.2.2027", BAD_DATE),
        (4, "1.3.2027", BEFORE_FIRST),
        (6, "8.4.2027", REPEATED),
        (7, "huomenna", BAD_DATE),
        (8, "5.3.2028", TOO_LATE),
    ]


# --- copying --------------------------------------------------------------------------


@pytest.fixture
def team(make_organiser):
    return {
        "owner": make_organiser(email="sara@example.fi", name="Sara Sote"),
        "co": make_organiser(email="kaisa@example.fi", name="Kaisa Kumppani"),
        "helper": make_organiser(email="heikki@example.fi", name="Heikki Apuri"),
    }


def rich_event(make_event, team, **overrides):
    """A workshop with every setting filled in, and its team."""
    start = helsinki(NEXT_YEAR, 3, 11, 13)
    details = dict(
        title="Järjestöjen sote-ryhmä",
        description="Kuukausitapaaminen Teamsissa.",
        language="fi",
        translations={
            "sv": {"title": "Organisationernas social- och hälsogrupp", "description": "Möte."},
            "en": {"title": "NGO social and health group", "description": "Monthly meeting."},
        },
        format="hybrid",
        venue_name="Kumppanuustalo",
        venue_address="Hämeenlinna",
        join_link="https://teams.example/meet/sote",
        capacity=25,
        waiting_list=False,
        contact_email="sote@example.fi",
        privacy_notice="Tiedot poistetaan 30 päivän kuluttua.",
        retention_days=30,
        reminder_minutes=[10080, 60],
        participation=Participation.INVITATION,
        nominations_open_at=start - timedelta(days=30),
        nominations_close_at=start - timedelta(days=14),
        nominees_per_organisation=2,
        self_nomination=True,
        themes=["Sote-uudistus", "Järjestöyhteistyö"],
        invitations_send_at=start - timedelta(days=10),
        reply_by=start - timedelta(days=3),
        invitation_reminder_days=2,
        questions=[
            {**DIET_QUESTION, "translations": {"sv": {"label": "Specialdiet"}}},
            COFFEE_QUESTION,
        ],
    )
    details |= overrides
    from app.models import EventFormat

    details["format"] = EventFormat(details["format"])
    event = make_event(team["owner"], starts_in=start - clock.now(), **details)
    event.starts_at, event.ends_at = start, start + timedelta(hours=2)
    event.region = "Kanta-Häme"  # a county of the event form's list
    add_co_organiser(event, team["co"].email)
    add_co_organiser(event, team["helper"].email, OrganiserRole.HELPER)
    db.session.commit()
    return event


def roles(event) -> dict:
    return {link.organiser.email: link.role for link in event.organiser_links}


@pytest.mark.both_databases
def test_a_copy_has_every_setting_new_dates_and_no_people(
    client, app, login, make_event, team, make_organiser
):
    source = rich_event(make_event, team)
    source.participation = Participation.OPEN  # so that people can sign up to it
    db.session.commit()
    sign_up(client, source, email="pekka@example.fi")
    source.participation = Participation.INVITATION
    db.session.add(
        Invitation(
            event_id=source.id,
            name="Iida",
            email="iida@example.fi",
            email_normalised="iida@example.fi",
            send_at=clock.now(),
        )
    )
    db.session.commit()
    mail_before = db.session.scalar(sa.select(sa.func.count(OutboundEmail.id)))
    login(team["co"])

    page = client.get(f"/organiser/events/{source.id}/copy")
    assert "Copy the event" in text_of(page)
    done = submit(
        client,
        f"/organiser/events/{source.id}/copy",
        {
            **typed_moment("starts_at", f"8.4.{NEXT_YEAR}", "13.00"),
            **typed_moment("ends_at", f"8.4.{NEXT_YEAR}", "15.30"),
        },
    )

    assert done.status_code == 303
    copy = db.session.scalar(sa.select(Event).where(Event.id != source.id))
    assert done.headers["Location"].endswith(f"/organiser/events/{copy.id}/edit")
    assert copy.status == EventStatus.DRAFT and copy.slug != source.slug
    assert (local(copy.starts_at), local(copy.ends_at)) == (
        datetime(NEXT_YEAR, 4, 8, 13),
        datetime(NEXT_YEAR, 4, 8, 15, 30),
    )
    # Every setting as the source's, the windows moved by the same four weeks (summer
    # time came in between: the Helsinki clock time is kept).
    source_details, copy_details = details_of(source), details_of(copy)
    four_weeks = timedelta(weeks=4)
    for name in ("nominations_open_at", "nominations_close_at", "invitations_send_at", "reply_by"):
        assert local(getattr(copy, name)) == local(getattr(source, name)) + four_weeks, name
        setattr(source_details, name, None)
        setattr(copy_details, name, None)
    for name in ("starts_at", "ends_at", "questions"):
        setattr(source_details, name, None)
        setattr(copy_details, name, None)
    assert copy_details == source_details
    assert copy.region == source.region
    assert [(q.label, q.kind, q.sensitive, q.required, q.translations) for q in copy.questions] == [
        (q.label, q.kind, q.sensitive, q.required, q.translations) for q in source.questions
    ]
    assert {q.id for q in copy.questions}.isdisjoint({q.id for q in source.questions})
    # The copier owns it; the team came along.
    assert roles(copy) == {
        "kaisa@example.fi": OrganiserRole.OWNER,
        "sara@example.fi": OrganiserRole.CO_ORGANISER,
        "heikki@example.fi": OrganiserRole.HELPER,
    }
    # No people, no invitations, no mail.
    assert (
        db.session.scalar(sa.select(sa.func.count()).where(Registration.event_id == copy.id)) == 0
    )
    assert db.session.scalar(sa.select(sa.func.count()).where(Invitation.event_id == copy.id)) == 0
    assert copy.confirmed_count == 0
    assert db.session.scalar(sa.select(sa.func.count(OutboundEmail.id))) == mail_before
    edit = client.get(done.headers["Location"])
    assert "The copy was saved as a draft" in text_of(edit)
    assert f"8.4.{NEXT_YEAR}" in edit.text


@pytest.mark.both_databases
def test_a_copy_needs_a_valid_end_and_edit_rights(client, login, make_event, team, make_organiser):
    source = rich_event(make_event, team)
    login(team["helper"])
    assert client.get(f"/organiser/events/{source.id}/copy").status_code == 404
    login(team["owner"])
    wrong = submit(
        client,
        f"/organiser/events/{source.id}/copy",
        {
            **typed_moment("starts_at", f"8.4.{NEXT_YEAR}", "13.00"),
            **typed_moment("ends_at", f"8.4.{NEXT_YEAR}", "12.00"),
        },
    )
    assert wrong.status_code == 200
    assert "The end must be after the start" in text_of(wrong)
    assert f'value="8.4.{NEXT_YEAR}"' in wrong.text
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 1


# --- making a series ------------------------------------------------------------------


def series_form(**overrides) -> dict:
    return {
        "kind": "monthly_weekday",
        "interval": "1",
        "week_of_month": "2",
        "weekday": "3",
        "until": f"30.6.{NEXT_YEAR}",
        "dates": "",
        **overrides,
    }


@pytest.mark.both_databases
def test_a_monthly_series_is_previewed_then_made_at_the_same_clock_time(
    client, login, make_event, team
):
    source = rich_event(make_event, team, participation=Participation.OPEN)
    source.starts_at = helsinki(NEXT_YEAR, 1, 8, 13)
    source.ends_at = helsinki(NEXT_YEAR, 1, 8, 15)
    while local(source.starts_at).weekday() != 3 or local(source.starts_at).day > 14:
        source.starts_at += timedelta(days=1)
        source.ends_at += timedelta(days=1)
    db.session.commit()
    page = f"/organiser/events/{source.id}/series/new"
    login(team["co"])

    form = client.get(page)
    checked = re.findall(r'name="(\w+)" type="radio" value="(-?\d+)"\s+checked', form.text)
    assert ("weekday", "3") in checked and ("week_of_month", "2") in checked  # its own date
    preview = submit(client, page, {**series_form(), "preview": "1"})

    assert "6 meetings will be made" in text_of(preview)
    assert "(this event)" in text_of(preview)
    assert db.session.scalar(sa.select(sa.func.count(Series.id))) == 0
    made = submit(client, page, {**series_form(), "make": "1"})

    assert made.status_code == 303
    series = db.session.scalar(sa.select(Series))
    assert made.headers["Location"].endswith(f"/organiser/series/{series.id}")
    assert series.title == source.title
    assert series.translations["sv"] == {"title": "Organisationernas social- och hälsogrupp"}
    assert series.rule["kind"] == "monthly_weekday" and series.rule["week_of_month"] == 2
    occurrences = series.occurrences
    assert occurrences[0].id == source.id
    assert [local(event.starts_at).month for event in occurrences] == [1, 2, 3, 4, 5, 6]
    # 13.00 Helsinki time in winter (UTC+2) and in summer (UTC+3) alike.
    assert {local(event.starts_at).time() for event in occurrences} == {
        datetime(1, 1, 1, 13).time()
    }
    assert {event.starts_at.astimezone(UTC).hour for event in occurrences} == {10, 11}
    assert all(event.status == EventStatus.PUBLISHED for event in occurrences)
    assert all(roles(event) == roles(source) for event in occurrences)
    shown = text_of(client.get(made.headers["Location"]))
    assert "6 meetings" in shown and shown.count("Published") == 6


@pytest.mark.both_databases
def test_a_series_from_listed_dates_reports_bad_lines_and_keeps_what_was_typed(
    client, login, make_event, team
):
    source = rich_event(make_event, team, published=False)
    page = f"/organiser/events/{source.id}/series/new"
    login(team["owner"])
    typed = f"8.4.{NEXT_YEAR}\n31.2.{NEXT_YEAR}\n1.1.{NEXT_YEAR}"

    wrong = submit(
        client, page, {**series_form(kind="dates", dates=typed, until=""), "preview": "1"}
    )

    text = text_of(wrong)
    assert text.startswith("Error:") or "There is a problem" in text
    assert f"Line 2: “31.2.{NEXT_YEAR}” is not a date like 12.3.2027" in text
    assert f"Line 3: 1.1.{NEXT_YEAR} is not after the first meeting, 11.3.{NEXT_YEAR}" in text
    assert f"8.4.{NEXT_YEAR}\n31.2.{NEXT_YEAR}" in wrong.text
    made = submit(
        client,
        page,
        {**series_form(kind="dates", dates=f"8.4.{NEXT_YEAR}\n13.5.{NEXT_YEAR}"), "make": "1"},
    )
    assert made.status_code == 303
    series = db.session.scalar(sa.select(Series))
    assert [local(e.starts_at).date() for e in series.occurrences] == [
        date(NEXT_YEAR, 3, 11),
        date(NEXT_YEAR, 4, 8),
        date(NEXT_YEAR, 5, 13),
    ]
    # A draft source gives draft occurrences.
    assert {e.status for e in series.occurrences} == {EventStatus.DRAFT}
    # The event is in a series already: its page opens the series.
    again = client.get(page)
    assert again.headers["Location"].endswith(f"/organiser/series/{series.id}")


@pytest.mark.both_databases
def test_the_last_date_is_at_most_a_year_ahead(client, login, make_event, team):
    source = rich_event(make_event, team)
    login(team["owner"])
    wrong = submit(
        client,
        f"/organiser/events/{source.id}/series/new",
        {**series_form(kind="weekly", until=f"12.3.{NEXT_YEAR + 1}"), "preview": "1"},
    )
    assert (
        "The last date can be at most a year after the first meeting: "
        f"11.3.{NEXT_YEAR + 1} or earlier" in text_of(wrong)
    )


# --- changing this and later meetings -------------------------------------------------


@pytest.fixture
def weekly(client, app, login, make_event, team, mailbox):
    """A published weekly series of four meetings, one person signed up to each."""
    source = rich_event(make_event, team, participation=Participation.OPEN, capacity=10)
    make_series(
        source,
        Rule(RuleKind.WEEKLY, until=(local(source.starts_at) + timedelta(weeks=3)).date()),
        team["owner"],
    )
    db.session.commit()
    occurrences = list(source.series.occurrences)
    for number, event in enumerate(occurrences):
        coffee = next(q for q in event.questions if q.required)
        # A hybrid meeting: each person comes to the hall.
        answers = {f"q_{coffee.id}": "yes", "mode": "in_person"}
        sign_up(client, event, email=f"person{number}@example.fi", **answers)
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 4
    deliver_mail(app)
    mailbox.clear()
    return occurrences


def edit_form(client, event) -> dict:
    """The edit form's fields as the page has them filled in."""
    from html.parser import HTMLParser

    class Fields(HTMLParser):
        def __init__(self):
            super().__init__()
            self.values, self.textarea = {}, None

        def handle_starttag(self, tag, attrs):
            attrs = dict(attrs)
            if tag == "input" and attrs.get("name") and attrs.get("type") not in ("submit",):
                if attrs.get("type") in ("radio", "checkbox"):
                    if "checked" in attrs:
                        self.values.setdefault(attrs["name"], []).append(attrs.get("value", "y"))
                else:
                    self.values[attrs["name"]] = attrs.get("value", "")
            if tag == "textarea":
                self.textarea = attrs["name"]
                self.values[self.textarea] = ""

        def handle_data(self, data):
            if self.textarea:
                self.values[self.textarea] += data

        def handle_endtag(self, tag):
            if tag == "textarea":
                self.textarea = None

    parser = Fields()
    parser.feed(client.get(f"/organiser/events/{event.id}/edit").text)
    values = parser.values
    values.pop("csrf_token", None)
    return {
        key: value.lstrip("\n") if isinstance(value, str) else value
        for key, value in values.items()
    }


@pytest.mark.both_databases
def test_this_and_later_changes_only_later_meetings_and_tells_only_their_people(
    client, app, login, team, weekly, mailbox
):
    first, second, third, fourth = weekly
    login(team["co"])
    form = edit_form(client, second)
    assert form["apply_to"] == ["this"]
    form |= {
        "apply_to": "later",
        "starts_at-time": "14.30",
        "ends_at-time": "16.30",
        "venue_name": "Verkatehdas",
        "save": "1",
    }
    before = {event.id: local(event.starts_at).date() for event in weekly}
    questions = {event.id: [q.id for q in event.questions] for event in weekly}

    saved = submit(client, f"/organiser/events/{second.id}/edit", form, follow_redirects=True)

    assert "Your changes were saved here and in 2 later meetings." in text_of(saved)
    for event in weekly:
        db.session.refresh(event)
    assert local(first.starts_at).time() == datetime(1, 1, 1, 13).time()
    assert first.venue_name == "Kumppanuustalo"
    for event in (second, third, fourth):
        assert local(event.starts_at).date() == before[event.id]  # its own date
        assert (local(event.starts_at).hour, local(event.starts_at).minute) == (14, 30)
        assert (local(event.ends_at).hour, local(event.ends_at).minute) == (16, 30)
        assert event.venue_name == "Verkatehdas"
        assert [q.id for q in event.questions] == questions[event.id]  # answers kept
    deliver_mail(app)
    assert mailbox.to("person0@example.fi") == []
    for number in (1, 2, 3):
        [message] = mailbox.to(f"person{number}@example.fi")
        assert "14:30–16:30" in mailbox.text(message)
        assert "Verkatehdas" in mailbox.text(message)


@pytest.mark.both_databases
def test_this_only_changes_one_meeting(client, app, login, team, weekly, mailbox):
    first, second, third, fourth = weekly
    login(team["owner"])
    form = edit_form(client, third) | {"venue_name": "Verkatehdas", "save": "1"}
    saved = submit(client, f"/organiser/events/{third.id}/edit", form, follow_redirects=True)
    assert "Your changes were saved." in text_of(saved)
    for event in weekly:
        db.session.refresh(event)
    assert [event.venue_name for event in weekly] == [
        "Kumppanuustalo",
        "Kumppanuustalo",
        "Verkatehdas",
        "Kumppanuustalo",
    ]
    deliver_mail(app)
    assert [len(mailbox.to(f"person{n}@example.fi")) for n in range(4)] == [0, 0, 1, 0]


@pytest.mark.both_databases
def test_this_and_later_refuses_a_capacity_below_a_later_meetings_people(
    client, app, login, team, weekly
):
    first, second, third, fourth = weekly
    for number in range(3):
        coffee = next(q for q in fourth.questions if q.required)
        answers = {f"q_{coffee.id}": "no", "mode": "in_person"}
        sign_up(client, fourth, email=f"extra{number}@example.fi", **answers)
    login(team["owner"])
    form = edit_form(client, second) | {"apply_to": "later", "capacity": "2", "save": "1"}
    refused = submit(client, f"/organiser/events/{second.id}/edit", form)
    assert refused.status_code == 200
    assert "already has 4 people with a place. Enter 4 or more." in text_of(refused)
    db.session.rollback()
    assert {event.capacity for event in weekly} == {10}


# --- the series page, adding a date and ending the series -----------------------------


@pytest.mark.both_databases
def test_the_series_page_counts_each_meeting_and_adds_a_date(client, login, team, weekly):
    first, second, third, fourth = weekly
    login(team["co"])
    series_page = f"/organiser/series/{first.series_id}"
    page = text_of(client.get(series_page))
    assert "4 meetings" in page and "1 / 10" in page
    event_page = text_of(client.get(f"/organiser/events/{third.id}"))
    assert f"A meeting of the series {first.title}" in event_page

    day = local(fourth.starts_at).date() + timedelta(weeks=1)
    added = submit(client, f"{series_page}/dates/new", {"day": f"{day.day}.{day.month}.{day.year}"})
    assert added.status_code == 303
    new = db.session.scalar(sa.select(Event).order_by(Event.starts_at.desc()))
    assert local(new.starts_at) == local(fourth.starts_at) + timedelta(weeks=1)
    assert new.status == EventStatus.PUBLISHED and new.series_id == first.series_id
    taken = submit(client, f"{series_page}/dates/new", {"day": f"{day.day}.{day.month}.{day.year}"})
    assert "The series has a meeting on that date already" in text_of(taken)
    assert "5 meetings" in text_of(client.get(series_page))

    # One meeting cancelled the usual way: the series page shows it, its counts apart.
    submit(client, f"/organiser/events/{third.id}/cancel", {})
    page = client.get(series_page).text
    row = next(row for row in page.split("<tr>") if f"/organiser/events/{third.id}" in row)
    assert 'class="tag tag-cancelled"' in row
    assert "5 meetings" in text_of(client.get(series_page))
    assert re.search(r"Meetings\s*</dt>\s*<dd>4<", page)  # the meetings still on


@pytest.mark.both_databases
def test_ending_the_series_cancels_later_meetings_and_tells_their_people(
    client, app, login, team, weekly, mailbox
):
    first, second, third, fourth = weekly
    login(team["owner"])
    end = f"/organiser/series/{first.series_id}/end"
    after = local(second.starts_at).date()
    typed = f"{after.day}.{after.month}.{after.year}"

    check = submit(client, end, {"after": typed, "check": "1"})
    assert (
        "2 later meetings will be cancelled, with 2 people, who will all be told by email."
        in text_of(check)
    )
    assert deliver_mail(app) == 0
    done = submit(client, end, {"after": typed, "confirm": "1"}, follow_redirects=True)

    assert "The series has ended. 2 later meetings were cancelled." in text_of(done)
    for event in weekly:
        db.session.refresh(event)
    assert [event.status for event in weekly] == [EventStatus.PUBLISHED] * 2 + [
        EventStatus.CANCELLED
    ] * 2
    assert first.series.ended_at is not None
    assert "Add a date" not in text_of(done)
    deliver_mail(app)
    assert [len(mailbox.to(f"person{n}@example.fi")) for n in range(4)] == [0, 0, 1, 1]
    assert "cancelled" in mailbox.text(mailbox.to("person3@example.fi")[0])


@pytest.mark.both_databases
def test_a_series_is_only_for_those_who_may_edit_its_meetings(
    client, login, team, weekly, make_organiser
):
    first = weekly[0]
    login(team["helper"])
    assert client.get(f"/organiser/series/{first.series_id}").status_code == 404
    login(make_organiser(email="other@example.fi"))
    assert client.get(f"/organiser/series/{first.series_id}").status_code == 404
    assert client.get(f"/organiser/series/{first.series_id}/end").status_code == 404
    login(make_organiser(email="admin@example.fi", admin=True))
    assert client.get(f"/organiser/series/{first.series_id}").status_code == 200


@pytest.mark.both_databases
def test_ending_the_series_never_cancels_a_meeting_already_held(app, team, weekly):
    from app.series.services import end_series

    first, second, third, fourth = weekly
    clock.travel(first.starts_at + timedelta(hours=3))  # the first meeting was held
    before_all = local(first.starts_at).date() - timedelta(days=1)

    meetings, told = end_series(first.series, before_all, team["owner"])
    db.session.commit()

    assert (meetings, told) == (3, 3)
    assert [event.status for event in weekly] == [EventStatus.PUBLISHED] + [
        EventStatus.CANCELLED
    ] * 3
