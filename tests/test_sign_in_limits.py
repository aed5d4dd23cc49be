"""Wrong passwords from one address lock that address out of the account, not its owner;
the owner is told by mail; and the counts are shared by every server process through Redis.

Through gunicorn with two workers, Redis (a database number and key prefix of the test's
own), the mail worker and a real SMTP server. The server trusts one proxy
(PROXY_FIX_X_FOR=1), so X-Forwarded-For names the client, as behind a reverse proxy."""

import uuid

import pytest
import redis

from tests.conftest import PASSWORD, skip_or_fail
from tests.servers import running_mail_worker, running_server
from tests.test_concurrency import Browser
from tests.test_mail_workers import wait_for

REDIS_URL = "redis://127.0.0.1:6379/3"
ATTACKER, OWNER = "198.51.100.7", "192.0.2.44"
# In Finnish, the language the service speaks by default (an account has none of its own).
ALERT_SUBJECT = "Kutsu-tunnukseesi on yritetty kirjautua monta kertaa väärällä salasanalla"


@pytest.fixture
def redis_store():
    store = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        store.ping()
    except redis.exceptions.ConnectionError:
        skip_or_fail(f"Redis is not running at {REDIS_URL}")
    prefix = f"kutsu-test-{uuid.uuid4().hex}"
    yield store, prefix
    for key in store.scan_iter(f"*{prefix}*"):
        store.delete(key)


def from_address(base_url: str, address: str) -> Browser:
    browser = Browser(base_url)
    browser.session.headers["X-Forwarded-For"] = address
    return browser


def limited(prefix: str, **limits: str) -> dict:
    """The server's settings: limits on, counted in Redis, one proxy trusted."""
    return {
        "RATELIMIT_ENABLED": True,
        "RATELIMIT_STORAGE_URI": REDIS_URL,
        "RATELIMIT_KEY_PREFIX": prefix,
        "PROXY_FIX_X_FOR": 1,
        **{f"RATELIMIT_{name.upper()}": value for name, value in limits.items()},
    }


def sign_in(browser: Browser, email: str, password: str) -> int:
    token = browser.form("/login")
    data = {"csrf_token": token, "email": email, "password": password}
    return browser.post("/login", data).status_code


def test_guessing_from_one_address_leaves_the_owner_signing_in_and_tells_them(
    app, database_url, make_organiser, smtp_server, mailbox, redis_store
):
    store, prefix = redis_store
    email = make_organiser(email="olli@example.fi").email
    config = limited(
        prefix,
        login="100 per minute",
        login_per_account_and_address="3 per 15 minutes",
        login_per_account="30 per 15 minutes",
    )
    with (
        running_server(database_url, workers=2, threads=2, config=config) as url,
        running_mail_worker(database_url, smtp_port=smtp_server.port) as worker,
    ):
        attacker = from_address(url, ATTACKER)
        # Each a new connection: the two server processes take turns, and count together.
        guesses = [sign_in(attacker, email, f"guess {n}") for n in range(8)]
        owner_signs_in = sign_in(from_address(url, OWNER), email, PASSWORD)
        wait_for(lambda: mailbox.to(email), "the mail to the owner", processes=[worker])

    assert guesses == [200] * 3 + [429] * 5
    assert owner_signs_in == 303
    assert store.keys(f"*{prefix}*")  # the counts live in Redis
    [alert] = mailbox.to(email)  # one, for five refused tries
    assert alert["Subject"] == ALERT_SUBJECT
    assert "http://kutsu.test/login/forgot" in mailbox.text(alert)


def test_guessing_spread_over_many_addresses_meets_the_accounts_ceiling(
    app, database_url, make_organiser, redis_store
):
    store, prefix = redis_store
    email = make_organiser(email="olli@example.fi").email
    config = limited(
        prefix,
        login_per_account_and_address="3 per 15 minutes",
        login_per_account="6 per 15 minutes",
    )
    with running_server(database_url, workers=2, threads=2, config=config) as url:
        guesses = [
            sign_in(from_address(url, f"198.51.100.{n}"), email, "wrong password")
            for n in range(1, 9)
        ]
        other_account = sign_in(from_address(url, OWNER), "nobody@example.fi", "x")
    assert guesses == [200] * 6 + [429] * 2
    assert other_account == 200  # another account's ceiling is its own
