"""What a participant reads on the sign-up, confirmation and manage pages: the words on
each page, taken apart by element where it matters how they are set out."""

from html.parser import HTMLParser

import pytest

from app.extensions import db
from app.models import QuestionKind
from app.organiser.services import cancel_event
from tests.conftest import deliver_mail, link_in, sign_up, text_of


class _Element(HTMLParser):
    """The text and attributes of the element with one id, and of what it holds."""

    def __init__(self, wanted_id: str):
        super().__init__(convert_charrefs=True)
        self.wanted_id = wanted_id
        self.depth = 0
        self.attributes: dict | None = None
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("id") == self.wanted_id and self.attributes is None:
            self.attributes = dict(attrs)
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def element(html: str, element_id: str) -> tuple[str, dict]:
    """The element's text (whitespace collapsed) and its attributes; fails when absent."""
    parser = _Element(element_id)
    parser.feed(html)
    assert parser.attributes is not None, f"the page has no element with id {element_id!r}"
    return " ".join("".join(parser.parts).split()), parser.attributes


def test_a_sensitive_questions_note_stands_apart_from_its_hint(client, make_event):
    """The organiser's hint "vegaaninen" has no full stop and is in Finnish: the note is a
    paragraph of its own, in the page's language, and the field is described by both."""
    event = make_event(
        questions=[
            {
                "label": "Erityisruokavalio",
                "hint": "esimerkiksi vegaaninen",
                "kind": QuestionKind.SHORT_TEXT,
                "sensitive": True,
            }
        ]
    )
    field = f"q_{event.questions[0].id}"

    html = client.get(f"/events/{event.slug}/register").get_data(as_text=True)

    hint, hint_attributes = element(html, f"{field}-hint")
    note, note_attributes = element(html, f"{field}-sensitive")
    assert hint == "esimerkiksi vegaaninen"
    assert hint_attributes.get("lang") == "fi"  # the organiser's words, on an English page
    assert note == "Sensitive: answered only if you agree below."
    assert "lang" not in note_attributes
    _, box = element(html, field)
    assert box["aria-describedby"].split() == [f"{field}-hint", f"{field}-sensitive"]


def test_a_sensitive_question_without_a_hint_still_shows_its_note(client, make_event):
    event = make_event(
        questions=[{"label": "Esteettömyys", "kind": QuestionKind.LONG_TEXT, "sensitive": True}]
    )
    field = f"q_{event.questions[0].id}"

    page = client.get(f"/events/{event.slug}/register")

    html = page.get_data(as_text=True)
    assert element(html, f"{field}-sensitive")[0] == (
        "Sensitive: answered only if you agree below."
    )
    assert f'id="{field}-hint"' not in html
    assert "You are registered" in text_of(sign_up(client, event))


def manage_link(app, mailbox, address="sara@example.fi") -> str:
    """The manage link from the first email to the address."""
    deliver_mail(app)
    return link_in(mailbox.to(address)[0], "/manage/")


@pytest.mark.parametrize("capacity", [10, 1])
def test_the_manage_page_of_a_cancelled_event_promises_no_place(
    client, app, make_event, mailbox, capacity
):
    event = make_event(capacity=capacity)
    sign_up(client, event, email="first@example.fi")
    sign_up(client, event)  # confirmed, or waiting when the one place is taken
    cancel_event(event)
    db.session.commit()

    page = text_of(client.get(manage_link(app, mailbox)))

    assert "This event has been cancelled." in page
    assert "Status No place: the event will not take place" in page
    assert "Confirmed" not in page
    assert "waiting list" not in page
    assert "Cancel my registration" not in page
