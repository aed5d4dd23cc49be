"""What operators use: the health check, and `flask check` of the configuration."""

import runpy
import time
from types import SimpleNamespace

import psycopg
import pytest
from flask import Flask

from app import create_app
from app.config import ROOT
from app.extensions import db


def test_healthz_answers_ok_while_the_database_does(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": True}
    assert response.headers["Cache-Control"] == "no-store"
    assert "Set-Cookie" not in response.headers


def test_healthz_answers_503_when_the_database_does_not(app, tmp_path):
    missing = tmp_path / "no-such-folder" / "kutsu.sqlite3"
    broken = create_app({**app.config, "SQLALCHEMY_DATABASE_URI": f"sqlite:///{missing}"})
    response = broken.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.json == {"status": "error", "database": False}


def _drop_connections_of(url: str) -> int:
    """What a restart or an idle timeout does: the server ends every other session."""
    with psycopg.connect(url, autocommit=True) as admin:
        return admin.execute(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]


@pytest.mark.postgresql
def test_a_connection_the_server_dropped_while_it_sat_idle_is_replaced_not_an_error(
    app, postgres_url
):
    served = create_app(
        {
            **app.config,
            "SQLALCHEMY_DATABASE_URI": postgres_url,
            "SQLALCHEMY_ENGINE_OPTIONS": {},  # the SQLite app's are not for PostgreSQL
            "DATABASE_CHECK_AFTER_IDLE_SECONDS": 0.2,
        }
    )
    client = served.test_client()
    assert client.get("/healthz").status_code == 200  # its connection now waits in the pool
    assert _drop_connections_of(postgres_url) >= 1
    time.sleep(0.3)

    response = client.get("/healthz")

    assert response.status_code == 200, response.json
    assert client.get("/healthz").status_code == 200
    with served.app_context():
        db.engine.dispose()


def run(checked, *args):
    """A command of `checked`, not of the test's own app (whose context is active)."""
    with checked.app_context():
        return checked.test_cli_runner().invoke(args=list(args))


def operators_app(app, tmp_path, **config):
    database = f"sqlite:///{tmp_path / 'operator.sqlite3'}"
    settings = {"SQLALCHEMY_DATABASE_URI": database, "SERVICE_CONTACT_EMAIL": "it@example.fi"}
    return create_app({**app.config, **settings, **config})


def test_check_passes_a_migrated_setup_and_warns_about_plain_http(app, tmp_path):
    checked = operators_app(
        app, tmp_path, SECRET_KEY="x" * 64, SERVICE_CONTACT_EMAIL="it@example.fi"
    )
    assert run(checked, "db", "upgrade").exit_code == 0

    result = run(checked, "check")

    assert result.exit_code == 0, result.output
    assert "ok      the database is at the newest migration" in result.output
    assert "ok      the audit log forgets its lines after 730 days" in result.output
    assert "WARNING PUBLIC_BASE_URL is http://kutsu.test" in result.output


def test_check_fails_without_a_contact_address_for_a_service_people_reach(app, tmp_path):
    checked = operators_app(
        app,
        tmp_path,
        SECRET_KEY="x" * 64,
        SERVICE_CONTACT_EMAIL="",
        PUBLIC_BASE_URL="https://kutsu.example.fi",
    )
    assert run(checked, "db", "upgrade").exit_code == 0

    result = run(checked, "check")

    assert result.exit_code != 0
    assert "ERROR   SERVICE_CONTACT_EMAIL is empty: the accessibility statement" in result.output
    assert "1 problem(s) to fix" in result.output


def test_check_only_warns_without_a_contact_address_on_a_developers_machine(app, tmp_path):
    checked = operators_app(
        app,
        tmp_path,
        SECRET_KEY="x" * 64,
        SERVICE_CONTACT_EMAIL="",
        PUBLIC_BASE_URL="http://127.0.0.1:5000",
    )
    assert run(checked, "db", "upgrade").exit_code == 0

    result = run(checked, "check")

    assert result.exit_code == 0, result.output
    assert "WARNING SERVICE_CONTACT_EMAIL is empty" in result.output


def test_check_fails_on_a_short_secret_and_a_database_behind_its_migrations(app, tmp_path):
    checked = operators_app(app, tmp_path, SECRET_KEY="short")  # an empty database

    result = run(checked, "check")

    assert result.exit_code != 0
    assert "ERROR   SECRET_KEY is missing or shorter than 32 characters" in result.output
    assert "the database is at migration None" in result.output
    assert "2 problem(s) to fix" in result.output


def test_check_fails_on_a_mail_lease_too_short_for_a_slow_mail_server(app, tmp_path):
    checked = operators_app(
        app, tmp_path, SECRET_KEY="x" * 64, MAIL_LEASE_SECONDS=120, MAIL_TIMEOUT=30
    )
    assert run(checked, "db", "upgrade").exit_code == 0

    result = run(checked, "check")

    assert result.exit_code != 0
    assert "ERROR   MAIL_LEASE_SECONDS (120) must be more than eight times MAIL_TIMEOUT" in (
        result.output
    )


@pytest.mark.parametrize("days", ["730", 0, None])
def test_check_fails_on_an_audit_log_retention_that_is_not_a_number_of_days(app, tmp_path, days):
    checked = operators_app(app, tmp_path, SECRET_KEY="x" * 64, AUDIT_LOG_RETENTION_DAYS=days)
    assert run(checked, "db", "upgrade").exit_code == 0

    result = run(checked, "check")

    assert result.exit_code != 0
    assert f"ERROR   AUDIT_LOG_RETENTION_DAYS is {days!r}: it must be a whole number" in (
        result.output
    )


def test_each_server_process_compiles_every_template_before_its_first_request(app):
    settings = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert len(app.jinja_env.cache) == 0

    settings["post_worker_init"](SimpleNamespace(wsgi=app))

    compiled = {name for _, name in app.jinja_env.cache}
    assert compiled == set(app.jinja_env.list_templates())
    assert {"signup/form.html", "events/show.html", "base.html"} <= compiled
    settings["post_worker_init"](SimpleNamespace(wsgi=Flask("pong")))  # the bench's bare app


@pytest.mark.postgresql
@pytest.mark.parametrize("backend", ["postgresql"])
def test_postgres_results_name_their_columns_as_psycopg_describes_them(app):
    """Kutsu's cursor makes the description only when read (app.postgresql.Cursor)."""
    with app.app_context(), db.engine.connect() as connection:
        statement = "SELECT 1 AS seats, 'Kuopio'::text AS town, now() AS at"
        result = connection.exec_driver_sql(statement)
        assert list(result.keys()) == ["seats", "town", "at"]
        assert result.one()[:2] == (1, "Kuopio")

        cursor = connection.connection.driver_connection.cursor()
        described = cursor.execute(statement).description
        assert [(c.name, c.type_code) for c in described] == [
            ("seats", 23),  # int4
            ("town", 25),  # text
            ("at", 1184),  # timestamptz
        ]
        assert cursor.execute("SET TIME ZONE 'UTC'").description is None
        unread = cursor.execute(statement).description
        cursor.execute("SELECT 2")
        with pytest.raises(psycopg.InterfaceError):
            unread[0]  # describes a result the cursor no longer holds
