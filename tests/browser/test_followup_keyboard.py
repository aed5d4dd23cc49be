"""An organiser writes the follow-up messages with the keyboard alone, in Finnish (every
page in each language is in the axe walk, tests/browser/test_accessibility.py): from the
event overview to the follow-up page, the message to those who came typed, its Swedish
version opened with Enter, the materials added to the other message with Space, and
"Schedule the messages" pressed with Enter; every element Tab lands on shows its focus."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import FollowUpAudience, FollowUpMessage
from tests.browser.keyboard import id_is, record_rest_styles, tab_to
from tests.browser.language import t
from tests.browser.test_accessibility import h1, sign_in

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["fi"])
def test_write_the_follow_up_with_the_keyboard_alone(
    page: Page, language, make_organiser, make_event
):
    olli = make_organiser(email="olli@example.fi", name="Olli Organiser")
    event = make_event(olli, title="Järjestöjen kevätpäivä", starts_in=timedelta(days=2))
    follow_up = f"/organiser/events/{event.id}/follow-up"
    sign_in(page, olli, language)
    page.goto(f"/organiser/events/{event.id}")
    record_rest_styles(page)

    tab_to(page, lambda stop: stop["href"] == follow_up, limit=60)
    page.keyboard.press("Enter")
    expect(h1(page)).to_have_text(t(language, "Follow-up messages"))

    record_rest_styles(page)
    tab_to(page, id_is("attended-subject"), limit=60)
    page.keyboard.type("Kiitos osallistumisesta")
    tab_to(page, id_is("attended-body"))
    page.keyboard.type("Kiitos, että tulit!")
    tab_to(page, lambda stop: stop["text"] == t(language, "In other languages"))
    page.keyboard.press("Enter")
    tab_to(page, id_is("attended-text_sv-subject"))
    page.keyboard.type("Tack för att du kom")
    tab_to(page, id_is("attended-text_sv-body"))
    page.keyboard.type("Tack!")
    tab_to(page, id_is("absent-subject"), limit=60)
    page.keyboard.type("Harmi, ettet päässyt")
    tab_to(page, id_is("absent-body"))
    page.keyboard.type("Tervetuloa ensi kerralla!")
    # Not ticked at first for those who did not come: ticked with Space.
    tab_to(page, id_is("absent-include_materials"))
    expect(page.locator("#absent-include_materials")).not_to_be_checked()
    page.keyboard.press("Space")
    expect(page.locator("#absent-include_materials")).to_be_checked()
    schedule = t(language, "Schedule the messages")
    tab_to(page, lambda stop: stop["tag"] == "button" and stop["text"] == schedule, limit=60)
    page.keyboard.press("Enter")
    expect(page.locator(".mail-text")).to_have_count(2)

    db.session.commit()  # a fresh read of what the server wrote
    saved = {
        message.audience: message for message in db.session.scalars(sa.select(FollowUpMessage))
    }
    came, absent = saved[FollowUpAudience.ATTENDED], saved[FollowUpAudience.ABSENT]
    assert (came.subject, came.include_materials) == ("Kiitos osallistumisesta", True)
    assert came.translations == {"sv": {"subject": "Tack för att du kom", "body": "Tack!"}}
    assert (absent.body, absent.include_materials) == ("Tervetuloa ensi kerralla!", True)
