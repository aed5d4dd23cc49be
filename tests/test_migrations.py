"""`flask db upgrade` builds the schema the models describe, on both databases."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import upgrade

from app import create_app
from app.extensions import db


@pytest.mark.both_databases
def test_upgrade_on_an_empty_database_matches_the_models(backend, request, tmp_path):
    if backend == "postgresql":
        url = request.getfixturevalue("postgres_url")
        # The shared test database has its schema made by create_all; start empty instead.
        prepare = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t"})
        with prepare.app_context():
            db.drop_all()
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
            db.engine.dispose()
    else:
        url = f"sqlite:///{tmp_path / 'empty.sqlite3'}"
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "t"})
    with app.app_context():
        upgrade()
        with db.engine.connect() as conn:
            differences = compare_metadata(MigrationContext.configure(conn), db.metadata)
        if backend == "postgresql":
            # Leave the shared database as the other tests expect it.
            db.drop_all()
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
            db.create_all()
        db.engine.dispose()
    assert differences == []


def test_a_migration_leaves_the_apps_own_logging_on(tmp_path):
    """A process that migrates and goes on (a test run, a shell) keeps its loggers: alembic's
    logging setup switched off every logger that existed, the app's among them."""
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'k.sqlite3'}", "SECRET_KEY": "t"}
    )
    app.logger.info("ready")  # as a running app's logger is made before any migration
    with app.app_context():
        upgrade()
        db.engine.dispose()

    assert not app.logger.disabled
