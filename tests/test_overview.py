"""The event overview's charts (app.reports.event_charts) and a person's wellbeing services
county (app.reports.person_region): asked only when the event asks it, checked against the
list, stored, and shown to the organisers; counted on the overview without naming anyone."""

import re
import time
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.database import insert_rows, writing
from app.extensions import db
from app.models import (
    Candidate,
    Event,
    EventFormat,
    NominationStatus,
    Participation,
    ParticipationMode,
    Registration,
    RegistrationSource,
    RegistrationStatus,
)
from app.nominations.regions import OTHER_REGION
from app.organiser.event_form import EventForm, event_form_data
from app.reports.event_charts import event_charts
from tests.conftest import sign_up, submit, text_of, typed_moment
from tests.test_exports import csv_rows, download
from tests.test_organiser import create_event_through_form

pytestmark = pytest.mark.both_databases

REGION_LABEL = "Wellbeing services county (optional)"


def registrations() -> list[Registration]:
    db.session.rollback()
    return list(db.session.scalars(sa.select(Registration).order_by(Registration.id)))


# --- the region question --------------------------------------------------------------


def test_the_event_form_turns_the_question_on_and_a_copy_keeps_it(
    app, client, login, make_organiser
):
    owner = make_organiser()
    login(owner)
    event_id = create_event_through_form(client, asks_region="y")
    event = db.session.get(Event, event_id)
    assert event.asks_region
    form_page = text_of(client.get(f"/organiser/events/{event_id}/edit"))
    assert "Ask each person’s wellbeing services county" in form_page
    with app.test_request_context():
        assert EventForm(data=event_form_data(event)).asks_region.data is True

    day = f"1.2.{clock.now().year + 1}"
    copied = submit(
        client,
        f"/organiser/events/{event_id}/copy",
        {**typed_moment("starts_at", day, "10.00"), **typed_moment("ends_at", day, "12.00")},
    )
    assert copied.status_code == 303, text_of(copied)
    copy_id = int(copied.headers["Location"].removesuffix("/edit").split("/")[-1])
    assert copy_id != event_id and db.session.get(Event, copy_id).asks_region


def test_the_sign_up_form_asks_the_region_only_when_the_event_asks_it(client, make_event):
    asking = make_event(asks_region=True)
    silent = make_event()

    asked = client.get(f"/events/{asking.slug}/register").get_data(as_text=True)
    not_asked = client.get(f"/events/{silent.slug}/register").get_data(as_text=True)

    assert REGION_LABEL in asked and '<option value="Kanta-Häme">Kanta-Häme</option>' in asked
    assert f'<option value="{OTHER_REGION}">Other / not in Finland</option>' in asked
    assert asked.index('name="organisation"') < asked.index('name="region"')
    assert "Wellbeing services county" not in not_asked and 'name="region"' not in not_asked
    kept = "The county alone is kept with the numbers"
    assert kept in text_of(client.get(f"/events/{asking.slug}/privacy"))
    assert kept not in text_of(client.get(f"/events/{silent.slug}/privacy"))


def test_a_region_not_on_the_list_is_an_error_at_the_field_and_nothing_is_stored(
    client, make_event
):
    event = make_event(asks_region=True)

    page = sign_up(client, event, region="Atlantis", name="Typed Name")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert text_of(page).count("Choose a wellbeing services county from the list") == 2
    assert 'id="region-error"' in html and 'value="Typed Name"' in html
    assert registrations() == []


def test_the_chosen_region_is_stored_and_shown_in_the_list_person_page_and_download(
    client, login, make_event
):
    event = make_event(asks_region=True)
    sign_up(client, event, region="Pirkanmaa")
    sign_up(client, event, email="other@example.fi", region=OTHER_REGION)
    sign_up(client, event, email="quiet@example.fi", region="")
    assert [r.region for r in registrations()] == ["Pirkanmaa", OTHER_REGION, ""]

    login(event.organiser_links[0].organiser)
    listed = text_of(client.get(f"/organiser/events/{event.id}/attendees"))
    first = registrations()[0]
    person = text_of(client.get(f"/organiser/events/{event.id}/attendees/{first.id}"))
    _, data = download(client, f"/organiser/events/{event.id}/attendees.csv")

    assert "Region" in listed and "Pirkanmaa" in listed and "Other / not in Finland" in listed
    assert "Region Pirkanmaa" in person
    rows = csv_rows(data)
    assert rows[0][:4] == ["Name", "Email", "Organisation", "Region"]
    assert [row[3] for row in rows[1:]] == ["Pirkanmaa", "Other / not in Finland", ""]


def test_the_person_sees_their_county_and_corrects_it_through_the_manage_link(client, make_event):
    from app.signup.services import issue_manage_link_token

    event = make_event(asks_region=True)
    done = text_of(sign_up(client, event, region="Lappi"))
    assert "Wellbeing services county Lapland" in done
    token = issue_manage_link_token(registrations()[0])
    db.session.commit()
    manage = f"/manage/{token}"
    assert 'value="Lappi" selected' in client.get(manage).get_data(as_text=True)

    wrong = submit(client, manage, {"name": "Sara", "region": "Mordor"}, follow_redirects=True)
    assert "Choose a wellbeing services county from the list" in text_of(wrong)
    assert registrations()[0].region == "Lappi"
    submit(client, manage, {"name": "Sara", "region": "Kainuu"})
    assert registrations()[0].region == "Kainuu"


def test_without_the_question_the_list_and_download_have_no_region(client, login, make_event):
    event = make_event()
    sign_up(client, event, region="Pirkanmaa")  # not on the form: ignored
    login(event.organiser_links[0].organiser)

    _, data = download(client, f"/organiser/events/{event.id}/attendees.csv")

    assert registrations()[0].region == ""
    assert "Region" not in csv_rows(data)[0]
    assert "Region" not in text_of(client.get(f"/organiser/events/{event.id}/attendees"))


def test_a_group_contact_chooses_the_region_for_the_whole_group(client, make_event):
    event = make_event(capacity=10, group_size_max=3, asks_region=True)
    form = client.get(f"/events/{event.slug}/register").get_data(as_text=True)
    assert "For the whole group." in form

    submit(
        client,
        f"/events/{event.slug}/register",
        {
            "name": "Kaisa Kontakti",
            "email": "kaisa@example.fi",
            "organisation": "Setlementti ry",
            "region": "Lappi",
            "members-0-name": "Pekka Jäsen",
            "consent": "y",
        },
    )

    assert [(r.name, r.region) for r in registrations()] == [
        ("Kaisa Kontakti", "Lappi"),
        ("Pekka Jäsen", "Lappi"),
    ]


def test_the_series_form_asks_the_region_of_its_first_meeting(client, make_occurrences):
    series, events = make_occurrences(2)
    for event in events:
        event.asks_region = True
    db.session.commit()
    assert REGION_LABEL in text_of(client.get(f"/series/{series.slug}"))

    submit(
        client,
        f"/series/{series.slug}",
        {
            "all_meetings": "y",
            "name": "Sara Löyttyjärvi",
            "email": "sara@example.fi",
            "organisation": "",
            "region": "Kainuu",
            "consent": "y",
        },
    )

    assert [r.region for r in registrations()] == ["Kainuu", "Kainuu"]


def test_an_organiser_adds_and_corrects_a_persons_region(client, login, make_event):
    event = make_event(asks_region=True)
    login(event.organiser_links[0].organiser)
    add_url = f"/organiser/events/{event.id}/attendees/new"
    typed = {"name": "Pirkko Puhelin", "email": "", "organisation": "", "locale": "fi"}

    wrong = submit(client, add_url, {**typed, "region": "Narnia"}, follow_redirects=True)
    assert "Choose a wellbeing services county from the list" in text_of(wrong)
    assert registrations() == []

    submit(client, add_url, {**typed, "region": "Satakunta"})
    [added] = registrations()
    assert added.region == "Satakunta"
    edit_url = f"/organiser/events/{event.id}/attendees/{added.id}/edit"
    assert 'value="Satakunta" selected' in client.get(edit_url).get_data(as_text=True)

    submit(client, edit_url, {**typed, "region": "Kymenlaakso"})
    assert registrations()[0].region == "Kymenlaakso"


def test_a_nominee_who_accepts_brings_the_region_the_nominator_gave(make_event):
    from app.invitations import services as invitations

    workshop = make_event(participation=Participation.INVITATION, starts_in=timedelta(days=30))
    candidates = [
        Candidate(
            event_id=workshop.id,
            name=name,
            email=email,
            email_normalised=email,
            organisation="SOSTE ry",
            region=region,
            status=NominationStatus.SELECTED,
            locale="fi",
        )
        for name, email, region in (
            ("Aino", "aino@example.fi", "Etelä-Savo"),
            ("Ville", "ville@example.fi", "Jossain kaukana"),  # typed before the list
        )
    ]
    db.session.add_all(candidates)
    db.session.flush()
    for invitation in invitations.invite_selected(workshop, send_at=clock.now()):
        invitations.accept_invitation(
            invitation, name=invitation.name, organisation="", answers={}, locale="fi"
        )
    db.session.commit()

    assert {(r.email, r.region) for r in registrations()} == {
        ("aino@example.fi", "Etelä-Savo"),
        ("ville@example.fi", ""),
    }


def test_a_persons_erasure_clears_their_region_and_the_purge_keeps_it(client, make_event):
    from app.privacy.services import erase_person, purge_expired

    event = make_event(asks_region=True, starts_in=timedelta(days=1))
    sign_up(client, event, region="Pohjanmaa")
    sign_up(client, event, email="other@example.fi", region="Keski-Suomi")

    with writing():
        erase_person("sara@example.fi")
        db.session.commit()
    clock.travel(event.ends_at + timedelta(days=event.retention_days + 1))
    with writing():
        purge_expired(clock.now())
        db.session.commit()

    assert [(r.name, r.region) for r in registrations()] == [("", ""), ("", "Keski-Suomi")]


# --- the overview's charts ------------------------------------------------------------


def at_helsinki(text: str) -> datetime:
    return clock.from_local(datetime.fromisoformat(text))


def add_people(event, rows: list[tuple[str, str, str, RegistrationStatus, str | None]]):
    """(signed up, Helsinki time; organisation; region; status; mode) each, written as
    the sign-ups would be."""
    values = [
        {
            "event_id": event.id,
            "name": f"Person {n}",
            "email": f"p{n}@example.fi",
            "email_normalised": f"p{n}@example.fi",
            "organisation": organisation,
            "region": region,
            "locale": "fi",
            "status": status,
            "mode": mode,
            "source": RegistrationSource.SIGNUP,
            "consent_at": at_helsinki(moment),
            "created_at": at_helsinki(moment),
            "updated_at": at_helsinki(moment),
            "sequence": 0,
        }
        for n, (moment, organisation, region, status, mode) in enumerate(rows)
    ]
    with writing():
        for start in range(0, len(values), 1000):  # PostgreSQL takes 65,535 parameters
            insert_rows(Registration.__table__, values[start : start + 1000])
        db.session.commit()


ONLINE = ParticipationMode.ONLINE
CONFIRMED, WAITING, CANCELLED = (
    RegistrationStatus.CONFIRMED,
    RegistrationStatus.WAITING,
    RegistrationStatus.CANCELLED,
)


def test_sign_ups_are_counted_by_helsinki_day_cumulatively_with_capacity_and_window(
    app, make_event
):
    opens, closes = at_helsinki("2026-03-01T09:00"), at_helsinki("2026-03-20T16:00")
    event = make_event(
        capacity=3, registration_opens_at=opens, registration_closes_at=closes, asks_region=True
    )
    add_people(
        event,
        [
            ("2026-03-02T23:30", "A ry", "", CONFIRMED, None),  # 21.30 UTC: still the 2nd
            ("2026-03-03T00:30", "A ry", "", CONFIRMED, None),  # 22.30 UTC on the 2nd
            ("2026-03-03T12:00", "B ry", "", CONFIRMED, None),
            ("2026-03-03T13:00", "B ry", "", CANCELLED, None),  # not counted
            ("2026-03-05T08:00", "C ry", "", WAITING, None),
            ("2026-03-05T09:00", "C ry", "", RegistrationStatus.PENDING, None),  # nor this
        ],
    )

    with app.test_request_context(headers={"Accept-Language": "en"}):
        charts = event_charts(event)

    assert charts.signed_up == 4
    assert charts.days == [
        (at_helsinki("2026-03-02T00:00"), 1),
        (at_helsinki("2026-03-03T00:00"), 3),
        (at_helsinki("2026-03-05T00:00"), 4),
    ]
    assert charts.days[0][0].tzinfo is not None
    assert (charts.capacity, charts.opens_at, charts.closes_at) == (3, opens, closes)
    assert charts.regions == [("Not given", 4)] and charts.modes is None


def test_the_mix_names_the_top_ten_organisations_and_counts_the_others(app, make_event):
    event = make_event(format=EventFormat.HYBRID, capacity=20, online_capacity=30)
    moment = "2026-03-02T10:00"
    people = []
    for n in range(12):  # organisation n has n + 1 people
        people += [(moment, f"Yhdistys {n:02d} ry", "", CONFIRMED, None)] * (n + 1)
    people += [(moment, " yhdistys 00 RY ", "Lappi", CONFIRMED, ONLINE)]  # the same one
    people += [(moment, "", "Kainuu", WAITING, ONLINE), (moment, "", "", CANCELLED, None)]
    add_people(event, people)

    with app.test_request_context(headers={"Accept-Language": "en"}):
        charts = event_charts(event)

    assert charts.signed_up == 78 + 2
    assert charts.organisations[:3] == [
        ("Yhdistys 11 ry", 12),
        ("Yhdistys 10 ry", 11),
        ("Yhdistys 09 ry", 10),
    ]
    assert charts.organisations[9] == ("Yhdistys 02 ry", 3)
    # Yhdistys 00 (1 + 1), Yhdistys 01 (2) and the one without an organisation (1).
    assert charts.organisations[10] == ("Others (3 organisations)", 5)
    assert len(charts.organisations) == 11
    assert charts.capacity == 50
    assert charts.regions is None
    assert charts.modes == [("In person", 78), ("Online", 2)]


def test_the_overview_shows_no_sign_ups_yet_then_the_charts_tables(client, login, make_event):
    event = make_event(capacity=40, asks_region=True)
    login(event.organiser_links[0].organiser)
    assert "No sign-ups yet." in text_of(client.get(f"/organiser/events/{event.id}"))

    sign_up(client, event, region="Kanta-Häme")
    sign_up(client, event, email="b@example.fi", organisation="SOSTE ry", region="Kanta-Häme")
    page = client.get(f"/organiser/events/{event.id}")
    shown = text_of(page)

    assert "No sign-ups yet." not in shown
    assert page.get_data(as_text=True).count('role="img"') == 3
    assert "The numbers: By organisation Item People Hämeen Setlementti ry 1 SOSTE ry 1" in shown
    assert "The numbers: By wellbeing services county Item People Kanta-Häme 2" in shown
    assert re.search(
        r"Day Signed up by the end of the day \w+ \d+ \w+ \d{4} 2 By organisation", shown
    )
    assert "Places: 40. Registration opens:" in shown
    assert "Sara" not in shown.split("Sign-ups in charts")[1]


def test_an_event_of_ten_thousand_sign_ups_renders_its_overview(client, login, make_event, backend):
    """Measured, not asserted: the figure is in docs/performance.md."""
    event = make_event(capacity=10_000, asks_region=True, starts_in=timedelta(days=90))
    regions = ["Pirkanmaa", "Lappi", "Kainuu", ""]
    start = datetime(2026, 1, 5, 8, tzinfo=UTC)
    people = [
        (
            clock.to_local(start + timedelta(minutes=7 * n)).replace(tzinfo=None).isoformat(),
            f"Yhdistys {n % 150} ry",
            regions[n % 4],
            CONFIRMED,
            None,
        )
        for n in range(10_000)
    ]
    add_people(event, people)
    login(event.organiser_links[0].organiser)

    began = time.perf_counter()
    page = client.get(f"/organiser/events/{event.id}")
    took = time.perf_counter() - began

    assert page.status_code == 200
    assert "Others (140 organisations)" in text_of(page)
    print(f"\noverview of 10,000 sign-ups on {backend}: {took * 1000:.0f} ms")
