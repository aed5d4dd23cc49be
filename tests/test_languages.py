"""Finnish, Swedish and English: the visitor's choice, event text per language, and each
person's mail in their own language whatever language the organiser uses."""

import re
from datetime import datetime, timedelta
from functools import cache

import pytest

from app import clock
from app.extensions import db
from app.i18n import LANGUAGE_COOKIE, read_catalogue
from app.models import Candidate, Registration
from app.nominations import services as nominations
from app.organiser.services import QuestionDetails
from tests.conftest import Mailbox, deliver_mail, submit, text_of, typed_moment


@cache
def t(locale: str, msgid: str) -> str:
    """The text a page in `locale` shows for the English `msgid`."""
    if locale == "en":
        return msgid
    message = read_catalogue(locale).get(msgid)
    assert message is not None and message.string, f"no {locale} text for {msgid!r}"
    return message.string


def in_language(code: str) -> dict:
    return {"headers": {"Accept-Language": code}}


WORKSHOP_QUESTION = {
    "label": "Työpaja",
    "kind": "single_choice",
    "options": ["Vapaaehtoistoiminta", "Rahoitus"],
    "required": True,
    "translations": {
        "sv": {"label": "Workshop", "options": ["Frivilligverksamhet", "Finansiering"]},
    },
}


@pytest.fixture
def bilingual_event(make_event):
    return make_event(
        title="Järjestöjen kevätpäivä",
        description="Tervetuloa **kevätpäivään**!",
        language="fi",
        translations={"sv": {"title": "Organisationernas vårdag", "description": "Välkommen!"}},
        questions=[QuestionDetails(id=None, **WORKSHOP_QUESTION)],
        capacity=10,
    )


# --- choosing the language -------------------------------------------------------------


def test_without_a_preference_pages_are_in_finnish(client):
    page = client.get("/", environ_overrides={"HTTP_ACCEPT_LANGUAGE": ""})
    assert '<html lang="fi">' in page.text
    assert t("fi", "Upcoming events") in text_of(page)


@pytest.mark.parametrize("code", ["fi", "sv", "en"])
def test_accept_language_picks_the_page_language(client, code):
    page = client.get("/", **in_language(f"{code}-FI,{code};q=0.9"))
    assert f'<html lang="{code}">' in page.text
    assert t(code, "Upcoming events") in text_of(page)


def test_the_switcher_remembers_the_choice_and_returns_to_the_same_page(client, bilingual_event):
    path = f"/events/{bilingual_event.slug}/register"
    form = client.get(path, **in_language("fi"))
    switch = re.search(r'href="(/language/sv\?next=[^"]+)"[^>]*lang="sv"', form.text).group(1)

    response = client.get(switch.replace("&amp;", "&"))

    assert response.status_code == 303
    assert response.headers["Location"] == path
    cookie = client.get_cookie(LANGUAGE_COOKIE)
    assert cookie.value == "sv" and cookie.http_only
    # Remembered over the browser's own Finnish preference, on every page after.
    again = client.get(path, **in_language("fi"))
    assert '<html lang="sv">' in again.text
    assert t("sv", "Sign up") in text_of(again)
    assert '<html lang="sv">' in client.get("/", **in_language("fi")).text


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/", "/\\evil.example"])
def test_the_switcher_never_sends_anyone_to_another_site(client, target):
    response = client.get("/language/en", query_string={"next": target})
    assert response.status_code == 303
    assert response.headers["Location"] == "/"


def test_an_unknown_language_is_not_found(client):
    assert client.get("/language/de?next=/").status_code == 404


def test_a_number_in_words_is_refused_naming_its_field_in_the_page_language(
    client, login, make_organiser
):
    login(make_organiser())
    page = submit(
        client,
        "/organiser/events/new",
        {"title": "Kahvit", "capacity": "kolmekymmentä", "save": "1"},
        headers={"Accept-Language": "fi"},
    )
    assert page.status_code == 200
    assert "Paikkojen määrä on kokonaisluku, esimerkiksi 40" in text_of(page)
    assert t("fi", "Enter the start date and time") in text_of(page)


# --- dates and times ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "code, shown",
    [
        ("fi", "ti 17.3.2026 klo 17.00–19.00"),
        ("sv", "tis 17.3.2026 kl. 17.00–19.00"),
        ("en", "Tue 17 Mar 2026, 17:00–19:00"),
    ],
)
def test_event_times_are_written_the_way_each_language_writes_them(client, make_event, code, shown):
    clock.travel(datetime(2026, 3, 1, 10, 0, tzinfo=clock.UTC))
    event = make_event(starts_in=timedelta(days=16, hours=5))  # 17.3. 17.00 Helsinki time
    assert shown in text_of(client.get(f"/events/{event.slug}", **in_language(code)))


# --- event text per language -----------------------------------------------------------------


def test_the_event_shows_in_the_visitors_language_and_falls_back_marked_with_lang(
    client, bilingual_event
):
    swedish = client.get(f"/events/{bilingual_event.slug}", **in_language("sv"))
    assert "<h1>Organisationernas vårdag</h1>" in swedish.text
    assert '<div class="description" lang="sv"><p>Välkommen!</p>' in swedish.text

    # No English text given: the Finnish one, marked as Finnish inside an English page.
    english = client.get(f"/events/{bilingual_event.slug}", **in_language("en"))
    assert '<html lang="en">' in english.text
    assert '<h1><span lang="fi">Järjestöjen kevätpäivä</span></h1>' in english.text
    assert '<div class="description" lang="fi">' in english.text


def test_questions_and_options_are_translated_but_answers_stay_in_the_main_language(
    app, client, bilingual_event, mailbox
):
    form = client.get(f"/events/{bilingual_event.slug}/register", **in_language("sv"))
    assert "Workshop" in text_of(form) and "Finansiering" in text_of(form)
    question_id = bilingual_event.questions[0].id
    assert 'value="Rahoitus"' in form.text  # the value sent is the organiser's own option

    submit(
        client,
        f"/events/{bilingual_event.slug}/register",
        {
            "name": "Stina Strand",
            "email": "stina@example.fi",
            f"q_{question_id}": "Rahoitus",
            "consent": "y",
        },
        headers={"Accept-Language": "sv"},
    )

    registration = db.session.scalars(db.select(Registration)).one()
    assert registration.locale == "sv"
    assert [answer.value for answer in registration.answers] == ["Rahoitus"]
    deliver_mail(app)
    [confirmation] = mailbox.to("stina@example.fi")
    assert confirmation["Subject"] == t("sv", "You are registered: %(title)s") % {
        "title": "Organisationernas vårdag"
    }


def test_the_organiser_gives_other_languages_in_the_event_form(client, login, make_organiser):
    login(make_organiser())
    response = submit(
        client,
        "/organiser/events/new",
        {
            "title": "Järjestöjen joulukahvit",
            "language": "fi",
            "text_sv-title": "Organisationernas julkaffe",
            "text_sv-description": "Välkommen på glögg!",
            **typed_moment("starts_at", "17.12.2027", "17.00"),
            **typed_moment("ends_at", "17.12.2027", "19.00"),
            "format": "in_person",
            "venue_name": "Kumppanuustalo",
            "questions-0-label": "Kahvi vai tee?",
            "questions-0-kind": "single_choice",
            "questions-0-options": "Kahvi\nTee",
            "questions-0-text_sv-label": "Kaffe eller te?",
            "questions-0-text_sv-options": "Kaffe\nTe",
            "save": "1",
        },
    )
    assert response.status_code == 303, text_of(response)
    edit = client.get(response.headers["Location"] + "/edit")
    assert 'value="Organisationernas julkaffe"' in edit.text
    assert "Välkommen på glögg!</textarea>" in edit.text
    assert 'value="Kaffe eller te?"' in edit.text
    assert "Kaffe\nTe</textarea>" in edit.text


def test_a_translation_with_a_different_number_of_options_is_refused_at_the_field(
    client, login, make_organiser
):
    login(make_organiser())
    page = submit(
        client,
        "/organiser/events/new",
        {
            "title": "Järjestöjen joulukahvit",
            "language": "fi",
            **typed_moment("starts_at", "17.12.2027", "17.00"),
            **typed_moment("ends_at", "17.12.2027", "19.00"),
            "format": "online",
            "questions-0-label": "Kahvi vai tee?",
            "questions-0-kind": "single_choice",
            "questions-0-options": "Kahvi\nTee",
            "questions-0-text_en-options": "Coffee\nTea\nJuice",
            "save": "1",
        },
    )
    assert page.status_code == 200
    assert 'href="#questions-0-text_en-options"' in page.text
    assert "Give as many options as in the main language, in the same order" in text_of(page)
    assert "Coffee\nTea\nJuice</textarea>" in page.text  # kept as typed
    assert '<details class="translations" open>' in page.text


# --- each person's mail in their own language ---------------------------------------------


def test_mail_goes_out_in_each_persons_language_whatever_the_organiser_uses(
    app, client, bilingual_event, mailbox
):
    from app.organiser.services import cancel_event

    for code, email in [("sv", "stina@example.fi"), ("en", "emma@example.fi")]:
        submit(
            client,
            f"/events/{bilingual_event.slug}/register",
            {
                "name": "Person",
                "email": email,
                f"q_{bilingual_event.questions[0].id}": "Rahoitus",
                "consent": "y",
            },
            headers={"Accept-Language": code},
        )
    deliver_mail(app)
    mailbox.clear()

    cancel_event(bilingual_event)  # as from an organiser browsing in Finnish
    db.session.commit()
    deliver_mail(app)

    [swedish] = mailbox.to("stina@example.fi")
    [english] = mailbox.to("emma@example.fi")
    assert swedish["Subject"] == t("sv", "Cancelled: %(title)s") % {
        "title": "Organisationernas vårdag"
    }
    assert english["Subject"] == "Cancelled: Järjestöjen kevätpäivä"
    assert "tis " in Mailbox.text(swedish) or "kl. " in Mailbox.text(swedish)


def test_a_nomination_in_swedish_reaches_nominator_and_nominee_in_swedish(
    app, client, make_event, mailbox
):
    now = clock.now()
    workshop = make_event(
        title="Tulevaisuuden sote-keskus",
        participation="invitation",
        nominations_open_at=now - timedelta(days=1),
        nominations_close_at=now + timedelta(days=5),
        starts_in=timedelta(days=30),
    )
    page = client.get(f"/events/{workshop.slug}/nominate", **in_language("sv"))
    assert '<html lang="sv">' in page.text
    response = submit(
        client,
        f"/events/{workshop.slug}/nominate",
        {
            "name": "Nils Nordström",
            "email": "nils@example.fi",
            "organisation": "Folkhälsan",
            "nominees-0-name": "Greta Grön",
            "nominees-0-email": "greta@example.fi",
            "nominees-0-justification": "Lång erfarenhet.",
            "confirm": "y",
        },
        headers={"Accept-Language": "sv"},
    )
    assert response.status_code == 303, text_of(response)
    deliver_mail(app)

    [thanks] = mailbox.to("nils@example.fi")
    [informed] = mailbox.to("greta@example.fi")
    title = {"title": "Tulevaisuuden sote-keskus"}
    assert thanks["Subject"] == t("sv", "Thank you for your nominations: %(title)s") % title
    assert informed["Subject"] == t("sv", "You have been nominated: %(title)s") % title
    assert db.session.scalars(db.select(Candidate.locale)).one() == "sv"
    assert nominations.candidates(workshop)[0].nominations[0].locale == "sv"


def test_the_sign_in_prompt_is_in_the_visitors_language(client):
    page = client.get("/organiser/", follow_redirects=True, **in_language("sv"))
    assert t("sv", "Sign in to see this page.") in text_of(page)
