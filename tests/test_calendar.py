"""The network's public calendar, its feeds and its embed, as a visitor, a calendar app
and a member organisation's website see them."""

import re
from datetime import datetime, timedelta

import icalendar
import pytest
import sqlalchemy as sa

from app import clock, create_app
from app.extensions import db
from app.models import Event, EventFormat, Registration, Series
from app.organiser.services import EventDetails, cancel_event, update_event
from app.places.services import cancel_registration
from tests.conftest import sign_up, text_of

pytestmark = pytest.mark.both_databases

TEAMS = "https://teams.example.invalid/l/meetup-join/secret-room"


@pytest.fixture
def calendar_events(make_event, make_organiser):
    """Published, draft, cancelled and a series' occurrence, all in ten days' time."""
    owner = make_organiser(email="sara.organiser@example.fi", name="Sara Organiser")
    ten_days = timedelta(days=10)
    published = make_event(
        owner,
        title="Sote-kahvit Hämeenlinnassa",
        starts_in=ten_days,
        region="Kanta-Häme",
        themes=["Mielenterveys"],
        join_link=TEAMS,
        contact_email="info@jarjesto.example.fi",
        description="Tervetuloa **kahville**.",
    )
    draft = make_event(owner, title="Luonnos ei näy", starts_in=ten_days, published=False)
    cancelled = make_event(owner, title="Peruttu tilaisuus", starts_in=ten_days, region="Lappi")
    cancel_event(cancelled)
    series = Series(slug="sote-ryhma", title="Järjestöjen sote-ryhmä", language="fi")
    db.session.add(series)
    db.session.flush()
    meeting = make_event(
        owner,
        title="Sote-ryhmän kuukausitapaaminen",
        starts_in=ten_days + timedelta(hours=3),
        format=EventFormat.ONLINE,
        venue_name="",
        venue_address="",
        join_link=TEAMS,
        themes=["Työllisyys"],
        translations={"sv": {"title": "Sote-gruppens månadsmöte"}},
    )
    meeting.series_id = series.id
    db.session.commit()
    return {
        "published": published,
        "draft": draft,
        "cancelled": cancelled,
        "meeting": meeting,
        "series": series,
        "owner": owner,
    }


def month_of(event) -> str:
    return clock.to_local(event.starts_at).strftime("%Y-%m")


def titles_on(page) -> list[str]:
    return re.findall(
        r'class="calendar-title"[^>]*>(?:<span[^>]*>)?([^<]+)', page.get_data(as_text=True)
    )


def feed_entries(response) -> dict[str, icalendar.Event]:
    assert response.status_code == 200
    assert response.content_type.startswith("text/calendar")
    calendar = icalendar.Calendar.from_ical(response.data)
    return {str(entry["SUMMARY"]): entry for entry in calendar.walk("VEVENT")}


# --- the pages ------------------------------------------------------------------------


def test_the_month_lists_public_events_by_day_never_drafts_and_marks_cancelled_and_series(
    client, calendar_events
):
    page = client.get(f"/calendar?month={month_of(calendar_events['published'])}")

    assert page.status_code == 200
    assert titles_on(page) == [
        "Sote-kahvit Hämeenlinnassa",
        "Peruttu tilaisuus",
        "Sote-ryhmän kuukausitapaaminen",
    ]
    text = text_of(page)
    assert "Luonnos ei näy" not in text
    assert "Peruttu tilaisuus Cancelled" in text
    assert "Series: Järjestöjen sote-ryhmä · Online" in text
    day = clock.to_local(calendar_events["published"].starts_at)
    assert f"{day:%A} {day.day} {day:%B} {day.year}" in text
    # Finnish titles on an English page say what language they are in.
    assert '<span lang="fi">Sote-kahvit Hämeenlinnassa</span>' in page.get_data(as_text=True)


def test_the_calendar_is_in_the_header_and_defaults_to_this_month_in_helsinki(client, app):
    # Half past midnight on 1 March in Helsinki: still February in UTC.
    clock.travel(clock.from_local(datetime(2027, 3, 1, 0, 30)))
    page = client.get("/calendar")
    assert "<h1>March 2027</h1>" in page.get_data(as_text=True)
    assert 'href="/calendar">Calendar</a>' in client.get("/").get_data(as_text=True)
    assert "No events this month." in text_of(page)


def test_the_year_view_lists_every_month_with_its_events(client, calendar_events):
    year = clock.to_local(calendar_events["published"].starts_at).year
    page = client.get(f"/calendar/{year}")

    assert page.status_code == 200
    assert f"Annual calendar {year}" in text_of(page)
    assert len(re.findall(r'<section class="calendar-month"', page.get_data(as_text=True))) == 12
    assert "Sote-ryhmän kuukausitapaaminen" in titles_on(page)
    assert "Luonnos ei näy" not in text_of(page)


def test_swedish_visitors_see_the_swedish_title_and_month_names(client, calendar_events):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "sv"
    page = client.get(f"/calendar?month={month_of(calendar_events['meeting'])}")
    assert "Sote-gruppens månadsmöte" in titles_on(page)
    assert "Kalender" in text_of(page)


def test_filters_by_format_region_and_theme_keep_to_the_previous_and_next_months(
    client, calendar_events
):
    month = month_of(calendar_events["published"])

    by_region = client.get(f"/calendar?month={month}&region=Kanta-H%C3%A4me")
    # Events for the whole country (the online meeting) are shown with every county.
    assert titles_on(by_region) == ["Sote-kahvit Hämeenlinnassa", "Sote-ryhmän kuukausitapaaminen"]
    assert "region=Kanta-H%C3%A4me" in re.search(
        r'rel="next" href="([^"]+)"|href="([^"]+)" rel="next"', by_region.get_data(as_text=True)
    ).group(0)

    national = client.get(f"/calendar?month={month}&region=national")
    assert titles_on(national) == ["Sote-ryhmän kuukausitapaaminen"]
    online = client.get(f"/calendar?month={month}&format=online")
    assert titles_on(online) == ["Sote-ryhmän kuukausitapaaminen"]
    by_theme = client.get(f"/calendar?month={month}&theme=Mielenterveys")
    assert titles_on(by_theme) == ["Sote-kahvit Hämeenlinnassa"]
    nothing = client.get(f"/calendar?month={month}&theme=Kulttuuri")
    assert titles_on(nothing) == []
    assert "No events this month match the filters." in text_of(nothing)


@pytest.mark.parametrize(
    "query",
    [
        "month=9999-99",
        "month=2026-13",
        "month=1900-01",
        "month=" + "9" * 5000,
        "region=Atlantis",
        "format=%3Cscript%3E",
        "theme=" + "x" * 5000,
        "theme=a%00b",
        "region=" + "ä" * 3000 + "&format=" + "o" * 3000,
    ],
)
def test_hostile_filter_values_give_a_clear_page(client, calendar_events, query):
    page = client.get(f"/calendar?{query}")

    assert page.status_code == 200
    text = text_of(page)
    assert "There is a problem" in text or "was not understood" in text
    assert client.get(f"/calendar/{clock.now().year}?{query}").status_code == 200
    assert client.get(f"/calendar.json?{query}").status_code in (200, 400)
    assert client.get(f"/calendar.ics?{query}").status_code in (200, 400)
    assert client.get(f"/calendar/embed?{query}").status_code == 200


def test_years_far_away_are_not_calendar_pages(client, app):
    year = clock.to_local(clock.now()).year
    assert client.get(f"/calendar/{year + 5}").status_code == 200
    for far in (year + 6, year - 6, 0, 9999, 10**18, 10**30):
        assert client.get(f"/calendar/{far}").status_code == 404


# --- the iCalendar feeds --------------------------------------------------------------


def test_the_feed_has_every_public_event_with_a_stable_uid_and_no_join_link_or_person(
    client, calendar_events
):
    response = client.get("/calendar.ics")
    entries = feed_entries(response)

    assert set(entries) == {
        "Sote-kahvit Hämeenlinnassa",
        "Peruttu tilaisuus",
        "Sote-ryhmän kuukausitapaaminen",
    }
    coffee = entries["Sote-kahvit Hämeenlinnassa"]
    assert coffee["UID"] == f"event-{calendar_events['published'].id}@kutsu.test"
    assert coffee["STATUS"] == "CONFIRMED"
    assert entries["Peruttu tilaisuus"]["STATUS"] == "CANCELLED"
    assert coffee["URL"] == f"http://kutsu.test/events/{calendar_events['published'].slug}"
    assert "Tervetuloa **kahville**." in coffee["DESCRIPTION"]
    assert coffee.decoded("DTSTART") == clock.to_local(calendar_events["published"].starts_at)
    assert coffee["DTSTART"].params["TZID"] == "Europe/Helsinki"
    assert "LAST-MODIFIED" in coffee and "DTSTAMP" in coffee
    assert str(coffee["CONTACT"]) == "info@jarjesto.example.fi"  # shown on the event page
    body = response.get_data(as_text=True)
    assert "VTIMEZONE" in body
    for private in (TEAMS, "secret-room", "sara.organiser@example.fi", "Sara Organiser"):
        assert private not in body
    assert response.headers["Cache-Control"].startswith("public")


def test_a_notified_change_raises_the_sequence_and_keeps_the_uid_and_cancelling_marks_it(
    client, calendar_events
):
    event = calendar_events["published"]
    before = feed_entries(client.get("/calendar.ics"))["Sote-kahvit Hämeenlinnassa"]

    later = event.starts_at + timedelta(days=1)
    update_event(
        event,
        EventDetails(
            title=event.title,
            starts_at=later,
            ends_at=later + timedelta(hours=2),
            format=event.format,
            venue_name=event.venue_name,
            venue_address=event.venue_address,
            join_link=event.join_link,
            region=event.region,
            themes=event.themes,
            contact_email=event.contact_email,
        ),
    )
    db.session.commit()
    moved = feed_entries(client.get("/calendar.ics"))["Sote-kahvit Hämeenlinnassa"]
    assert moved["UID"] == before["UID"]
    assert moved["SEQUENCE"] > before["SEQUENCE"]
    assert moved.decoded("DTSTART") == clock.to_local(later)

    cancel_event(event)
    db.session.commit()
    gone = feed_entries(client.get("/calendar.ics"))["Sote-kahvit Hämeenlinnassa"]
    assert (gone["UID"], gone["STATUS"]) == (before["UID"], "CANCELLED")
    assert gone["SEQUENCE"] > moved["SEQUENCE"]


def test_an_unchanged_feed_is_not_sent_again(client, calendar_events):
    first = client.get("/calendar.ics")
    etag = first.headers["ETag"]
    assert first.headers["Last-Modified"]

    again = client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""

    # People signing up and cancelling change no one's calendar entry: the feed stays the
    # same bytes, and subscribed calendars are not sent it again.
    event = calendar_events["published"]
    clock.travel(clock.now() + timedelta(minutes=5))
    sign_up(client, event, email="aino@example.fi")
    sign_up(client, event, email="bertil@example.fi")
    registration = db.session.scalar(
        sa.select(Registration).where(Registration.email == "aino@example.fi")
    )
    cancel_registration(registration)
    db.session.commit()
    assert db.session.get(Event, event.id).confirmed_count == 1
    after_sign_ups = client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert after_sign_ups.status_code == 304

    calendar_events["published"].title = "Sote-kahvit, uusi nimi"
    db.session.commit()
    changed = client.get("/calendar.ics", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_a_feed_named_in_the_visitors_language_is_kept_apart_per_language(client, calendar_events):
    """Public and cacheable, and its X-WR-CALNAME is in the visitor's language: a shared
    cache must not hand the Swedish name to everyone."""
    names = {}
    for language in ("fi", "sv", "en"):
        response = client.get("/calendar.ics", headers={"Accept-Language": language})
        assert "public" in response.headers["Cache-Control"]
        assert "Accept-Language" in response.headers["Vary"]
        names[language] = icalendar.Calendar.from_ical(response.data)["X-WR-CALNAME"]
    assert len(set(names.values())) == 3


def test_the_feed_takes_the_page_filters(client, calendar_events):
    entries = feed_entries(client.get("/calendar.ics?region=Lappi"))
    assert set(entries) == {"Peruttu tilaisuus", "Sote-ryhmän kuukausitapaaminen"}
    assert client.get("/calendar.ics?region=Atlantis").status_code == 400


def test_a_series_has_a_feed_of_its_own_and_the_calendar_offers_subscribing(
    client, calendar_events
):
    entries = feed_entries(client.get("/calendar/series/sote-ryhma.ics"))
    assert set(entries) == {"Sote-ryhmän kuukausitapaaminen"}
    assert TEAMS not in client.get("/calendar/series/sote-ryhma.ics").get_data(as_text=True)
    assert client.get("/calendar/series/no-such.ics").status_code == 404

    html = client.get("/calendar").get_data(as_text=True)
    assert 'href="webcal://kutsu.test/calendar.ics"' in html
    assert "http://kutsu.test/calendar.ics" in html


def test_the_event_page_offers_its_ics_and_google_and_outlook_links_without_the_join_link(
    client, calendar_events
):
    event = calendar_events["published"]
    html = client.get(f"/events/{event.slug}").get_data(as_text=True)

    assert f'href="/events/{event.slug}.ics"' in html
    google = re.search(r'href="(https://calendar\.google\.com/[^"]+)"', html).group(1)
    outlook = re.search(r'href="(https://outlook\.live\.com/[^"]+)"', html).group(1)
    start = clock.to_local(event.starts_at)
    assert "action=TEMPLATE" in google and "text=Sote-kahvit+H%C3%A4meenlinnassa" in google
    assert f"{event.starts_at:%Y%m%dT%H%M%SZ}" in google
    assert "startdt=" + start.isoformat().replace(":", "%3A").replace("+", "%2B") in outlook
    assert "teams.example" not in html

    [entry] = feed_entries(client.get(f"/events/{event.slug}.ics")).values()
    assert entry["UID"] == f"event-{event.id}@kutsu.test"
    assert TEAMS not in client.get(f"/events/{event.slug}.ics").get_data(as_text=True)
    assert client.get(f"/events/{calendar_events['draft'].slug}.ics").status_code == 404
    cancelled = client.get(f"/events/{calendar_events['cancelled'].slug}").get_data(as_text=True)
    assert "calendar.google.com" not in cancelled


# --- JSON -----------------------------------------------------------------------------


def test_the_json_feed_has_the_documented_fields_and_may_be_read_by_any_site(
    client, calendar_events
):
    response = client.get("/calendar.json")

    assert response.headers["Access-Control-Allow-Origin"] == "*"
    events = {item["title"]["fi"]: item for item in response.get_json()["events"]}
    assert set(events) == {
        "Sote-kahvit Hämeenlinnassa",
        "Peruttu tilaisuus",
        "Sote-ryhmän kuukausitapaaminen",
    }
    meeting = events["Sote-ryhmän kuukausitapaaminen"]
    assert meeting["title"] == {
        "fi": "Sote-ryhmän kuukausitapaaminen",
        "sv": "Sote-gruppens månadsmöte",
    }
    assert meeting["format"] == "online" and meeting["venue"] is None
    assert meeting["series"]["slug"] == "sote-ryhma"
    assert meeting["series"]["title"] == {"fi": "Järjestöjen sote-ryhmä"}
    assert meeting["start"].endswith(("+02:00", "+03:00"))
    coffee = events["Sote-kahvit Hämeenlinnassa"]
    assert coffee["region"] == "Kanta-Häme" and coffee["themes"] == ["Mielenterveys"]
    assert coffee["venue"] == {"name": "Kumppanuustalo, auditorio", "address": "Hämeenlinna"}
    assert coffee["status"] == "published" and coffee["registration_open"] is True
    assert events["Peruttu tilaisuus"]["status"] == "cancelled"
    assert set(coffee) >= {"id", "url", "description", "end", "places_left"}
    body = response.get_data(as_text=True)
    assert "teams.example" not in body and "sara.organiser" not in body
    assert len(client.get("/calendar.json?count=1").get_json()["events"]) == 1
    assert client.get("/calendar.json?count=99999999999").status_code == 200


# --- the embed ------------------------------------------------------------------------


def test_the_embed_may_be_framed_by_no_site_by_default(client, calendar_events):
    response = client.get("/calendar/embed?lang=sv")

    assert response.status_code == 200
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
    assert response.headers["X-Frame-Options"] == "DENY"
    html = response.get_data(as_text=True)
    assert '<html lang="sv">' in html and "Sote-gruppens månadsmöte" in html
    assert 'target="_blank"' in html and "<script" not in html


def test_the_embed_may_be_framed_by_the_configured_sites_only(database_url, calendar_events, app):
    app.config["CALENDAR_EMBED_ORIGINS"] = ["https://www.jarjesto.fi", "https://*.soste.fi"]
    client = app.test_client()

    embed = client.get("/calendar/embed")
    policy = embed.headers["Content-Security-Policy"]
    assert "frame-ancestors https://www.jarjesto.fi https://*.soste.fi" in policy
    assert "X-Frame-Options" not in embed.headers
    calendar = client.get("/calendar")
    assert "frame-ancestors 'none'" in calendar.headers["Content-Security-Policy"]
    assert calendar.headers["X-Frame-Options"] == "DENY"


@pytest.mark.parametrize(
    "origins",
    ["https://www.jarjesto.fi", ["https://x.fi; script-src *"], ["https://x.fi/path"], [None]],
)
def test_embed_origins_that_are_not_a_list_of_origins_are_refused_at_start(database_url, origins):
    with pytest.raises(ValueError, match="CALENDAR_EMBED_ORIGINS"):
        create_app(
            {
                "SECRET_KEY": "x",
                "SQLALCHEMY_DATABASE_URI": database_url,
                "CALENDAR_EMBED_ORIGINS": origins,
            }
        )


def test_a_calendar_page_is_one_query_and_one_for_the_series_titles(client, calendar_events):
    import sqlalchemy as sa

    statements = []

    def count(conn, cursor, statement, *args):
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    month = month_of(calendar_events["published"])
    client.get(f"/calendar?month={month}")  # templates compiled, nothing else kept
    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        page = client.get(f"/calendar?month={month}&theme=Työllisyys")
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)

    assert titles_on(page) == ["Sote-ryhmän kuukausitapaaminen"]
    assert len(statements) == 2, statements
    assert "FROM event" in statements[0] and "FROM series" in statements[1]
    assert "join_link" not in statements[0] and "description" not in statements[0]


def front_page_titles(page) -> list[str]:
    return re.findall(r'<h2><a href="/events/[^"]+">(?:<span lang="fi">)?([^<]+)', page.text)


def test_the_front_page_lists_the_soonest_events_and_leads_to_the_calendar_for_the_rest(
    client, make_event, make_organiser
):
    owner = make_organiser()
    events = [
        make_event(owner, title=f"Tapaaminen {day:02d}", starts_in=timedelta(days=day))
        for day in range(1, 32)
    ]
    make_event(owner, title="Luonnos", starts_in=timedelta(hours=1), published=False)

    page = client.get("/")
    assert front_page_titles(page) == [f"Tapaaminen {day:02d}" for day in range(1, 31)]
    link = re.search(r'<a href="([^"]+)">All upcoming events in the calendar</a>', page.text)
    assert link and link.group(1) == "/calendar"

    cancel_event(events[-1])
    db.session.commit()
    page = client.get("/")
    assert len(front_page_titles(page)) == 30
    assert "All upcoming events in the calendar" not in page.text
