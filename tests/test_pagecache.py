"""The event page is rendered once for all anonymous visitors, yet never shows old facts.

app.pagecache keeps the rendered page under a key made of the event's whole row and the
language; these tests show what a visitor sees after each kind of change, and that the
page really is served again without being rendered.
"""

from datetime import timedelta

import pytest
from flask import template_rendered

from app import clock
from app.extensions import db
from app.organiser.services import cancel_event
from tests.conftest import csrf_token_in, sign_up, text_of

# PostgreSQL reads the page's row on a connection of its own, outside any transaction.
pytestmark = pytest.mark.both_databases


@pytest.fixture
def renders(app):
    """The templates rendered since the test began, by name."""
    rendered = []

    def record(sender, template, context, **extra):
        rendered.append(template.name)

    template_rendered.connect(record, app)
    yield rendered
    template_rendered.disconnect(record, app)


@pytest.fixture(autouse=True)
def back_to_now():
    yield
    clock.reset()


def test_a_second_visitor_gets_the_page_without_it_being_rendered_again(
    app, client, make_event, renders
):
    event = make_event(capacity=20)
    first = client.get(f"/events/{event.slug}")
    second = app.test_client().get(f"/events/{event.slug}", headers={"Accept-Language": "en"})

    assert first.status_code == second.status_code == 200
    assert second.get_data() == first.get_data()
    assert renders.count("events/show.html") == 1
    # The headers of every page still come with a page from the cache.
    assert "frame-ancestors 'none'" in second.headers["Content-Security-Policy"]


def test_each_sign_up_shows_at_once_in_the_places_left(client, make_event):
    event = make_event(capacity=20)
    assert "20 places left" in text_of(client.get(f"/events/{event.slug}"))

    sign_up(client, event, email="eka@example.fi")
    assert "19 places left" in text_of(client.get(f"/events/{event.slug}"))
    sign_up(client, event, email="toka@example.fi")
    assert "18 places left" in text_of(client.get(f"/events/{event.slug}"))


def test_an_edit_and_a_cancellation_show_at_once(client, make_event):
    event = make_event(title="Kevätseminaari")
    assert "Kevätseminaari" in text_of(client.get(f"/events/{event.slug}"))

    event.title = "Syysseminaari"
    db.session.commit()
    page = text_of(client.get(f"/events/{event.slug}"))
    assert "Syysseminaari" in page
    assert "Kevätseminaari" not in page

    cancel_event(event)
    db.session.commit()
    assert "This event has been cancelled." in text_of(client.get(f"/events/{event.slug}"))


def test_registration_closing_by_the_clock_shows_at_that_moment(client, make_event, renders):
    closes = (clock.now() + timedelta(days=2)).replace(second=0, microsecond=0)
    event = make_event(registration_closes_at=closes)
    slug = event.slug

    clock.travel(closes - timedelta(seconds=1))
    assert "Registration open" in text_of(client.get(f"/events/{slug}"))
    assert "Registration open" in text_of(client.get(f"/events/{slug}"))
    assert renders.count("events/show.html") == 1  # the second came from the cache

    clock.travel(closes)
    page = text_of(client.get(f"/events/{slug}"))
    assert "Registration closed" in page
    assert "Sign up" not in page


def test_each_language_and_a_signed_in_organiser_get_their_own_page(
    app, client, make_event, make_organiser, login
):
    event = make_event(title="Kevätseminaari")
    path = f"/events/{event.slug}"
    english = text_of(client.get(path))
    finnish = text_of(app.test_client().get(path, headers={"Accept-Language": "fi"}))
    assert "Organiser sign-in" in english
    assert "Järjestäjän kirjautuminen" in finnish

    organiser = make_organiser(email="sara@example.fi")
    login(organiser)
    signed_in = client.get(path)
    assert "Your events" in text_of(signed_in)
    assert 'name="csrf_token"' in signed_in.get_data(as_text=True)  # the sign-out form
    # And the next anonymous visitor does not get the organiser's page.
    anonymous = text_of(app.test_client().get(path, headers={"Accept-Language": "en"}))
    assert "Your events" not in anonymous
    assert "Organiser sign-in" in anonymous


def test_a_flashed_message_is_shown_to_its_visitor_only(app, client, make_event):
    event = make_event()
    path = f"/events/{event.slug}"
    client.get(path)  # cached for anonymous visitors
    with client.session_transaction() as session:
        session["_flashes"] = [("success", "Kiitos!")]
    assert "Kiitos!" in text_of(client.get(path))
    assert "Kiitos!" not in text_of(app.test_client().get(path))


def test_a_draft_is_not_found_even_after_being_public(client, make_event):
    event = make_event()
    path = f"/events/{event.slug}"
    assert client.get(path).status_code == 200
    event.status = "draft"
    db.session.commit()
    assert client.get(path).status_code == 404


def test_the_sign_up_form_is_rendered_once_yet_each_visitor_has_a_token_of_their_own(
    app, make_event, renders
):
    event = make_event(capacity=20, questions=[{"label": "Ruokavalio", "kind": "short_text"}])
    path = f"/events/{event.slug}/register"
    first, second = app.test_client(), app.test_client()
    pages = [visitor.get(path, headers={"Accept-Language": "en"}) for visitor in (first, second)]
    assert [page.status_code for page in pages] == [200, 200]
    assert renders.count("signup/form.html") == 1
    tokens = [csrf_token_in(page.text) for page in pages]
    assert tokens[0] != tokens[1]
    emails = ["eka@example.fi", "toka@example.fi"]
    for visitor, token, email in zip((first, second), tokens, emails, strict=True):
        sent = visitor.post(
            path, data={"csrf_token": token, "name": "Sara", "email": email, "consent": "y"}
        )
        assert sent.status_code == 303, text_of(sent)
    # Each token belongs to its own visitor's session only.
    third = app.test_client()
    third.get(path)
    refused = third.post(
        path, data={"csrf_token": tokens[0], "name": "X", "email": "x@example.fi", "consent": "y"}
    )
    assert refused.status_code == 400


def test_a_changed_question_shows_on_the_form_at_once(client, make_event):
    event = make_event(questions=[{"label": "Ruokavalio", "kind": "short_text"}])
    path = f"/events/{event.slug}/register"
    assert "Ruokavalio" in text_of(client.get(path))

    event.questions[0].label = "Erityisruokavalio tai allergiat"
    db.session.commit()
    assert "Erityisruokavalio tai allergiat" in text_of(client.get(path))


def test_a_refused_form_keeps_what_was_typed(client, make_event):
    event = make_event()
    path = f"/events/{event.slug}/register"
    token = csrf_token_in(client.get(path).text)
    refused = client.post(
        path, data={"csrf_token": token, "name": "Sara Löyttyjärvi", "email": "ei-osoite"}
    )
    assert refused.status_code == 200
    assert 'value="Sara Löyttyjärvi"' in refused.text
    assert "Enter an email address in the correct format" in text_of(refused)


def test_a_sign_up_is_checked_against_the_questions_as_they_are_now(client, make_event):
    choice = {"label": "Työpaja", "kind": "single_choice", "options": ["Aamu", "Ilta"]}
    event = make_event(capacity=20, questions=[choice])
    field = f"q_{event.questions[0].id}"
    assert sign_up(client, event, email="eka@example.fi", **{field: "Aamu"}).status_code == 200

    event.questions[0].options = ["Lounas", "Päivällinen"]
    db.session.commit()
    refused = sign_up(client, event, email="toka@example.fi", **{field: "Aamu"})
    taken = sign_up(client, event, email="toka@example.fi", **{field: "Lounas"})

    assert "Choose one of the options" in text_of(refused)
    assert "You are registered" in text_of(taken)
