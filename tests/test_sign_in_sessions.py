"""Sign-in sessions live on the server: signing out ends one for every copy of its cookie,
and one left unused for SIGN_IN_IDLE_MINUTES, or older than SIGN_IN_MAX_DAYS, ends by
itself. Through gunicorn and plain HTTP clients, on SQLite and PostgreSQL."""

import os
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import SignInSession
from tests.conftest import PASSWORD, csrf_token_in
from tests.servers import running_server
from tests.test_concurrency import Browser

pytestmark = pytest.mark.both_databases


def sign_in(browser: Browser, email: str, password: str = PASSWORD):
    token = browser.form("/login")
    return browser.post("/login", {"csrf_token": token, "email": email, "password": password})


def sees_organiser_pages(browser: Browser) -> bool:
    """/organiser/ opens, or (signed out) leads to the sign-in page."""
    page = browser.get("/organiser/")
    assert page.status_code == 200
    if "/login" in page.url:
        assert "Organiser sign-in" in page.text
        return False
    return True


def copy_of(browser: Browser) -> Browser:
    other = Browser(browser.base_url)
    other.session.cookies.update(browser.session.cookies)
    return other


def move_clock(offset_file: Path, by: timedelta) -> None:
    """Every process reading CLOCK_OFFSET_FILE (the server's, and this one) moves on."""
    partial = offset_file.with_suffix(".partial")
    partial.write_text(f"{by.total_seconds()}\n")
    os.replace(partial, offset_file)


def test_a_copied_session_cookie_opens_nothing_after_signing_out(
    app, backend, database_url, make_organiser
):
    organiser = make_organiser()
    with running_server(database_url, workers=2, threads=2) as url:
        owner = Browser(url)
        assert sign_in(owner, organiser.email).status_code == 303
        stolen = copy_of(owner)
        assert sees_organiser_pages(owner) and sees_organiser_pages(stolen)

        token = csrf_token_in(owner.get("/organiser/").text)
        signed_out = owner.post("/logout", {"csrf_token": token})

        assert signed_out.status_code == 303
        assert not sees_organiser_pages(stolen)
        assert not sees_organiser_pages(owner)
        # Signing in again makes a new session; the copied cookie stays dead.
        assert sign_in(owner, organiser.email).status_code == 303
        assert sees_organiser_pages(owner) and not sees_organiser_pages(stolen)
    db.session.commit()
    rows = db.session.scalars(sa.select(SignInSession).order_by(SignInSession.id)).all()
    assert [row.ended_at is not None for row in rows] == [True, False]


def test_an_idle_session_ends_and_none_outlives_its_maximum(
    app, backend, database_url, make_organiser, tmp_path
):
    organiser = make_organiser()
    offset_file = tmp_path / "clock-offset"
    clock.follow_offset_file(offset_file)
    config = {
        "CLOCK_OFFSET_FILE": str(offset_file),
        "SIGN_IN_IDLE_MINUTES": 8 * 60,
        "SIGN_IN_MAX_DAYS": 1,
    }
    with running_server(database_url, workers=2, threads=2, config=config) as url:
        idle, busy = Browser(url), Browser(url)
        assert sign_in(idle, organiser.email).status_code == 303
        assert sign_in(busy, organiser.email).status_code == 303

        # Seven hours apart, a session is used within its idle time, and goes on.
        for hours in (7, 14, 21):
            move_clock(offset_file, timedelta(hours=hours))
            assert sees_organiser_pages(busy)
        # The other was last used 21 hours ago: it ended after 8.
        assert not sees_organiser_pages(idle)
        # A day after signing in, even a busy session ends.
        move_clock(offset_file, timedelta(hours=24, minutes=1))
        assert not sees_organiser_pages(busy)
        # And a new sign-in works as ever.
        assert sign_in(idle, organiser.email).status_code == 303
        assert sees_organiser_pages(idle)


def test_retention_deletes_sessions_a_month_after_their_last_use(app, backend, make_organiser):
    from app.auth.sessions import start_session
    from app.privacy.services import run_retention

    app.config |= {"SIGN_IN_IDLE_MINUTES": 8 * 60, "SIGN_IN_MAX_DAYS": 7}  # as deployed
    organiser = make_organiser()
    start_session(organiser)
    db.session.commit()
    clock.travel(clock.now() + timedelta(days=31))
    start_session(organiser)
    db.session.commit()

    done = run_retention(clock.now())
    db.session.commit()

    assert done.sign_in_sessions == 1
    [kept] = db.session.scalars(sa.select(SignInSession)).all()
    assert kept.created_at > clock.now() - timedelta(minutes=1)


def test_a_persons_export_lists_their_sign_ins_and_erasure_ends_them(
    app, backend, client, login, make_organiser
):
    from app.privacy.export import export_person
    from app.privacy.services import erase_person

    organiser = make_organiser(email="olli@example.fi")
    login(organiser)
    assert client.get("/organiser/").status_code == 200

    exported = export_person("OLLI@example.fi", clock.now())
    [signed_in] = exported["sign_ins"]
    assert signed_in["ended_at"] is None and signed_in["signed_in_at"]
    erase_person("olli@example.fi")
    db.session.commit()

    assert db.session.scalar(sa.select(sa.func.count(SignInSession.id))) == 0
    after = client.get("/organiser/")
    assert after.status_code == 302 and after.headers["Location"].startswith("/login")
