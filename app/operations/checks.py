"""What operators ask of a running Kutsu: is it healthy, and is it set up right?"""

from dataclasses import dataclass
from email.utils import parseaddr
from urllib.parse import urlsplit

import sqlalchemy as sa
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from flask import Flask, current_app

from app.extensions import db
from app.i18n import TRANSLATED, catalogue_path

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}


def database_reachable() -> bool:
    try:
        db.session.execute(sa.text("SELECT 1"))
        return True
    except sa.exc.SQLAlchemyError:
        return False
    finally:
        db.session.rollback()  # hold nothing open: a health check runs every few seconds


@dataclass
class Finding:
    level: str  # "ok", "warning" or "error"
    what: str


def configuration_findings(app: Flask) -> list[Finding]:
    """Each setting an operator gets wrong most often, with what to do about it."""
    config = app.config
    found = []

    def check(ok: bool, good: str, bad: str, level: str = "error") -> None:
        found.append(Finding("ok", good) if ok else Finding(level, bad))

    secret = config.get("SECRET_KEY") or ""
    check(
        len(secret) >= 32,
        "SECRET_KEY is set",
        "SECRET_KEY is missing or shorter than 32 characters: set FLASK_SECRET_KEY "
        "(docs/deploy.md), or for development `flask --app wsgi init-config`",
    )
    base = urlsplit(config["PUBLIC_BASE_URL"])
    check(
        base.scheme == "https" or base.hostname in LOCAL_HOSTS,
        f"PUBLIC_BASE_URL is {config['PUBLIC_BASE_URL']}",
        f"PUBLIC_BASE_URL is {config['PUBLIC_BASE_URL']}: links in emails should use https",
        "warning",
    )
    lease, timeout = config["MAIL_LEASE_SECONDS"], config["MAIL_TIMEOUT"]
    check(
        lease > 2 * 4 * timeout,
        f"a mail worker holds a message for {lease} s, time for two slow sends",
        f"MAIL_LEASE_SECONDS ({lease}) must be more than eight times MAIL_TIMEOUT ({timeout}): "
        "a worker sends a message only while its lease has room for four slow SMTP replies",
    )
    sender = parseaddr(config["MAIL_DEFAULT_SENDER"])[1]
    check(
        "@" in sender and not sender.endswith("@localhost"),
        f"mail is sent from {sender} through {config['MAIL_SERVER']}:{config['MAIL_PORT']}",
        f"MAIL_DEFAULT_SENDER is {sender or 'empty'}: set a real address people can answer",
        "warning",
    )
    # The accessibility statement must name where feedback goes (Act 306/2019, section 10):
    # a service people reach (not 127.0.0.1) cannot do without it.
    in_production = base.hostname not in LOCAL_HOSTS
    check(
        bool(config.get("SERVICE_CONTACT_EMAIL")),
        "SERVICE_CONTACT_EMAIL is set",
        "SERVICE_CONTACT_EMAIL is empty: the accessibility statement and the privacy notice "
        "must give an address for feedback: set FLASK_SERVICE_CONTACT_EMAIL",
        "error" if in_production else "warning",
    )
    days = config["AUDIT_LOG_RETENTION_DAYS"]
    check(
        isinstance(days, int) and not isinstance(days, bool) and days >= 1,
        f"the audit log forgets its lines after {days} days",
        f"AUDIT_LOG_RETENTION_DAYS is {days!r}: it must be a whole number of days, at least 1 "
        "(the daily retention run fails without one)",
    )
    if config.get("CLOCK_OFFSET_FILE"):
        check(
            config["TESTING"],
            "the clock moves by CLOCK_OFFSET_FILE, as tests need",
            f"CLOCK_OFFSET_FILE is set ({config['CLOCK_OFFSET_FILE']}): it moves the clock "
            "for tests only; remove it",
        )
    reachable = database_reachable()
    check(reachable, "the database answers", "the database does not answer")
    if reachable:
        current, head = migration_state()
        check(
            current == head,
            f"the database is at the newest migration ({head})",
            f"the database is at migration {current}, the code at {head}: "
            "`flask --app wsgi db upgrade`",
        )
    missing = [code for code in TRANSLATED if not catalogue_path(code, "mo").exists()]
    check(
        not missing,
        "the translations are compiled",
        f"no compiled translations for {', '.join(missing)}: "
        "`flask --app wsgi translations compile`",
    )
    return found


def migration_state() -> tuple[str | None, str | None]:
    migrate = current_app.extensions["migrate"]
    script = ScriptDirectory.from_config(migrate.migrate.get_config(migrate.directory))
    with db.engine.connect() as connection:
        current = MigrationContext.configure(connection).get_current_revision()
    return current, script.get_current_head()
