"""`flask db upgrade` builds the schema the models describe, on both databases."""

import pytest
import sqlalchemy as sa
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
            refused = values_the_checks_refuse(conn)
        if backend == "postgresql":
            # Leave the shared database as the other tests expect it.
            db.drop_all()
            with db.engine.begin() as conn:
                conn.exec_driver_sql("DROP TABLE IF EXISTS alembic_version")
            db.create_all()
        db.engine.dispose()
    assert differences == []
    # compare_metadata does not read CHECK constraints: two migrations that each rewrote a
    # check from their own list of values left out each other's.
    assert refused == []


def values_the_checks_refuse(conn) -> list[str]:
    """Each enum column's values that its table's CHECK constraints do not name."""
    refused = []
    for table in db.metadata.sorted_tables:
        columns = [c for c in table.columns if isinstance(c.type, sa.Enum)]
        if not columns:
            continue
        if conn.dialect.name == "sqlite":
            query = "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?"
        else:
            query = (
                "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conrelid = %s::regclass"
            )
        checks = " ".join(conn.exec_driver_sql(query, (table.name,)).scalars())
        refused += [
            f"{table.name}.{column.name} = {value}"
            for column in columns
            for value in column.type.enums
            if f"'{value}'" not in checks
        ]
    return refused


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
