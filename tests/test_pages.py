"""The accessibility statement, the privacy notices, and the footer that links them."""

from datetime import timedelta

import pytest

from app import clock
from app.extensions import db
from app.organiser.services import QuestionDetails
from tests.conftest import DIET_QUESTION, text_of


@pytest.mark.parametrize("path", ["/", "/login", "/accessibility", "/privacy", "/no-such-page"])
def test_every_page_footer_links_the_accessibility_statement_and_privacy(client, path):
    page = client.get(path)
    footer = page.text.split('<footer class="site-footer">')[1]
    assert 'href="/accessibility"' in footer
    assert 'href="/privacy"' in footer


def test_the_accessibility_statement_follows_the_eu_model(app, client):
    app.config.update(SERVICE_OPERATOR="Hämeen Setlementti ry", ACCESSIBILITY_REVIEWED="2027-01-15")
    page = text_of(client.get("/accessibility"))

    for heading in [
        "Compliance status",
        "Content that is not accessible",
        "How the service was tested",
        "Feedback",
        "Supervisory authority",
    ]:
        assert heading in page
    assert "Hämeen Setlementti ry wants everyone" in page
    assert "partially meets the requirements of WCAG 2.1 level AA" in page
    assert "last reviewed on 15 January 2027" in page
    # The feedback channel: the operator's address, else the one mail comes from.
    assert "kutsu@test.example" in page
    assert "saavutettavuusvaatimukset.fi" in page


def test_the_statement_names_the_wcag_criteria_of_its_known_gaps(client):
    page = text_of(client.get("/accessibility", headers={"Accept-Language": "en"}))
    gaps = page.split("Content that is not accessible")[1].split("How the service was tested")[0]

    for criterion in ["2.4.4 Link Purpose", "1.3.1 Info and Relationships", "3.1.2"]:
        assert criterion in gaps
    # True to what Kutsu does: it marks the organisers' text, not what people type.
    assert "Kutsu marks the organisers' text with the event's language" in gaps
    assert "answers to questions" in gaps


@pytest.mark.parametrize(
    "language, site",
    [
        ("fi", "www.saavutettavuusvaatimukset.fi"),
        ("sv", "www.tillganglighetskrav.fi"),
        ("en", "www.saavutettavuusvaatimukset.fi"),
    ],
)
def test_the_statement_gives_the_supervisory_authoritys_contact_details(client, language, site):
    response = client.get("/accessibility", headers={"Accept-Language": language})
    authority = text_of(response)

    assert "Traficom" in authority
    assert f'href="https://{site}/"' in response.text
    assert "saavutettavuus@traficom.fi" in authority
    assert "029 534 5000" in authority


def test_the_statement_is_in_finnish_and_swedish_too(client):
    finnish = client.get("/accessibility", headers={"Accept-Language": "fi"})
    swedish = client.get("/accessibility", headers={"Accept-Language": "sv"})
    assert "<h1>Saavutettavuusseloste</h1>" in finnish.text
    assert "<h1>Tillgänglighetsutlåtande</h1>" in swedish.text


def test_an_events_privacy_notice_says_who_what_why_and_how_long(client, make_event):
    event = make_event(
        contact_email="info@example.fi",
        privacy_notice="Rekisterinpitäjä on *Hämeen Setlementti ry*.",
        questions=[QuestionDetails(id=None, **DIET_QUESTION)],
    )
    event.retention_days = 30
    db.session.commit()
    event_page = client.get(f"/events/{event.slug}")
    assert f'href="/events/{event.slug}/privacy"' in event_page.text  # in the footer

    page = client.get(f"/events/{event.slug}/privacy")
    text = text_of(page)
    assert "Rekisterinpitäjä on Hämeen Setlementti ry" in text
    assert "info@example.fi" in text
    assert "Erityisruokavalio" in text  # the sensitive question, named
    kept_until = clock.to_local(event.ends_at + timedelta(days=30))
    assert f"Until {kept_until:%a} {kept_until.day} {kept_until:%b %Y}, 30 days after" in text


def test_a_drafts_privacy_notice_is_not_public(client, make_event):
    draft = make_event(published=False)
    assert client.get(f"/events/{draft.slug}/privacy").status_code == 404


def test_the_sign_up_form_links_the_whole_privacy_notice(client, make_event):
    event = make_event()
    form = client.get(f"/events/{event.slug}/register")
    assert f'href="/events/{event.slug}/privacy"' in form.text.split("<footer")[0]


def test_every_page_has_an_icon_and_browsers_may_keep_it(client):
    page = client.get("/").get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico" sizes="32x32">' in page
    assert '<link rel="icon" href="/favicon.svg" type="image/svg+xml">' in page

    with client.get("/favicon.ico") as ico, client.get("/favicon.svg") as svg:
        assert ico.status_code == 200
        assert ico.data[:4] == b"\0\0\1\0", "an icon file"
        assert ico.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
        assert svg.get_data(as_text=True).startswith("<svg")
        for icon in (ico, svg):
            assert "max-age=604800" in icon.headers["Cache-Control"]
