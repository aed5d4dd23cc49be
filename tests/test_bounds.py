"""Numbers and dates at the edge, through gunicorn as deployed: an id, a page number or a
form's block number too large for the database (or for int()), and a date too far for
Python's datetime, are a 404, the first page, or a message at the field; never a 500."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import requests
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import Event, Participation
from tests.conftest import Mailbox, csrf_token_in, typed_moment
from tests.servers import running_mail_worker, running_server
from tests.test_export_downloads import TIMEOUT, Organiser
from tests.test_mail_workers import wait_for
from tests.test_organiser import event_form, question_fields

TOO_LARGE = "99999999999999999999"  # 20 digits
JUST_PAST = str(2**63)  # 19 digits: past what SQLite and PostgreSQL store
HUGE = "9" * 5000  # past int()'s digit limit (a form field's name; gunicorn allows an
# address of 4094 characters at most)


def visible_text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def post(organiser: Organiser, path: str, data: dict, form_page: str) -> requests.Response:
    token = csrf_token_in(organiser.get(form_page).text)
    return organiser.session.post(
        organiser.base_url + path,
        data={"csrf_token": token, **data},
        allow_redirects=False,
        timeout=TIMEOUT,
    )


@pytest.mark.both_databases
def test_ids_and_page_numbers_past_what_the_database_holds_are_no_page(
    make_organiser, make_event, database_url
):
    admin = make_organiser(email="admin@example.fi", admin=True)
    event = make_event(admin)
    base = f"/organiser/events/{event.id}"

    with running_server(database_url, workers=1, threads=2) as base_url:
        organiser = Organiser(base_url, admin.email)
        pages = {
            path: organiser.get(path, allow_redirects=False).status_code
            for path in [
                f"/organiser/events/{TOO_LARGE}",
                f"/organiser/events/{JUST_PAST}",
                f"/organiser/events/{JUST_PAST}/attendees.csv",
                f"/organiser/events/{event.id}/nominations/{JUST_PAST}",
            ]
        }
        listed = {
            path: organiser.get(path, allow_redirects=False)
            for path in [
                f"{base}/attendees?page={TOO_LARGE}",
                f"{base}/attendees?page={'9' * 4000}",
                f"{base}/attendees?page=-1",
                f"{base}/outbox?page={TOO_LARGE}",
                f"/admin/audit?page={TOO_LARGE}",
                f"/admin/audit?page={JUST_PAST}",
            ]
        }
        posts = {
            path: post(organiser, path, {"arrived": "1"}, f"{base}/check-in").status_code
            for path in [
                f"{base}/check-in/{TOO_LARGE}",
                f"{base}/check-in/{JUST_PAST}",
                f"{base}/messages/{TOO_LARGE}/cancel",
                f"{base}/outbox/{JUST_PAST}/retry",
            ]
        }

    assert pages == dict.fromkeys(pages, 404)
    assert posts == dict.fromkeys(posts, 404)
    # A page number out of range shows the first page.
    assert {path: response.status_code for path, response in listed.items()} == dict.fromkeys(
        listed, 200
    )
    assert "Audit log" in visible_text(listed[f"/admin/audit?page={TOO_LARGE}"].text)


def test_a_nominee_block_numbered_past_ints_limit_is_taken_in_order(make_event, database_url):
    """Unauthenticated: nominees-<5000 digits>-name was a server error for anyone."""
    workshop = make_event(
        title="Tulevaisuuden sote-keskus",
        participation=Participation.INVITATION,
        nominations_close_at=clock.now() + timedelta(days=20),
        starts_in=timedelta(days=60),
    )
    path = f"/events/{workshop.slug}/nominate"

    with running_server(database_url, workers=1, threads=2) as base_url:
        session = requests.Session()
        session.trust_env = False
        session.headers["Accept-Language"] = "en"
        token = csrf_token_in(session.get(base_url + path, timeout=TIMEOUT).text)
        shown = session.post(
            base_url + path,
            data={
                "csrf_token": token,
                "name": "Nina Nominator",
                "email": "nina@soste.example",
                "organisation": "SOSTE ry",
                "nominees-0-name": "Aino Aalto",
                f"nominees-{HUGE}-name": "Far Away",
                "add_nominee": "1",
            },
            allow_redirects=False,
            timeout=TIMEOUT,
        )

    assert shown.status_code == 200
    names = re.findall(r'name="nominees-(\d+)-name"[^>]*value="([^"]*)"', shown.text)
    names += re.findall(r'value="([^"]*)"[^>]*name="nominees-(\d+)-name"', shown.text)
    assert ("0", "Aino Aalto") in names and ("1", "Far Away") in names


@pytest.mark.both_databases
@pytest.mark.parametrize(
    "field, day, message",
    [
        ("starts_at", "1.1.0001", "Enter the start date as a date from 1.1.2000 to 31.12.2199"),
        ("ends_at", "31.12.9999", "Enter the end date as a date from 1.1.2000 to 31.12.2199"),
    ],
)
def test_a_date_out_of_range_is_refused_at_its_field_with_what_was_typed_kept(
    make_organiser, database_url, field, day, message
):
    owner = make_organiser()

    with running_server(database_url, workers=1, threads=2) as base_url:
        organiser = Organiser(base_url, owner.email)
        typed = {**event_form(), **typed_moment(field, day, "12.00"), "save": "1"}
        page = post(organiser, "/organiser/events/new", typed, "/organiser/events/new")

    assert page.status_code == 200
    assert message in visible_text(page.text)
    assert re.search(rf'id="{field}-date"[^>]*value="{re.escape(day)}"', page.text)
    assert 'value="Järjestöjen joulukahvit"' in page.text
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Event)) == 0


@pytest.mark.both_databases
def test_an_event_ending_in_year_9999_with_long_retention_still_gets_its_confirmations(
    make_event, database_url, mailbox, smtp_server
):
    """Stored before dates were bounded (or by hand): its retention time, end + 3650 days,
    is past datetime's last year. The confirmation, whose manage link expires then, failed
    to render in the mail worker; now the link expires at the last moment kept."""
    event = make_event(capacity=10, retention_days=3650)
    event.starts_at = datetime(9999, 6, 1, 9, 0, tzinfo=UTC)
    event.ends_at = datetime(9999, 6, 1, 11, 0, tzinfo=UTC)
    db.session.commit()
    path = f"/events/{event.slug}/register"

    with (
        running_server(database_url, workers=1, threads=2) as base_url,
        running_mail_worker(database_url, smtp_port=smtp_server.port) as worker,
    ):
        session = requests.Session()
        session.trust_env = False
        session.headers["Accept-Language"] = "en"
        token = csrf_token_in(session.get(base_url + path, timeout=TIMEOUT).text)
        done = session.post(
            base_url + path,
            data={
                "csrf_token": token,
                "name": "Sara Löyttyjärvi",
                "email": "sara@example.fi",
                "consent": "y",
            },
            timeout=TIMEOUT,
        )
        wait_for(lambda: mailbox.to("sara@example.fi"), "the confirmation", processes=[worker])

    assert done.status_code == 200
    assert "sara@example.fi" in done.text
    [confirmation] = mailbox.to("sara@example.fi")
    assert "/manage/" in Mailbox.text(confirmation)


def test_a_question_id_past_ints_limit_is_a_new_question(make_organiser, database_url):
    """The event form's hidden question id, posted with 5,000 digits, was a server error."""
    owner = make_organiser()

    with running_server(database_url, workers=1, threads=2) as base_url:
        organiser = Organiser(base_url, owner.email)
        typed = {
            **event_form(),
            **question_fields(0, "Erityisruokavalio"),
            "questions-0-id": HUGE,
            "save": "1",
        }
        saved = post(organiser, "/organiser/events/new", typed, "/organiser/events/new")

    assert saved.status_code == 303
    db.session.rollback()
    [event] = db.session.scalars(sa.select(Event)).all()
    assert [question.label for question in event.questions] == ["Erityisruokavalio"]


@pytest.mark.both_databases
def test_a_search_with_nul_or_wildcards_is_a_page_that_finds_what_was_typed(
    make_organiser, make_event, database_url
):
    """Every search box: a NUL (which PostgreSQL refuses in a query) or a % is typed text,
    never a server error nor a wildcard; 3,000 characters are cut to what a name may be."""
    admin = make_organiser(email="admin@example.fi", admin=True)
    event = make_event(admin)
    base = f"/organiser/events/{event.id}"
    searches = ["a\x00b", "%", "_", "x" * 3000]

    with running_server(database_url, workers=1, threads=2) as base_url:
        organiser = Organiser(base_url, admin.email)
        answers = {
            (path, typed): organiser.get(path, params={"q": typed}, allow_redirects=False)
            for path in [f"{base}/attendees", f"{base}/check-in", "/organiser/", "/admin/accounts"]
            for typed in searches
        }

    assert {key: answer.status_code for key, answer in answers.items()} == dict.fromkeys(
        answers, 200
    )
    # "%" is a letter here: no event's title holds one, so the home finds none.
    assert event.title not in visible_text(answers[("/organiser/", "%")].text)
