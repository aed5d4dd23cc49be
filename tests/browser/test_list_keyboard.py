"""An organiser adds people to a contact list with the keyboard alone: a pasted list with a
bad line, its per-line report and the corrected list; the upload field and the language
radios on the way. In Finnish, Swedish and English; every element Tab lands on must show
where the focus is."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.extensions import db
from app.lists import services as lists
from app.models import ListMember
from tests.browser.conftest import write_beside_server
from tests.browser.keyboard import id_is, record_rest_styles, tab, tab_to, text_is
from tests.browser.language import t
from tests.browser.test_accessibility import h1, sign_in

pytestmark = pytest.mark.browser


@pytest.fixture
def organiser(make_organiser):
    return make_organiser(email="olli@example.fi", name="Olli Organiser")


def arrived(page: Page, heading: str) -> None:
    expect(h1(page)).to_have_text(heading)
    page.wait_for_load_state()
    record_rest_styles(page)


def test_people_are_pasted_onto_a_list_with_the_keyboard_alone(page: Page, language, organiser):
    with write_beside_server():
        sote = lists.create_list(organiser, name="Järjestöjen sote-ryhmä", purpose="")
    sign_in(page, organiser, language)
    page.goto(f"/organiser/lists/{sote.id}")
    arrived(page, sote.name)

    tab_to(page, text_is(t(language, "Add people")), limit=40)
    page.keyboard.press("Enter")
    arrived(page, t(language, "Add people"))

    tab_to(page, id_is("pasted"), limit=40)
    page.keyboard.type("Aino Aalto; aino@example.fi; SOSTE ry\nBertil; bertil@@example.fi; ; sv")
    assert tab(page)["id"] == "upload"
    # Tab lands on the checked radio (the page's language); arrows choose Swedish (the second).
    checked = int(tab(page)["id"].removeprefix("language-"))
    page.keyboard.press("ArrowDown" if checked < 1 else "ArrowUp") if checked != 1 else None
    expect(page.locator("#language-1")).to_be_checked()
    add = tab(page)
    assert (add["tag"], add["text"]) == ("button", t(language, "Add to the list"))
    page.keyboard.press("Enter")

    problem = t(language, "%(email)s is not an email address", email="bertil@@example.fi")
    line = t(language, "Line %(line)d: %(problem)s", line=2, problem=problem)
    expect(page.get_by_text(line)).to_be_visible()
    record_rest_styles(page)
    # The error summary has the focus; its link leads to the list, which kept what was typed.
    tab_to(page, lambda stop: stop["tag"] == "a" and stop["text"], limit=5)
    page.keyboard.press("Enter")
    expect(page.locator("#pasted")).to_be_focused()
    page.keyboard.press("Control+End")
    for _ in range(len("bertil@@example.fi; ; sv")):
        page.keyboard.press("Backspace")
    page.keyboard.type("bertil@example.fi; Folkhälsan")
    tab_to(page, text_is(t(language, "Add to the list")), limit=10)
    page.keyboard.press("Space")

    expect(page.locator(".banner-content")).to_have_text(
        t(language, "%(num)d person was added to the list.", num=2)
    )
    db.session.commit()  # a fresh read of what the server wrote
    members = db.session.scalars(sa.select(ListMember).order_by(ListMember.email)).all()
    assert [(m.email, m.organisation, m.locale) for m in members] == [
        ("aino@example.fi", "SOSTE ry", "sv"),
        ("bertil@example.fi", "Folkhälsan", "sv"),
    ]
