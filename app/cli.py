"""Command-line tools: organiser accounts, the mail worker and catcher, demo data."""

import signal
import sys
import time
from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app import clock
from app.database import writing
from app.extensions import db

organiser_cli = AppGroup("organiser", help="Organiser accounts.")
mail_cli = AppGroup("mail", help="The outbox worker and a local mail catcher.")
demo_cli = AppGroup("demo", help="Demo data from the real events Kutsu was made for.")
privacy_cli = AppGroup("privacy", help="Retention: erasing personal data after events.")
translations_cli = AppGroup("translations", help="The Finnish and Swedish catalogues.")


@organiser_cli.command("create")
@click.argument("email")
@click.option("--name", required=True, help="The organiser's full name.")
@click.option("--admin", is_flag=True, help="May manage every event and account.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def create_organiser_command(email: str, name: str, admin: bool, password_stdin: bool):
    """Create an organiser account."""
    from flask_babel import force_locale

    from app.auth.passwords import MIN_LENGTH, weakness
    from app.auth.services import AccountExists, create_organiser

    if password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    if len(password) < MIN_LENGTH:
        raise click.ClickException(f"The password must be at least {MIN_LENGTH} characters.")
    with force_locale("en"):
        problem = weakness(password, name=name, email=email)
    if problem:
        raise click.ClickException(problem)
    try:
        with writing():
            organiser = create_organiser(email, name, password, admin=admin)
    except AccountExists as exc:
        raise click.ClickException(f"An account for {exc} already exists.") from exc
    db.session.commit()
    role = "admin" if admin else "organiser"
    click.echo(f"Created {role} {organiser.email}.")


@privacy_cli.command("purge")
@click.option("--dry-run", is_flag=True, help="Show what would be erased; change nothing.")
def privacy_purge_command(dry_run: bool):
    """Erase the personal data of events past their retention time, and forget old lines of
    the audit log (the worker does this daily)."""
    from app.privacy.services import run_retention
    from app.templating import local_date

    with writing():
        done = run_retention(clock.now(), dry_run=dry_run)
        if dry_run:
            db.session.rollback()
        else:
            db.session.commit()
    verb = "Would erase" if dry_run else "Erased"
    for item in done.erased:
        click.echo(
            f"{verb}: {item.event.title} (retention ended {local_date(item.kept_until)}): "
            f"{item.registrations} registrations, {item.candidates} nominees, "
            f"{item.nominations} nominations, {item.invitations} invitations, "
            f"{item.emails} emails"
        )
    if not done.erased:
        click.echo("No event is past its retention time.")
    if done.audit_entries:
        days = current_app.config["AUDIT_LOG_RETENTION_DAYS"]
        forget = "Would forget" if dry_run else "Forgot"
        click.echo(f"{forget} {done.audit_entries} audit log lines older than {days} days.")
    if done.sign_in_sessions:
        forget = "Would forget" if dry_run else "Forgot"
        click.echo(f"{forget} {done.sign_in_sessions} ended organiser sign-in sessions.")
    if done.account_mail:
        days = current_app.config["ACCOUNT_MAIL_RETENTION_DAYS"]
        forget = "Would forget" if dry_run else "Forgot"
        click.echo(f"{forget} {done.account_mail} account emails older than {days} days.")
    if done.account_invitations:
        forget = "Would forget" if dry_run else "Forgot"
        click.echo(f"{forget} {done.account_invitations} old invitations to make an account.")
    if done.list_members_who_left:
        forget = "Would forget" if dry_run else "Forgot"
        click.echo(f"{forget} {done.list_members_who_left} people who left a contact list.")


def purge_when_due(last_run: float | None) -> float | None:
    """The worker's daily retention run: returns when it last ran. A run that fails is
    logged and tried again an hour later; the mail goes on meanwhile (a failure once ended
    the worker, and a worker restarted by systemd failed the same way before sending)."""
    from app.privacy import services

    if last_run is not None and time.monotonic() - last_run < PURGE_INTERVAL_SECONDS:
        return last_run
    try:
        with writing():
            done = services.run_retention(clock.now())
            db.session.commit()
    except Exception:
        db.session.rollback()
        current_app.logger.exception("retention: the purge failed; next try in an hour")
        return time.monotonic() - PURGE_INTERVAL_SECONDS + PURGE_RETRY_SECONDS
    for item in done.erased:
        click.echo(f"retention: erased the personal data of event {item.event.id}")
    if done.audit_entries:
        click.echo(f"retention: forgot {done.audit_entries} old audit log lines")
    if done.sign_in_sessions:
        click.echo(f"retention: forgot {done.sign_in_sessions} ended sign-in sessions")
    if done.account_mail:
        click.echo(f"retention: forgot {done.account_mail} old account emails")
    if done.email_changes:
        click.echo(f"retention: forgot {done.email_changes} old email-change links")
    if done.account_invitations:
        click.echo(f"retention: forgot {done.account_invitations} old account invitations")
    if done.list_members_who_left:
        click.echo(f"retention: forgot {done.list_members_who_left} who left a contact list")
    return time.monotonic()


PURGE_INTERVAL_SECONDS = 24 * 3600
PURGE_RETRY_SECONDS = 3600


@mail_cli.command("work")
@click.option("--once", is_flag=True, help="Send what is due now, then exit (for cron).")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between polls.")
def mail_work_command(once: bool, interval: float):
    """Send due messages from the outbox until stopped (SIGTERM finishes the message in hand).
    A locked or unreachable database, or mail server, is waited for (app.mail.loop)."""
    from app.feedback.sending import plan_due_feedback_safely
    from app.followup.sending import queue_due_follow_ups_safely
    from app.mail.loop import run_worker
    from app.places.offers import pass_on_expired_offers_safely

    stopping = False

    def stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    purged = None

    def each_round() -> None:
        nonlocal purged
        purged = purge_when_due(purged)
        pass_on_expired_offers_safely()  # timed offers not accepted in time (app.places)
        plan_due_feedback_safely()  # feedback forms now due (app.feedback)
        queue_due_follow_ups_safely()  # follow-ups due: their people chosen (app.followup)

    run_worker(
        lambda: stopping, interval=interval, once=once, each_round=each_round, said=click.echo
    )


@mail_cli.command("catch")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=1025, show_default=True)
def mail_catch_command(host: str, port: int):
    """Run a local SMTP server that keeps every message for the /dev/mail page."""
    from app.mail.catcher import serve

    folder = Path(current_app.config["DEV_MAIL_DIR"])
    click.echo(f"Catching mail on {host}:{port}; read it at /dev/mail")
    serve(folder, host, port)


@demo_cli.command("load")
@click.option("--force", is_flag=True, help="Load again even if demo data is there.")
def demo_load_command(force: bool):
    """Load the demo organiser and events, dated in the coming weeks."""
    from app.demo.data import load_demo

    with writing():
        created = load_demo(force=force)
        db.session.commit()
    click.echo("Demo data loaded." if created else "Demo data is already there.")


@demo_cli.command("sign-in")
@click.option("--url", default="http://127.0.0.1:5000", show_default=True, help="Kutsu's address.")
def demo_sign_in_command(url: str):
    """Where Kutsu is, and how to sign in as the demo organiser: `make run` prints it last,
    just before the servers start, as it is now (a password changed since is not shown)."""
    from app.demo.data import DEMO_EMAIL, DEMO_PASSWORD, DemoAccount, demo_account

    account = demo_account()
    lines = [
        "",
        f"Kutsu:        {url}",
        f"Caught mail:  {url}/dev/mail",
        f"Sign in:      {url}/login",
    ]
    if account == DemoAccount.READY:
        lines.append(f"              {DEMO_EMAIL} / password {DEMO_PASSWORD}")
    elif account == DemoAccount.PASSWORD_CHANGED:
        lines += [
            f"              {DEMO_EMAIL}: its password is no longer the demo one.",
            '              Forgotten? "Forgot your password?" on the sign-in page sends a',
            "              link to set a new one; it arrives under Caught mail.",
        ]
    elif account == DemoAccount.DEACTIVATED:
        lines += [
            f"              {DEMO_EMAIL} is deactivated. An account of your own:",
            "              flask --app wsgi organiser create EMAIL --name NAME",
        ]
    else:
        lines.append("              No demo organiser: `flask --app wsgi demo load` makes one.")
    click.echo("\n".join([*lines, ""]))


@click.command("init-config")
def init_config_command():
    """Write instance/config.py with a new secret key, unless it exists."""
    import secrets

    path = Path(current_app.instance_path) / "config.py"
    if path.exists():
        click.echo(f"{path.name} exists; left as it is.")
        return
    path.write_text(
        "# Written by `flask init-config` for local development. Not committed.\n"
        f"SECRET_KEY = {secrets.token_hex(32)!r}\n"
        "PUBLIC_BASE_URL = 'http://127.0.0.1:5000'\n"
        "MAIL_SERVER = '127.0.0.1'\n"
        "MAIL_PORT = 1025\n"
        "DEV_MAIL_PAGE = True\n"
        "# Sites that may show the calendar's embed in a frame (docs/calendar-feeds.md):\n"
        "CALENDAR_EMBED_ORIGINS = []\n"
    )
    click.echo(f"Wrote instance/{path.name}")


@click.command("check")
def check_command():
    """Check the configuration: secret key, mail, database, migrations, translations."""
    from app.operations.checks import configuration_findings

    findings = configuration_findings(current_app)
    marks = {"ok": "ok     ", "warning": "WARNING", "error": "ERROR  "}
    for finding in findings:
        click.echo(f"{marks[finding.level]} {finding.what}")
    errors = sum(finding.level == "error" for finding in findings)
    if errors:
        raise click.ClickException(f"{errors} problem(s) to fix before Kutsu can serve people.")


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True, path_type=Path))
def backup_command(path: Path):
    """Copy the SQLite database to PATH, safely while Kutsu runs (PostgreSQL: pg_dump)."""
    from app.backup import NotSQLite, backup_sqlite

    try:
        size = backup_sqlite(db.engine, path)
    except NotSQLite as exc:
        raise click.ClickException(
            f"The database is {exc}, not SQLite: back it up with pg_dump (docs/operations.md)."
        ) from exc
    click.echo(f"Backed up to {path} ({size / 1_048_576:.1f} MiB).")


@translations_cli.command("update")
def translations_update_command():
    """Add new messages from the code and templates to the catalogues, drop gone ones."""
    from app.i18n import TRANSLATED, update_catalogues

    update_catalogues()
    click.echo(f"Updated {', '.join(TRANSLATED)}: translate the empty entries, then compile.")


@translations_cli.command("compile")
def translations_compile_command():
    """Compile the catalogues that changed (the app reads only compiled ones)."""
    from app.i18n import compile_catalogues

    compiled = compile_catalogues()
    click.echo(f"Compiled {', '.join(compiled)}." if compiled else "Catalogues up to date.")


def register(app: Flask) -> None:
    app.cli.add_command(organiser_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(translations_cli)
    app.cli.add_command(privacy_cli)
    app.cli.add_command(backup_command)
    app.cli.add_command(check_command)
    app.cli.add_command(init_config_command)
