"""Headers that keep pages, tokens and personal data where they belong."""

from tests.conftest import deliver_mail, link_in, sign_up


def test_every_page_forbids_scripts_framing_and_referrers(client, make_event):
    event = make_event()
    for path in ("/", f"/events/{event.slug}", "/login", "/no-such-page"):
        response = client.get(path)
        policy = response.headers["Content-Security-Policy"]
        assert "script-src 'none'" in policy
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
