"""The organiser's home: tabs, search, the numbers of each event, an admin's view of all."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.accounts.services import add_co_organiser
from app.extensions import db
from app.models import OrganiserRole
from app.privacy.services import purge_expired
from app.signup import services as signup
from tests.conftest import text_of

pytestmark = pytest.mark.both_databases

PAST = -timedelta(days=10)


def tab_texts(client, query: str = "") -> str:
    return text_of(client.get(f"/organiser/{query}"))


def rows(client, query: str = "") -> list[str]:
    """The titles in the table, top to bottom."""
    html = client.get(f"/organiser/{query}").get_data(as_text=True)
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in html else ""
    return [re.sub(r"<[^>]+>", "", title) for title in re.findall(r"<td><a [^>]*>(.*?)</a>", body)]


def sign_up_people(event, count: int, *, prefix: str = "osallistuja") -> None:
    for number in range(count):
        signup.register_for_event(
            event,
            name=f"Osallistuja {number}",
            email=f"{prefix}{number}@example.fi",
            organisation="",
            answers={},
            locale="fi",
        )
    db.session.commit()


def test_events_are_in_the_upcoming_drafts_and_past_tabs_each_with_its_count(
    client, login, make_organiser, make_event
):
    me = make_organiser(email="me@example.fi")
    make_event(me, title="Tuleva kokous")
    make_event(me, title="Käynnissä nyt", starts_in=-timedelta(hours=1))  # not ended: upcoming
    make_event(me, title="Keskeneräinen luonnos", published=False)
    make_event(me, title="Mennyt kokous", starts_in=PAST)
    cancelled = make_event(me, title="Peruttu tuleva")
    cancelled.status = "cancelled"
    old_cancelled = make_event(me, title="Peruttu mennyt", starts_in=PAST)
    old_cancelled.status = "cancelled"
    db.session.commit()
    login(me)

    page = tab_texts(client)
    assert "Upcoming (3) Drafts (1) Past (2)" in page
    assert sorted(rows(client)) == ["Käynnissä nyt", "Peruttu tuleva", "Tuleva kokous"]
    assert rows(client, "?tab=drafts") == ["Keskeneräinen luonnos"]
    assert sorted(rows(client, "?tab=past")) == ["Mennyt kokous", "Peruttu mennyt"]
    # The tab shown is marked for assistive technology; an unknown one is Upcoming.
    html = client.get("/organiser/?tab=past").get_data(as_text=True)
    assert re.search(r'tab=past"\s+aria-current="page">Past', html)
    assert len(rows(client, "?tab=nonsense")) == 3


def test_upcoming_come_soonest_first_past_newest_first_drafts_last_changed_first(
    client, login, make_organiser, make_event
):
    me = make_organiser(email="me@example.fi")
    make_event(me, title="Kuukauden päästä", starts_in=timedelta(days=30))
    make_event(me, title="Huomenna", starts_in=timedelta(days=1))
    make_event(me, title="Kauan sitten", starts_in=timedelta(days=-300))
    make_event(me, title="Viime viikolla", starts_in=timedelta(days=-7))
    edited_first = make_event(me, title="Ensin muokattu", published=False)
    make_event(me, title="Viimeksi muokattu", published=False)
    clock.travel(clock.now() + timedelta(minutes=5))
    edited_first.venue_name = "Kumppanuustalo"  # changed last: now first
    db.session.commit()
    login(me)

    assert rows(client) == ["Huomenna", "Kuukauden päästä"]
    assert rows(client, "?tab=past") == ["Viime viikolla", "Kauan sitten"]
    assert rows(client, "?tab=drafts") == ["Ensin muokattu", "Viimeksi muokattu"]


def test_the_search_finds_a_title_in_any_of_its_languages_and_keeps_the_tab(
    client, login, make_organiser, make_event
):
    me = make_organiser(email="me@example.fi")
    make_event(
        me,
        title="Järjestöjen kevätpäivä",
        translations={"sv": {"title": "Organisationernas vårdag", "description": ""}},
    )
    make_event(me, title="Sote-ryhmän kokous")
    make_event(me, title="Kevään luonnos", published=False)
    make_event(me, title="100 % osallisuus")
    make_event(me, title="1000 osallistujaa")
    login(me)

    assert rows(client, "?q=KEVÄT") == ["Järjestöjen kevätpäivä"]
    assert rows(client, "?q=vårdag") == ["Järjestöjen kevätpäivä"]
    # The counts are of what was found; the tab stays the one searched in.
    page = tab_texts(client, "?tab=drafts&q=kevä")
    assert "Upcoming (1) Drafts (1) Past (0)" in page
    assert rows(client, "?tab=drafts&q=kevä") == ["Kevään luonnos"]
    html = client.get("/organiser/?tab=drafts&q=kevä").get_data(as_text=True)
    assert '<input type="hidden" name="tab" value="drafts">' in html
    # % and _ are letters, not wildcards.
    assert rows(client, "?q=100 %") == ["100 % osallisuus"]
    assert rows(client, "?q=_") == []
    assert "No events found." in tab_texts(client, "?q=" + "x" * 5000)


def test_each_row_counts_confirmed_places_waiting_and_sign_ups_of_the_last_seven_days(
    client, login, make_organiser, make_event
):
    me = make_organiser(email="me@example.fi")
    event = make_event(me, title="Suosittu kokous", capacity=3)
    clock.travel(clock.now() - timedelta(days=8))
    sign_up_people(event, 2, prefix="aiemmin")
    clock.reset()
    sign_up_people(event, 3, prefix="nyt")  # one place left, then two wait
    login(me)

    page = tab_texts(client)

    # Confirmed / places, waiting, sign-ups in the last 7 days.
    assert "Suosittu kokous" in page
    assert re.search(r"Published 3 / 3 2 3\b", page), page


def test_the_numbers_take_the_same_queries_for_two_events_as_for_twenty(
    app, client, login, make_organiser, make_event
):
    me = make_organiser(email="me@example.fi")
    login(me)

    def queries_for_the_home() -> int:
        statements = []
        engine = db.engine
        listener = lambda *args: statements.append(args[2])  # noqa: E731
        sa.event.listen(engine, "before_cursor_execute", listener)
        try:
            assert client.get("/organiser/").status_code == 200
        finally:
            sa.event.remove(engine, "before_cursor_execute", listener)
        return len(statements)

    for number in range(2):
        sign_up_people(make_event(me, title=f"Kokous {number}"), 1, prefix=f"e{number}-")
    few = queries_for_the_home()
    for number in range(2, 20):
        sign_up_people(make_event(me, title=f"Kokous {number}"), 1, prefix=f"e{number}-")
    many = queries_for_the_home()

    assert many == few


def test_the_events_come_fifty_to_a_page(client, login, make_organiser, make_event):
    me = make_organiser(email="me@example.fi")
    for number in range(51):
        make_event(me, title=f"Kokous {number:02d}", starts_in=timedelta(days=1 + number))
    login(me)

    assert len(rows(client)) == 50
    assert "Page 1 of 2" in tab_texts(client)
    assert rows(client, "?page=2") == ["Kokous 50"]
    assert len(rows(client, "?page=99999999999999999999")) == 50  # out of bounds: page 1


def test_an_organiser_sees_their_events_and_those_they_help_at_under_your_events(
    client, login, make_organiser, make_event
):
    me = make_organiser(email="me@example.fi")
    other = make_organiser(email="other@example.fi", name="Toinen Järjestäjä")
    make_event(me, title="Oma tilaisuus")
    helped = make_event(other, title="Autan tässä")
    make_event(other, title="Toisen tilaisuus")
    add_co_organiser(helped, me.email, OrganiserRole.HELPER)
    db.session.commit()
    login(me)

    html = client.get("/organiser/").get_data(as_text=True)

    assert "<h1>Your events</h1>" in html
    assert "All events" not in html
    assert sorted(rows(client)) == ["Autan tässä", "Oma tilaisuus"]
    # No filter by organiser for non-admins: the parameter changes nothing.
    assert sorted(rows(client, f"?organiser={other.id}")) == ["Autan tässä", "Oma tilaisuus"]
    assert f'href="/organiser/events/{helped.id}/check-in"' in html
    assert 'id="organiser"' not in html


def test_an_admin_sees_all_events_filters_by_organiser_and_finds_those_nobody_organises(
    client, login, make_organiser, make_event
):
    admin = make_organiser(email="admin@example.fi", name="Ylläpitäjä", admin=True)
    sara = make_organiser(email="sara@example.fi", name="Sara Esimerkki")
    gone = make_organiser(email="gone@example.fi", name="Lähtenyt Järjestäjä")
    make_event(admin, title="Ylläpitäjän oma")
    make_event(sara, title="Saran tilaisuus")
    orphan = make_event(gone, title="Hylätty tilaisuus")
    add_co_organiser(orphan, sara.email, OrganiserRole.HELPER)  # a helper organises nothing
    gone.active = False
    db.session.commit()
    login(admin)

    page = tab_texts(client)
    html = client.get("/organiser/").get_data(as_text=True)
    assert "<h1>All events</h1>" in html
    # The header's link says what it opens, as the heading does.
    assert '/organiser/">All events</a>' in html and "Your events" not in html
    assert sorted(rows(client)) == ["Hylätty tilaisuus", "Saran tilaisuus", "Ylläpitäjän oma"]
    assert page.count("No active organiser") == 1
    assert re.search(r"Hylätty tilaisuus No active organiser", page)

    assert sorted(rows(client, f"?organiser={sara.id}")) == ["Hylätty tilaisuus", "Saran tilaisuus"]
    assert rows(client, f"?organiser={admin.id}&q=oma") == ["Ylläpitäjän oma"]
    html = client.get(f"/organiser/?organiser={sara.id}").get_data(as_text=True)
    assert f'<option value="{sara.id}" selected>' in html
    assert "Lähtenyt Järjestäjä (gone@example.fi) – deactivated" in text_of(
        client.get("/organiser/")
    )
    # An organiser not in the list, or no number at all, is no filter.
    for wrong in ("999999", "99999999999999999999999", "abc", "-1", ""):
        assert len(rows(client, f"?organiser={wrong}")) == 3, wrong


def test_a_past_event_says_when_its_personal_data_is_erased_and_then_that_it_was(
    client, login, make_organiser, make_event
):
    me = make_organiser(email="me@example.fi")
    event = make_event(me, title="Syyskokous", starts_in=timedelta(days=1), retention_days=30)
    sign_up_people(event, 1)
    erased_on = event.ends_at + timedelta(days=30)
    clock.travel(event.ends_at + timedelta(days=1))
    login(me)

    page = tab_texts(client, "?tab=past")
    local = clock.to_local(erased_on)
    assert f"Personal data will be erased on {local:%a} {local.day} {local:%b %Y}" in page

    clock.travel(erased_on + timedelta(hours=1))
    purge_expired(clock.now())
    db.session.commit()
    page = tab_texts(client, "?tab=past")
    assert "Syyskokous" in page
    assert "Personal data will be erased on" not in page
    assert "Personal data erased" in page


@pytest.mark.parametrize("query", ["?tab=%00", "?q=%00", "?page=-1", "?organiser=%ff"])
def test_no_address_of_the_home_is_a_server_error(client, login, make_organiser, query):
    login(make_organiser(email="admin@example.fi", admin=True))
    assert client.get(f"/organiser/{query}").status_code == 200
