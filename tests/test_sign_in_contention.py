"""Wrong passwords do not hold sign-ups back: a password is checked (argon2, about 100 ms)
with no write transaction open, so on SQLite no other writer waits for it.

Through gunicorn on SQLite, whose writers wait at most SQLite's busy timeout for the write
lock: set here to one second, so that sign-ups queued behind sign-ins that hold the lock
fail (500, "database is locked") rather than only slow down, as they did before."""

import threading
from concurrent.futures import ThreadPoolExecutor

from app.models import RegistrationStatus
from tests.conftest import PASSWORD
from tests.servers import running_server
from tests.test_concurrency import Browser, registrations_of, settle, signing_up

GUESSERS = 12
SIGN_UPS = 8
PLENTY = "100000 per minute"
CONFIG = {
    "RATELIMIT_ENABLED": True,  # on, as deployed, but every guesser stays under its limits
    "RATELIMIT_LOGIN": PLENTY,
    "RATELIMIT_LOGIN_PER_ACCOUNT_AND_ADDRESS": PLENTY,
    "RATELIMIT_LOGIN_PER_ACCOUNT": PLENTY,
    "RATELIMIT_PUBLIC_FORMS": PLENTY,
    "SQLALCHEMY_ENGINE_OPTIONS": {"connect_args": {"timeout": 1}},
}


class Guessing:
    """Threads that post wrong passwords for an account, one after another, until stopped."""

    def __init__(self, base_url: str, email: str):
        self.base_url, self.email = base_url, email
        self.stop = threading.Event()
        self.answers: list[int] = []
        self.started = threading.Barrier(GUESSERS + 1, timeout=120)

    def guess(self, n: int) -> None:
        browser = Browser(self.base_url)
        token = browser.form("/login")
        self.started.wait()
        while not self.stop.is_set():
            data = {"csrf_token": token, "email": self.email, "password": f"{PASSWORD} {n}"}
            self.answers.append(browser.post("/login", data).status_code)


def test_sign_ups_succeed_while_wrong_passwords_are_being_checked(
    app, database_url, make_organiser, make_event
):
    email = make_organiser().email
    slug, event_id = settle(make_event(capacity=100))
    with running_server(database_url, config=CONFIG) as url:
        guessing = Guessing(url, email)
        with ThreadPoolExecutor(GUESSERS) as pool:
            guessers = [pool.submit(guessing.guess, n) for n in range(GUESSERS)]
            try:
                guessing.started.wait()
                answers = [
                    signing_up(Browser(url), slug, f"person{n}@example.fi")()().status_code
                    for n in range(SIGN_UPS)
                ]
            finally:
                guessing.stop.set()
            for guesser in guessers:
                guesser.result()

    assert answers == [303] * SIGN_UPS
    assert len(guessing.answers) >= GUESSERS
    assert set(guessing.answers) == {200}  # the sign-in page, saying the password is wrong
    statuses = [row.status for row in registrations_of(event_id)]
    assert statuses == [RegistrationStatus.CONFIRMED] * SIGN_UPS
