"""Language of parts (WCAG 3.1.2): text in another language than the page carries `lang`.

Organisers write in one language (the event's); a Swedish or English page that shows their
words marks them, so that a screen reader reads Finnish as Finnish. What Kutsu itself says
is in the page's language, region names included; the stored values stay as they were.
"""

from datetime import timedelta
from html.parser import HTMLParser

import pytest

from app import clock
from app.extensions import db
from app.models import Candidate
from app.nominations import services as nominations
from tests.conftest import submit

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class _Languages(HTMLParser):
    """Each piece of text of a page with the language it is in (the nearest `lang`)."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str, str | None]] = []
        self.texts: list[tuple[str, str]] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID:
            self.stack.append((tag, dict(attrs).get("lang")))

    def handle_endtag(self, tag):
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data):
        lang = next((lang for _, lang in reversed(self.stack) if lang), None)
        if data.strip():
            self.texts.append((" ".join(data.split()), lang))


def language_of(response, text: str) -> str:
    """The language the page's body says `text` is in; fails when it does not show it.

    (The <title> in the head cannot mark a part: the page's language is the only one.)"""
    html = response.get_data(as_text=True)
    head, body = html.split("<body", 1)
    parser = _Languages()
    parser.feed(head.split("<head", 1)[0] + "<body" + body)
    found = {lang for shown, lang in parser.texts if text in shown}
    assert found, f"the page does not show {text!r}"
    assert len(found) == 1, f"{text!r} is shown in several languages: {found}"
    return found.pop()


def in_language(code: str) -> dict:
    return {"headers": {"Accept-Language": code}}


SENSITIVE_QUESTION = {
    "label": "Erityisruokavalio",
    "kind": "short_text",
    "hint": "Esimerkiksi gluteeniton",
    "sensitive": True,
}
CHOICE_QUESTION = {
    "label": "Työpaja",
    "kind": "single_choice",
    "options": ["Vapaaehtoistoiminta", "Rahoitus"],
    "required": True,
}


@pytest.fixture
def event(make_event, make_organiser):
    owner = make_organiser(email="olli@example.fi")
    return make_event(
        owner,
        title="Järjestöjen kevätpäivä",
        language="fi",
        privacy_notice="Rekisterinpitäjä on Hämeen Setlementti ry.",
        questions=[SENSITIVE_QUESTION, CHOICE_QUESTION],
    )


@pytest.fixture
def workshop(make_event, make_organiser):
    owner = make_organiser(email="olli@example.fi")
    now = clock.now()
    return make_event(
        owner,
        title="Tulevaisuuden sote-keskus",
        participation="invitation",
        nominations_open_at=now - timedelta(days=1),
        nominations_close_at=now + timedelta(days=5),
        starts_in=timedelta(days=30),
        themes=["Mielenterveys", "Ikäihmiset"],
        privacy_notice="Rekisterinpitäjä on SOSTE ry.",
    )


@pytest.mark.parametrize("page_language", ["sv", "en"])
def test_the_sign_up_form_marks_the_organisers_finnish_and_not_its_own_words(
    client, event, page_language
):
    form = client.get(f"/events/{event.slug}/register", **in_language(page_language))

    assert language_of(form, "Erityisruokavalio") == "fi"
    assert language_of(form, "Esimerkiksi gluteeniton") == "fi"
    assert language_of(form, "Rahoitus") == "fi"
    assert language_of(form, "Rekisterinpitäjä on Hämeen Setlementti ry.") == "fi"
    # The note Kutsu adds after the organiser's hint is in the page's language.
    note = {
        "sv": "Känslig: svara bara om du samtycker nedan.",
        "en": "Sensitive: answered only if you agree below.",
    }
    assert language_of(form, note[page_language]) == page_language


def test_a_finnish_page_needs_no_marks_for_finnish_text(client, event):
    form = client.get(f"/events/{event.slug}/register", **in_language("fi"))

    assert language_of(form, "Esimerkiksi gluteeniton") == "fi"  # from <html lang="fi">
    assert 'lang="fi"' not in form.text.split('<main id="main"', 1)[1]


@pytest.mark.parametrize(
    "page_language, region",
    [("fi", "Kanta-Häme"), ("sv", "Egentliga Tavastland"), ("en", "Kanta-Häme")],
)
def test_the_nomination_form_names_regions_in_the_page_language_and_marks_themes(
    client, workshop, page_language, region
):
    form = client.get(f"/events/{workshop.slug}/nominate", **in_language(page_language))

    assert f'<option value="Kanta-Häme">{region}</option>' in form.text
    assert language_of(form, region) == page_language
    assert language_of(form, "Mielenterveys") == "fi"
    assert language_of(form, "Rekisterinpitäjä on SOSTE ry.") == "fi"


def test_every_region_has_its_official_swedish_and_english_name(client, workshop):
    swedish = client.get(f"/events/{workshop.slug}/nominate", **in_language("sv")).text
    english = client.get(f"/events/{workshop.slug}/nominate", **in_language("en")).text

    for stored, name in [
        ("Etelä-Karjala", "Södra Karelen"),
        ("Pohjanmaa", "Österbotten"),
        ("Varsinais-Suomi", "Egentliga Finland"),
        ("Vantaa-Kerava", "Vanda och Kervo"),
        ("Helsinki", "Helsingfors"),
    ]:
        assert f'<option value="{stored}">{name}</option>' in swedish
    for stored, name in [
        ("Etelä-Karjala", "South Karelia"),
        ("Pohjanmaa", "Ostrobothnia"),
        ("Varsinais-Suomi", "Southwest Finland"),
        ("Lappi", "Lapland"),
    ]:
        assert f'<option value="{stored}">{name}</option>' in english


def test_a_region_chosen_on_a_swedish_page_is_stored_as_it_always_was(client, login, workshop):
    response = submit(
        client,
        f"/events/{workshop.slug}/nominate",
        {
            "name": "Nils Nordström",
            "email": "nils@example.fi",
            "organisation": "Folkhälsan",
            "nominees-0-name": "Greta Grön",
            "nominees-0-email": "greta@example.fi",
            "nominees-0-region": "Varsinais-Suomi",
            "nominees-0-themes": "Mielenterveys",
            "nominees-0-justification": "Lång erfarenhet.",
            "confirm": "y",
        },
        headers={"Accept-Language": "sv"},
    )
    assert response.status_code == 303

    assert db.session.scalars(db.select(Candidate.region)).one() == "Varsinais-Suomi"
    # The organiser reading in Swedish sees the Swedish name.
    login(workshop.organiser_links[0].organiser)
    page = client.get(f"/organiser/events/{workshop.id}/nominations", **in_language("sv"))
    assert language_of(page, "Egentliga Finland") == "sv"
    assert language_of(page, "Mielenterveys") == "fi"
    candidate = nominations.candidates(workshop)[0]
    nominee = client.get(
        f"/organiser/events/{workshop.id}/nominations/{candidate.id}", **in_language("sv")
    )
    assert language_of(nominee, "Egentliga Finland") == "sv"
    assert language_of(nominee, "Mielenterveys") == "fi"


@pytest.mark.parametrize("page_language", ["sv", "en"])
def test_organiser_pages_mark_event_titles_and_question_labels(client, login, event, page_language):
    login(event.organiser_links[0].organiser)

    dashboard = client.get("/organiser/", **in_language(page_language))
    assert language_of(dashboard, "Järjestöjen kevätpäivä") == "fi"
    attendees = client.get(
        f"/organiser/events/{event.id}/attendees?sensitive=1", **in_language(page_language)
    )
    assert language_of(attendees, "Järjestöjen kevätpäivä") == "fi"
    assert language_of(attendees, "Erityisruokavalio") == "fi"
    assert language_of(attendees, "Työpaja") == "fi"
