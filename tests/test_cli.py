"""The command line an operator uses: organiser accounts, demo data and the mail worker."""

import re
import signal
import sqlite3
import time
from datetime import time as time_of_day
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import clock
from app.demo.data import DEMO_EMAIL, DEMO_PASSWORD
from app.extensions import db
from app.home.services import PAGE_SIZE
from app.models import Event, EventStatus, Organiser, Registration, RegistrationStatus, Series
from tests.conftest import PASSWORD, submit, text_of

NEW_PASSWORD = "pitkä ja hyvä salasana"


def create_organiser(runner, *args, password=NEW_PASSWORD):
    return runner.invoke(
        args=["organiser", "create", *args, "--password-stdin"], input=password + "\n"
    )


def sign_in(client, email, password):
    return submit(client, "/login", {"email": email, "password": password})


def organiser_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Organiser.id)))


# --- organiser accounts ---------------------------------------------------------------


def test_organiser_create_makes_an_account_that_can_sign_in(runner, client):
    result = create_organiser(runner, "Liisa.Jarvinen@Example.fi", "--name", " Liisa Järvinen ")

    assert result.exit_code == 0, result.output
    assert result.output == "Created organiser liisa.jarvinen@example.fi.\n"
    signed_in = sign_in(client, "liisa.jarvinen@example.fi", NEW_PASSWORD)
    assert signed_in.status_code == 303
    dashboard = text_of(client.get(signed_in.headers["Location"]))
    assert "Your events" in dashboard
    assert "You have no events yet." in dashboard


def test_organiser_create_asks_for_the_password_twice_without_stdin(runner, client):
    result = runner.invoke(
        args=["organiser", "create", "liisa@example.fi", "--name", "Liisa"],
        input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n",
    )

    assert result.exit_code == 0, result.output
    assert sign_in(client, "liisa@example.fi", NEW_PASSWORD).status_code == 303


def test_admin_flag_makes_an_admin_who_sees_every_event(runner, client, make_organiser, make_event):
    make_event(make_organiser(email="a@example.fi"), title="Ensimmäinen tilaisuus")
    make_event(make_organiser(email="b@example.fi"), title="Toinen tilaisuus", published=False)

    result = create_organiser(runner, "paakayttaja@example.fi", "--name", "Pää Käyttäjä", "--admin")

    assert result.exit_code == 0, result.output
    assert "Created admin paakayttaja@example.fi." in result.output
    assert sign_in(client, "paakayttaja@example.fi", NEW_PASSWORD).status_code == 303
    assert "Ensimmäinen tilaisuus" in text_of(client.get("/organiser/"))
    assert "Toinen tilaisuus" in text_of(client.get("/organiser/?tab=drafts"))


def test_an_organiser_without_admin_sees_no_one_elses_events(
    runner, client, make_organiser, make_event
):
    make_event(make_organiser(email="a@example.fi"), title="Ensimmäinen tilaisuus")

    create_organiser(runner, "tavallinen@example.fi", "--name", "Tavallinen Järjestäjä")

    sign_in(client, "tavallinen@example.fi", NEW_PASSWORD)
    assert "Ensimmäinen tilaisuus" not in text_of(client.get("/organiser/"))


def test_a_second_account_for_the_same_email_is_refused(runner, client, make_organiser):
    make_organiser(email="olli@example.fi", name="Olli Organiser")

    result = create_organiser(runner, "OLLI@example.fi", "--name", "Toinen Olli")

    assert result.exit_code != 0
    assert "An account for olli@example.fi already exists." in result.output
    assert "Traceback" not in result.output
    assert organiser_count() == 1
    # The first account and its password are untouched.
    assert sign_in(client, "olli@example.fi", NEW_PASSWORD).status_code == 200
    assert sign_in(client, "olli@example.fi", PASSWORD).status_code == 303


@pytest.mark.parametrize("password", ["", "lyhyt", "123456789"])
def test_a_too_short_password_is_refused(runner, client, password):
    result = create_organiser(runner, "liisa@example.fi", "--name", "Liisa", password=password)

    assert result.exit_code != 0
    assert "The password must be at least 10 characters." in result.output
    assert organiser_count() == 0


# --- demo data ------------------------------------------------------------------------

SEMINAR_IN_ENGLISH = "NGOs in the health, social services and rescue services reform"
DEMO_TITLES = [
    "Hyvinvointi ja sote Kanta-Hämeessä – keskustelutilaisuus",
    "Järjestöjen sote-ryhmän kuukausitapaaminen (Teams)",
    "Järjestöt sosiaali- ja terveydenhuollon sekä pelastustoimen uudistuksessa",
    "POPup-aamukahvit: järjestöyhteistyö sote-keskuksissa",
    "Tulevaisuuden sote-keskus: kansallinen sidosryhmätyöpaja",
    "Vertaisryhmän ohjaajan koulutus järjestötoimijoille",
]


def event_cards(client) -> dict[str, str]:
    """The public list of upcoming events: title (in Finnish) -> what its English card says."""
    html = client.get("/").get_data(as_text=True)
    # The national seminar is given in English too (and Swedish): this page is English.
    html = html.replace(SEMINAR_IN_ENGLISH, DEMO_TITLES[2])
    cards = re.findall(r'<li class="event-card">(.*?)</li>', html, flags=re.S)
    found = {}
    for card in cards:
        title = re.sub(r"<[^>]+>", "", re.search(r"<h2><a [^>]*>(.*?)</a></h2>", card).group(1))
        found[title.replace("&amp;", "&")] = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", card))
    return found


def test_demo_load_publishes_the_demo_events_once(runner, client):
    result = runner.invoke(args=["demo", "load"])

    assert result.exit_code == 0, result.output
    assert "Demo data loaded." in result.output
    assert DEMO_PASSWORD not in result.output, "the sign-in comes last, from demo sign-in"
    cards = event_cards(client)
    assert sorted(cards) == sorted(DEMO_TITLES)
    evening, teams, seminar, coffee, workshop, training = (cards[title] for title in DEMO_TITLES)
    assert "Kumppanuustalo, auditorio, Hämeenlinna" in evening
    assert ", 17:00–19:00" in evening
    assert "60 places left" in evening
    assert "Where Online" in teams
    assert "Säätytalo, Snellmaninkatu 9–11, Helsinki and online" in seminar
    assert "Where Online" in coffee
    assert ", 09:00–09:30" in coffee
    assert "Participation by invitation" in workshop
    assert "16 places left" in training  # three sign-ups wait for the organisers' approval
    pending = db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.status == RegistrationStatus.PENDING
        )
    )
    assert pending == 3

    again = runner.invoke(args=["demo", "load"])

    assert again.exit_code == 0, again.output
    assert "Demo data is already there." in again.output
    assert sorted(event_cards(client)) == sorted(DEMO_TITLES)
    # The monthly Teams meeting is a series: its later meetings are events of their own.
    series = db.session.scalar(sa.select(Series))
    assert series.title == DEMO_TITLES[1]
    later = len(series.occurrences) - 1
    assert 6 <= later <= 9  # monthly, spring and autumn, for up to a year
    # Held already (not on the calendar): an evening for the overview's charts
    # (app.demo.overview), two with attendance (app.demo.attendance), two with feedback
    # (app.demo.feedback), one followed up (app.demo.followup).
    past = db.session.scalar(sa.select(sa.func.count(Event.id)).where(Event.ends_at < clock.now()))
    assert past == 6
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 6 + later + past
    assert organiser_count() == 1


def test_the_demo_teams_meeting_is_a_monthly_series_with_people_signed_up(runner):
    runner.invoke(args=["demo", "load"])

    series = db.session.scalar(sa.select(Series))
    dates = [clock.to_local(event.starts_at).date() for event in series.occurrences]
    assert len({(day.weekday(), (day.day - 1) // 7) for day in dates}) == 1  # e.g. 2nd Thursday
    assert not {day.month for day in dates} & {6, 7, 8}
    assert {clock.to_local(event.starts_at).time() for event in series.occurrences} == {
        time_of_day(14, 0)
    }
    assert [event.confirmed_count for event in series.occurrences[:3]] == [4, 2, 0]
    assert all(event.capacity == 25 for event in series.occurrences)


def test_the_demo_organiser_can_sign_in_and_sees_the_demo_events(runner, client):
    runner.invoke(args=["demo", "load"])

    assert sign_in(client, DEMO_EMAIL, DEMO_PASSWORD).status_code == 303
    # An administrator: accounts are theirs to invite, from the browser.
    assert client.get("/admin/accounts").status_code == 200
    dashboard = text_of(client.get("/organiser/"))
    for title in DEMO_TITLES:
        assert title in dashboard
    statuses = db.session.scalars(sa.select(Event.status)).all()
    assert statuses == [EventStatus.PUBLISHED] * len(statuses)
    # The first tab: those still to come (the past ones are on the next).
    upcoming = db.session.scalar(
        sa.select(sa.func.count(Event.id)).where(Event.ends_at > clock.now())
    )
    assert dashboard.count("Published") == min(upcoming, PAGE_SIZE)


def test_the_sign_in_printed_names_the_demo_password_while_it_signs_in(runner, client):
    runner.invoke(args=["demo", "load"])

    result = runner.invoke(args=["demo", "sign-in"])

    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[1:-1] == [
        "Kutsu:        http://127.0.0.1:5000",
        "Caught mail:  http://127.0.0.1:5000/dev/mail",
        "Sign in:      http://127.0.0.1:5000/login",
        f"              {DEMO_EMAIL} / password {DEMO_PASSWORD}",
    ]
    assert sign_in(client, DEMO_EMAIL, DEMO_PASSWORD).status_code == 303


def test_after_the_demo_password_is_changed_it_is_not_printed_and_resetting_is_explained(
    runner, client
):
    from app.auth.services import issue_password_reset_token, reset_password

    runner.invoke(args=["demo", "load"])
    demo = db.session.scalar(sa.select(Organiser).where(Organiser.email == DEMO_EMAIL))
    reset_password(issue_password_reset_token(demo), NEW_PASSWORD)
    db.session.commit()

    result = runner.invoke(args=["demo", "sign-in"])

    assert result.exit_code == 0, result.output
    assert DEMO_PASSWORD not in result.output
    assert f"{DEMO_EMAIL}: its password is no longer the demo one." in result.output
    assert '"Forgot your password?" on the sign-in page' in result.output
    assert sign_in(client, DEMO_EMAIL, DEMO_PASSWORD).status_code == 200, "refused"


def test_without_demo_data_the_sign_in_says_how_to_load_it(runner):
    result = runner.invoke(args=["demo", "sign-in"])

    assert DEMO_PASSWORD not in result.output
    assert "No demo organiser: `flask --app wsgi demo load` makes one." in result.output


def test_make_run_prints_the_sign_in_last_just_before_the_servers_start():
    makefile = (Path(__file__).parents[1] / "Makefile").read_text()
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    commands = [
        line.strip() for line in recipe.splitlines()[1:] if not line.strip().startswith("@#")
    ]
    steps = ["db upgrade", "demo load", "demo sign-in", "mail catch", "mail work", "run --debug"]
    found = [next(i for i, c in enumerate(commands) if step in c) for step in steps]
    assert found == sorted(found), commands
    assert not [c for c in commands if c.startswith("@echo")], "nothing printed after it"


# --- the mail worker ------------------------------------------------------------------


@pytest.fixture
def signal_handlers_restored():
    """`mail work` installs SIGTERM and SIGINT handlers; put the test runner's back."""
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    yield
    for sig, handler in saved.items():
        signal.signal(sig, handler)


def test_mail_work_once_sends_what_is_due_and_exits(
    runner, client, make_event, mailbox, signal_handlers_restored
):
    event = make_event(capacity=1)
    for email in ("sara@example.fi", "matti@example.fi"):
        data = {"name": "Osallistuja", "email": email, "consent": "y"}
        submit(client, f"/events/{event.slug}/register", data)
    title = event.title

    result = runner.invoke(args=["mail", "work", "--once"])

    assert result.exit_code == 0, result.output
    assert "sent 2 message(s)" in result.output
    [confirmed] = mailbox.to("sara@example.fi")
    assert confirmed["Subject"] == f"You are registered: {title}"
    assert "http://kutsu.test/manage/" in mailbox.text(confirmed)
    [waiting] = mailbox.to("matti@example.fi")
    assert waiting["Subject"] == f"You are on the waiting list: {title}"

    again = runner.invoke(args=["mail", "work", "--once"])

    assert again.exit_code == 0, again.output
    assert again.output == ""
    assert len(mailbox.messages) == 2


def test_a_failing_retention_purge_is_logged_and_the_mail_still_goes(
    runner, client, make_event, mailbox, signal_handlers_restored, monkeypatch, caplog
):
    event = make_event()
    submit(
        client,
        f"/events/{event.slug}/register",
        {"name": "Sara Virtanen", "email": "sara@example.fi", "consent": "y"},
    )

    # A database that refuses the purge cannot be had on demand here; this is its error.
    def refused(now, dry_run=False):
        raise sa.exc.OperationalError("DELETE FROM registration", {}, Exception("locked"))

    monkeypatch.setattr("app.privacy.services.purge_expired", refused)

    result = runner.invoke(args=["mail", "work", "--once"])

    assert result.exit_code == 0, result.output
    assert "sent 1 message(s)" in result.output
    [confirmed] = mailbox.to("sara@example.fi")
    assert confirmed["Subject"].startswith("You are registered")
    assert "retention: the purge failed; next try in an hour" in caplog.text


def test_a_failed_purge_is_tried_again_an_hour_later_not_a_day(app, monkeypatch):
    from app.cli import PURGE_INTERVAL_SECONDS, PURGE_RETRY_SECONDS, purge_when_due

    tries = []

    def refused(now, dry_run=False):
        tries.append(now)
        raise sa.exc.OperationalError("DELETE FROM registration", {}, Exception("locked"))

    monkeypatch.setattr("app.privacy.services.purge_expired", refused)
    with app.app_context():
        failed_at = purge_when_due(None)
        assert purge_when_due(failed_at) == failed_at  # not again at once
        next_try_in = failed_at + PURGE_INTERVAL_SECONDS - time.monotonic()
    assert len(tries) == 1
    assert PURGE_RETRY_SECONDS - 60 < next_try_in <= PURGE_RETRY_SECONDS


# --- backups --------------------------------------------------------------------------


@pytest.mark.both_databases
def test_backup_copies_the_sqlite_database_while_it_is_in_use(
    runner, make_event, tmp_path, backend
):
    event = make_event(title="Varmuuskopioitava tapahtuma")
    db.session.commit()
    target = tmp_path / "kutsu-backup.sqlite3"
    # A read transaction is open in this session while the copy is made, as a server's
    # would be.
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 1

    result = runner.invoke(args=["backup", str(target)])

    if backend == "postgresql":
        assert result.exit_code != 0
        assert "pg_dump" in result.output
        assert not target.exists()
        return
    assert result.exit_code == 0, result.output
    assert f"Backed up to {target}" in result.output
    with sqlite3.connect(target) as copy:
        assert copy.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        titles = copy.execute("SELECT title FROM event").fetchall()
    assert titles == [(event.title,)]
    assert list(tmp_path.glob(".*partial")) == []


def test_the_demo_events_have_regions_and_themes_for_the_calendar_filters(runner, client):
    runner.invoke(args=["demo", "load"])

    kanta_hame = client.get("/calendar.json?region=Kanta-H%C3%A4me").get_json()["events"]
    titles = {event["title"]["fi"] for event in kanta_hame}
    # The county's own events, and the national seminar shown with every county.
    assert {DEMO_TITLES[0], DEMO_TITLES[1], DEMO_TITLES[2]} <= titles
    assert DEMO_TITLES[3] not in titles  # POPup-aamukahvit is in North Ostrobothnia
    by_theme = client.get("/calendar.json?theme=Sote-uudistus").get_json()["events"]
    assert {event["title"]["fi"] for event in by_theme} == {DEMO_TITLES[0], DEMO_TITLES[2]}
