"""Rate limits on public forms and on signing in: in memory, or shared through Redis."""

import uuid

import pytest
import redis
import sqlalchemy as sa

from app import create_app
from app.extensions import db
from app.models import Registration
from tests.conftest import PASSWORD, csrf_token_in, skip_or_fail, text_of

REDIS_URL = "redis://127.0.0.1:6379/0"


def limited_app(app, **limits):
    """The test app once more, with rate limits on."""
    return create_app({**app.config, "RATELIMIT_ENABLED": True, **limits})


def post_sign_up(client, event, email: str, address: str = "192.0.2.10"):
    environ = {"REMOTE_ADDR": address}
    form = client.get(f"/events/{event.slug}/register", environ_overrides=environ)
    data = {
        "csrf_token": csrf_token_in(form.text),
        "name": "Sara Löyttyjärvi",
        "email": email,
        "consent": "y",
    }
    return client.post(f"/events/{event.slug}/register", data=data, environ_overrides=environ)


def registrations() -> int:
    db.session.commit()  # a fresh look: the other app servers wrote since
    return db.session.scalar(sa.select(sa.func.count(Registration.id)))


def test_too_many_sign_ups_from_one_address_get_a_clear_429_and_nothing_is_saved(app, make_event):
    event = make_event()
    client = limited_app(app, RATELIMIT_PUBLIC_FORMS="3 per minute").test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

    answers = [post_sign_up(client, event, f"person{n}@example.fi").status_code for n in range(3)]
    refused = post_sign_up(client, event, "fourth@example.fi")

    assert answers == [303, 303, 303]
    assert refused.status_code == 429
    assert "Too many tries in a short time" in text_of(refused)
    assert int(refused.headers["Retry-After"]) > 0
    assert registrations() == 3
    # Another address is not held back, and reading pages never is.
    assert post_sign_up(client, event, "other@example.fi", address="192.0.2.99").status_code == 303
    page = client.get(f"/events/{event.slug}", environ_overrides={"REMOTE_ADDR": "192.0.2.10"})
    assert page.status_code == 200


def test_the_limit_is_shared_by_every_public_form(app, make_event):
    event = make_event()
    client = limited_app(app, RATELIMIT_PUBLIC_FORMS="2 per minute").test_client()
    post_sign_up(client, event, "one@example.fi")
    post_sign_up(client, event, "two@example.fi")

    environ = {"REMOTE_ADDR": "192.0.2.10"}
    token = csrf_token_in(
        client.get(f"/events/{event.slug}/register", environ_overrides=environ).text
    )
    nomination = client.post(
        f"/events/{event.slug}/nominate", data={"csrf_token": token}, environ_overrides=environ
    )

    assert nomination.status_code == 429


def sign_in(client, email: str, password: str, address: str):
    environ = {"REMOTE_ADDR": address}
    token = csrf_token_in(client.get("/login", environ_overrides=environ).text)
    data = {"csrf_token": token, "email": email, "password": password}
    return client.post("/login", data=data, environ_overrides=environ)


def test_guessing_one_accounts_password_is_throttled_from_any_address(app, make_organiser):
    organiser = make_organiser(email="olli@example.fi")
    other = make_organiser(email="other@example.fi")
    limited = limited_app(app, RATELIMIT_LOGIN_PER_ACCOUNT="3 per 15 minutes")

    guesses = [
        sign_in(limited.test_client(), "OLLI@example.fi", f"guess {n}", f"198.51.100.{n}")
        for n in range(3)
    ]
    fourth = sign_in(limited.test_client(), organiser.email, PASSWORD, "198.51.100.77")

    assert [guess.status_code for guess in guesses] == [200, 200, 200]
    assert fourth.status_code == 429  # even with the right password, for now
    assert sign_in(limited.test_client(), other.email, PASSWORD, "198.51.100.1").status_code == 303


def test_signing_in_is_limited_per_address(app, make_organiser):
    organiser = make_organiser()
    client = limited_app(app, RATELIMIT_LOGIN="2 per minute").test_client()
    for _ in range(2):
        sign_in(client, organiser.email, "wrong password", "203.0.113.5")
    assert sign_in(client, "someone@example.fi", "x", "203.0.113.5").status_code == 429


@pytest.fixture
def redis_url():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.exceptions.ConnectionError:
        skip_or_fail(f"Redis is not running at {REDIS_URL}")
    return REDIS_URL


def test_app_servers_share_limits_through_redis(app, make_event, redis_url):
    event = make_event()
    prefix = f"kutsu-test-{uuid.uuid4().hex}"
    config = {
        "RATELIMIT_STORAGE_URI": redis_url,
        "RATELIMIT_KEY_PREFIX": prefix,
        "RATELIMIT_PUBLIC_FORMS": "3 per minute",
    }
    first = limited_app(app, **config).test_client()
    second = limited_app(app, **config).test_client()
    store = redis.Redis.from_url(redis_url)
    try:
        assert post_sign_up(first, event, "a@example.fi").status_code == 303
        assert post_sign_up(first, event, "b@example.fi").status_code == 303
        assert post_sign_up(second, event, "c@example.fi").status_code == 303
        # The counts live in Redis, where every app server sees them.
        assert store.keys(f"*{prefix}*")
        assert post_sign_up(second, event, "d@example.fi").status_code == 429
        assert post_sign_up(first, event, "e@example.fi").status_code == 429
    finally:
        for key in store.scan_iter(f"*{prefix}*"):
            store.delete(key)
    assert registrations() == 3


def test_behind_a_proxy_each_client_counts_separately_and_otherwise_the_header_is_ignored(
    app, make_event
):
    event = make_event()
    direct = limited_app(app, RATELIMIT_PUBLIC_FORMS="1 per minute").test_client()
    proxied = limited_app(app, RATELIMIT_PUBLIC_FORMS="1 per minute", PROXY_FIX_X_FOR=1)

    def via(client, forwarded_for, email):
        client.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded_for
        return post_sign_up(client, event, email, address="10.0.0.2")

    # Without ProxyFix a forged X-Forwarded-For changes nothing: one proxy address, one count.
    assert via(direct, "192.0.2.1", "a@example.fi").status_code == 303
    assert via(direct, "192.0.2.2", "b@example.fi").status_code == 429
    # With it, the clients behind the proxy are told apart.
    assert via(proxied.test_client(), "192.0.2.3", "c@example.fi").status_code == 303
    assert via(proxied.test_client(), "192.0.2.4", "d@example.fi").status_code == 303


def test_sign_ups_go_on_while_redis_does_not_answer_and_are_still_limited(app, make_event):
    """Port 9 (discard) has no Redis: each process counts in its own memory meanwhile."""
    event = make_event()
    client = limited_app(
        app,
        RATELIMIT_STORAGE_URI="redis://127.0.0.1:9/0",
        RATELIMIT_PUBLIC_FORMS="2 per minute",
    ).test_client()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"

    answers = [post_sign_up(client, event, f"person{n}@example.fi").status_code for n in range(3)]

    assert answers == [303, 303, 429]
    assert registrations() == 2


def test_a_failed_statement_names_no_personal_data(app, make_organiser):
    from sqlalchemy.exc import IntegrityError

    make_organiser(email="sara@example.fi")
    with pytest.raises(IntegrityError) as failure:
        db.session.execute(
            sa.text("INSERT INTO organiser (email, name) VALUES (:email, :name)"),
            {"email": "sara@example.fi", "name": "Sara Löyttyjärvi"},
        )
    db.session.rollback()
    assert "sara@example.fi" not in str(failure.value)
    assert "Löyttyjärvi" not in str(failure.value)
