"""Headers that keep pages, tokens and personal data where they belong."""

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter

from tests.conftest import deliver_mail, link_in, sign_up, text_of


def test_every_page_allows_only_its_own_scripts_and_forbids_framing_and_referrers(
    client, make_event
):
    event = make_event()
    for path in ("/", f"/events/{event.slug}", "/login", "/no-such-page"):
        response = client.get(path)
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in policy and "unsafe" not in policy
        assert "frame-ancestors 'none'" in policy
        assert response.headers["Referrer-Policy"] == "no-referrer"
        assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_manage_and_organiser_pages_are_not_cached(client, app, make_event, mailbox):
    event = make_event()
    sign_up(client, event)
    deliver_mail(app)
    manage = client.get(link_in(mailbox.messages[0], "/manage/"))
    assert manage.headers["Cache-Control"] == "no-store"
    assert "no-store" not in client.get(f"/events/{event.slug}").headers.get("Cache-Control", "")


def test_every_page_with_a_token_in_its_address_is_never_cached(app, client):
    rules = [r for r in app.url_map.iter_rules() if "token" in r.arguments and "GET" in r.methods]
    # Manage, cancel, invitation, accept, decline, password reset.
    assert len(rules) >= 6, [r.rule for r in rules]
    for rule in rules:
        response = client.get(url_of(app, rule))
        assert response.headers["Cache-Control"] == "no-store", rule.rule


def test_every_organiser_page_is_never_cached(app, client, login, make_organiser):
    """Whatever the page answers (a list of people, a 404 for an event not there), the
    organisers' pages hold personal data: no cache keeps them."""
    login(make_organiser(admin=True))
    rules = [
        rule
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/organiser") and "GET" in rule.methods
    ]
    assert len(rules) > 20
    for rule in rules:
        response = client.get(url_of(app, rule))
        assert response.headers.get("Cache-Control") == "no-store", rule.rule


def url_of(app, rule) -> str:
    """The rule's URL with its placeholders filled in: a number, the first of a fixed set
    of words, a token-long string for a token, else "x"."""

    def value(name, converter):
        if isinstance(converter, IntegerConverter):
            return 1
        if isinstance(converter, AnyConverter):
            return sorted(converter.items)[0]
        return "x" * 43 if name == "token" else "x"

    values = {name: value(name, converter) for name, converter in rule._converters.items()}
    return app.url_map.bind("kutsu.test").build(rule.endpoint, values)


def post_rules(app):
    """Every URL rule that takes a POST, with its placeholders filled in."""
    for rule in app.url_map.iter_rules():
        if "POST" in rule.methods:
            yield rule.rule, url_of(app, rule)


@pytest.mark.parametrize("token", [None, "forged"], ids=["no token", "forged token"])
def test_every_post_without_a_valid_csrf_token_is_refused(
    app, client, login, make_organiser, token
):
    login(make_organiser())
    rules = list(post_rules(app))
    assert len(rules) > 20, "the app's POST routes were not found"
    data = {} if token is None else {"csrf_token": token}
    for rule, url in rules:
        response = client.post(url, data=data)
        assert response.status_code == 400, f"{rule} answered {response.status_code}"
        assert "The form had expired or was sent from elsewhere" in text_of(response), rule


def test_over_https_cookies_are_secure_and_browsers_are_told_to_stay_on_https(app):
    from app import create_app

    secure = create_app(
        {**app.config, "PUBLIC_BASE_URL": "https://kutsu.example.fi", "PROXY_FIX_X_FOR": 1}
    )
    client = secure.test_client()
    page = client.get("/login", headers={"X-Forwarded-Proto": "https"})

    cookie = page.headers["Set-Cookie"]
    assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert page.headers["Strict-Transport-Security"].startswith("max-age=31536000")
    switched = client.get("/language/sv?next=/", headers={"X-Forwarded-Proto": "https"})
    assert "Secure" in switched.headers["Set-Cookie"]


def test_every_page_behind_sign_in_is_never_cached(client, login, make_organiser, make_event):
    admin = make_organiser(email="admin@example.fi", admin=True)
    workshop = make_event(admin, participation="invitation")
    login(admin)
    for path in [
        "/organiser/",
        f"/organiser/events/{workshop.id}/attendees",
        f"/organiser/events/{workshop.id}/attendees/new",
        f"/organiser/events/{workshop.id}/nominations",
        f"/organiser/events/{workshop.id}/invitations",
        "/admin/people?email=sara@example.fi",
        "/admin/audit",
    ]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert response.headers["Cache-Control"] == "no-store", path


@pytest.mark.both_databases
def test_an_address_with_a_nul_in_it_is_not_found_rather_than_an_error(client):
    """PostgreSQL refuses NUL in a query's text; no address reaches one with it."""
    for path in (
        "/events/a%00b",
        "/events/a%00b/register",
        "/events/a%00b.ics",
        "/series/a%00b",
        "/manage/a%00b",
        "/invitation/a%00b",
    ):
        assert client.get(path).status_code == 404, path
