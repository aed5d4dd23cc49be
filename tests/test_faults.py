"""Faults: a database that cannot be written to gives a clean page and loses nothing."""

import sqlite3
from contextlib import contextmanager

import psycopg
import pytest
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.models import OutboundEmail, Registration
from tests.conftest import csrf_token_in, text_of


@contextmanager
def database_held_by_someone_else(database_url: str):
    """Another connection holds the tables the sign-up needs, and does not let go."""
    if database_url.startswith("sqlite"):
        holder = sqlite3.connect(database_url.removeprefix("sqlite:///"), isolation_level=None)
        holder.execute("BEGIN EXCLUSIVE")
        try:
            yield
        finally:
            holder.execute("ROLLBACK")
            holder.close()
    else:
        with psycopg.connect(database_url, autocommit=False) as holder:
            holder.execute("LOCK TABLE event, registration IN ACCESS EXCLUSIVE MODE")
            yield
            holder.rollback()


def impatient_app(app, database_url: str):
    """The test app as in production (errors become pages), giving up on locks quickly."""
    if database_url.startswith("sqlite"):
        connect_args = {"timeout": 0.3}
    else:
        connect_args = {"options": "-c lock_timeout=300"}
    return create_app(
        {
            **app.config,
            "SQLALCHEMY_DATABASE_URI": database_url,
            "TESTING": False,
            "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": connect_args},
        }
    )


@pytest.fixture
def faulty(app, database_url):
    faulty = impatient_app(app, database_url)
    yield faulty
    with faulty.app_context():
        db.engine.dispose()  # its own pool: close what it opened


@pytest.mark.both_databases
def test_a_database_error_during_sign_up_gives_a_clean_page_and_writes_nothing(
    database_url, make_event, faulty
):
    event = make_event(capacity=10)
    slug = event.slug
    db.session.commit()
    db.session.close()
    client = faulty.test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    token = csrf_token_in(client.get(f"/events/{slug}/register").text)
    data = {"csrf_token": token, "name": "Sara", "email": "sara@example.fi", "consent": "y"}

    with database_held_by_someone_else(database_url):
        response = client.post(f"/events/{slug}/register", data=data)

    assert response.status_code == 500
    assert "Something went wrong on our side. Nothing was saved." in text_of(response)
    assert "Traceback" not in response.text and "sqlalchemy" not in response.text.lower()
    counts = [
        db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Registration, OutboundEmail)
    ]
    assert counts == [0, 0]
    # Once the database is free again, the same form goes through.
    again = client.post(f"/events/{slug}/register", data=data)
    assert again.status_code == 303


@pytest.mark.both_databases
def test_a_failed_request_is_logged_without_the_personal_link_in_its_address(
    database_url, live_manage_token, faulty, caplog
):
    raw = live_manage_token
    client = faulty.test_client()
    page = client.get(f"/manage/{raw}/cancel")
    assert page.status_code == 200
    data = {"csrf_token": csrf_token_in(page.text)}

    with database_held_by_someone_else(database_url):
        response = client.post(f"/manage/{raw}/cancel", data=data)

    assert response.status_code == 500
    logged = "\n".join(record.getMessage() for record in caplog.records)
    assert "Exception on /manage/<token>/cancel [POST]" in logged
    assert raw not in caplog.text
