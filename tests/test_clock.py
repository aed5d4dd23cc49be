"""The app's clock: moved in the test's process by travel(), and in every process that
reads CLOCK_OFFSET_FILE by writing that file (the journeys' server and mail worker)."""

import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

import pytest

from app import clock, create_app
from app.config import ROOT
from tests.servers import app_environment


def write_offset(path, seconds: float) -> None:
    """As the journeys do: a new file put in place at once, never a half-written one."""
    partial = path.with_name(path.name + ".new")
    partial.write_text(f"{seconds}\n")
    os.replace(partial, path)


@pytest.fixture
def offset_file(tmp_path):
    yield tmp_path / "clock-offset"
    clock.reset()


def close_to(moment: datetime, expected: datetime) -> bool:
    return abs(moment - expected) < timedelta(seconds=5)


def test_without_the_setting_the_clock_is_the_systems_and_reads_no_file(app, offset_file):
    write_offset(offset_file, 86_400)
    assert app.config["CLOCK_OFFSET_FILE"] is None
    assert close_to(clock.now(), datetime.now(UTC))


def test_the_offset_file_moves_the_clock_and_each_new_offset_is_read(app, offset_file):
    create_app({**app.config, "CLOCK_OFFSET_FILE": str(offset_file)})
    assert close_to(clock.now(), datetime.now(UTC))  # no file yet: no offset

    write_offset(offset_file, 3 * 86_400)
    assert close_to(clock.now(), datetime.now(UTC) + timedelta(days=3))

    write_offset(offset_file, -3600)
    assert close_to(clock.now(), datetime.now(UTC) - timedelta(hours=1))

    offset_file.unlink()
    assert close_to(clock.now(), datetime.now(UTC))


def test_another_process_sees_the_offset_the_test_wrote(app, offset_file):
    write_offset(offset_file, 10 * 86_400)
    code = (
        "from app import clock, create_app\n"
        f"create_app({{'SECRET_KEY': 'x', 'CLOCK_OFFSET_FILE': {str(offset_file)!r}}})\n"
        "print(clock.now().isoformat())\n"
    )
    printed = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout
    seen = datetime.fromisoformat(printed.strip())
    assert close_to(seen, datetime.now(UTC) + timedelta(days=10))


def flask_check(tmp_path, **config) -> subprocess.CompletedProcess:
    """`flask check` on a migrated database, each command in a process of its own, as an
    operator runs them (alembic's logging setup, run in the test's process, would silence
    the loggers other tests read)."""
    database = f"sqlite:///{tmp_path / 'operator.sqlite3'}"
    settled = {"SECRET_KEY": "x" * 64, "SERVICE_CONTACT_EMAIL": "it@example.fi"}
    env = app_environment(database, {**settled, **config})
    flask = [sys.executable, "-m", "flask", "--app", "wsgi"]
    run = {"cwd": ROOT, "env": env | {"FLASK_SKIP_DOTENV": "1"}, "capture_output": True}
    subprocess.run([*flask, "db", "upgrade"], check=True, **run)
    return subprocess.run([*flask, "check"], text=True, **run)


def test_check_refuses_the_offset_file_outside_testing(tmp_path, offset_file):
    result = flask_check(tmp_path, TESTING=False, CLOCK_OFFSET_FILE=str(offset_file))

    assert result.returncode != 0
    assert "ERROR   CLOCK_OFFSET_FILE is set" in result.stdout
    assert "1 problem(s) to fix" in result.stderr


def test_check_accepts_the_offset_file_while_testing(tmp_path, offset_file):
    result = flask_check(tmp_path, TESTING=True, CLOCK_OFFSET_FILE=str(offset_file))

    assert result.returncode == 0, result.stdout + result.stderr
    assert "ok      the clock moves by CLOCK_OFFSET_FILE" in result.stdout
