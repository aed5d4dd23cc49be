"""Making a series with the keyboard alone: the way it repeats chosen with the arrow keys,
the last date typed, Enter shows the dates (never makes them unseen), then the button
that makes them."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app import clock
from app.extensions import db
from app.models import Series
from tests.browser.keyboard import id_is, record_rest_styles, tab, tab_to, text_is
from tests.browser.language import t
from tests.browser.test_accessibility import h1, sign_in

pytestmark = pytest.mark.browser


def test_a_series_is_made_every_other_week_by_keyboard(
    page: Page, language, make_organiser, make_event
):
    organiser = make_organiser(email="olli@example.fi", name="Olli Organiser")
    event = make_event(organiser, title="Järjestöjen sote-ryhmä", starts_in=timedelta(days=10))
    first = clock.to_local(event.starts_at).date()
    last = first + timedelta(weeks=6)
    sign_in(page, organiser, language)
    page.goto(f"/organiser/events/{event.id}/series/new")
    record_rest_styles(page)

    # Monthly is chosen at first; the arrow key moves to every week or few weeks.
    assert tab_to(page, id_is("kind-1"))["type"] == "radio"
    page.keyboard.press("ArrowUp")
    expect(page.locator("#kind-0")).to_be_checked()
    assert tab(page)["id"] == "interval"
    page.keyboard.press("Control+A")
    page.keyboard.type("2")
    tab_to(page, id_is("until"))
    page.keyboard.type(f"{last.day}.{last.month}.{last.year}")

    # Enter in a text field shows the dates; nothing is made yet.
    page.keyboard.press("Enter")
    heading = page.get_by_role("heading", name=t(language, "%(num)d meeting will be made", num=4))
    expect(heading).to_be_focused()
    assert db.session.scalar(sa.select(sa.func.count(Series.id))) == 0
    record_rest_styles(page)
    tab_to(page, text_is(t(language, "Make %(num)d meeting", num=4)))
    page.keyboard.press("Enter")

    expect(h1(page)).to_have_text("Järjestöjen sote-ryhmä")
    db.session.commit()  # a fresh snapshot: the server wrote since
    series = db.session.scalars(sa.select(Series)).one()
    dates = [clock.to_local(e.starts_at).date() for e in series.occurrences]
    assert dates == [first + timedelta(weeks=weeks) for weeks in (0, 2, 4, 6)]
