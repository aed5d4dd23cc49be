"""The organiser's home through the real server: an organiser finds an upcoming event (with
people who signed up through the public form, some of them this week, some waiting), a
draft and a past event each in its tab with the right numbers, and finds one by its title;
an admin sees all events, filters them by organiser and finds the event nobody active
organises."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app import clock
from app.database import writing
from app.extensions import db
from app.models import Organiser
from tests.journeys.conftest import Kutsu, create_account, page_text, sign_in

pytestmark = pytest.mark.both_databases

OLLI = "olli@example.fi"
UPCOMING = "Järjestöjen kevätpäivä"
DRAFT = "Vapaaehtoisten ilta (suunnitteilla)"
PAST = "Syyskokous"
ORPHAN = "Hylätty työpaja"


def account(email: str) -> Organiser:
    return db.session.scalar(sa.select(Organiser).where(Organiser.email == email))


def sign_up(kutsu: Kutsu, event, name: str, email: str, expected: str) -> None:
    """A visitor signs up through the public form."""
    answer = kutsu.visitor().submit(
        f"/events/{event.slug}/register", {"name": name, "email": email, "consent": "y"}
    )
    assert expected in page_text(answer.text), page_text(answer.text)[:500]


def row(page: Page, title: str):
    return page.locator("main tbody tr", has_text=title)


def cells(page: Page, title: str):
    return row(page, title).locator("td")


def test_the_home_shows_each_event_in_its_tab_with_its_numbers(kutsu: Kutsu, new_page, make_event):
    create_account(kutsu, OLLI, "Olli Organiser")
    create_account(kutsu, "anna@example.fi", "Anna Admin", admin=True)
    create_account(kutsu, "lahtija@example.fi", "Leena Lähtijä")
    olli = account(OLLI)
    upcoming = make_event(olli, title=UPCOMING, capacity=2, starts_in=timedelta(days=30))
    make_event(olli, title=DRAFT, published=False, starts_in=timedelta(days=60))
    past = make_event(olli, title=PAST, starts_in=timedelta(days=-20), retention_days=90)
    make_event(account("lahtija@example.fi"), title=ORPHAN, starts_in=timedelta(days=40))

    # One sign-up eight days ago; this week one more gets the last place and two wait.
    kutsu.clock.travel(clock.now() - timedelta(days=8))
    sign_up(kutsu, upcoming, "Aino Lehtinen", "aino@example.fi", "You are registered")
    kutsu.clock.travel(clock.now() + timedelta(days=8))
    sign_up(kutsu, upcoming, "Veikko Aalto", "veikko@example.fi", "You are registered")
    sign_up(kutsu, upcoming, "Sara Öhman", "sara@example.fi", "waiting list")
    sign_up(kutsu, upcoming, "Matti Berg", "matti@example.fi", "waiting list")

    page = new_page()
    sign_in(page, OLLI)
    page.goto("/organiser/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your events")
    tabs = page.get_by_role("navigation", name="Events by time")
    expect(tabs.get_by_role("link")).to_have_text(["Upcoming (1)", "Drafts (1)", "Past (1)"])
    expect(tabs.get_by_role("link", name="Upcoming (1)")).to_have_attribute("aria-current", "page")
    # Title, when, status, confirmed / places, waiting, sign-ups in the last 7 days.
    expect(page.locator("main tbody tr")).to_have_count(1)
    expect(cells(page, UPCOMING).nth(2)).to_have_text("Published")
    expect(cells(page, UPCOMING).nth(3)).to_have_text("2 / 2")
    expect(cells(page, UPCOMING).nth(4)).to_have_text("2")
    expect(cells(page, UPCOMING).nth(5)).to_have_text("3")

    # The tabs are links: the keyboard opens them.
    tabs.get_by_role("link", name="Drafts (1)").focus()
    page.keyboard.press("Enter")
    expect(tabs.get_by_role("link", name="Drafts (1)")).to_have_attribute("aria-current", "page")
    expect(page.locator("main tbody tr")).to_have_count(1)
    expect(cells(page, DRAFT).nth(2)).to_have_text("Draft")

    tabs.get_by_role("link", name="Past (1)").click()
    expect(page.locator("main tbody tr")).to_have_count(1)
    erased_on = clock.to_local(past.ends_at + timedelta(days=90))
    expect(cells(page, PAST).nth(2)).to_have_text(
        re.compile(rf"Personal data will be erased on \w+ {erased_on.day} {erased_on:%b %Y}")
    )

    # The search finds by title, in the tab it was made in; the event opens from its row.
    page.get_by_role("link", name="Upcoming (1)").click()
    page.get_by_label("Search by title").fill("KEVÄT")
    page.get_by_label("Search by title").press("Enter")
    expect(page).to_have_url(re.compile(r"tab=upcoming"))
    expect(page.locator("main tbody tr")).to_have_count(1)
    expect(row(page, UPCOMING)).to_be_visible()
    page.get_by_label("Search by title").fill("syys")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("main")).to_contain_text("No events found.")
    expect(tabs.get_by_role("link")).to_have_text(["Upcoming (0)", "Drafts (0)", "Past (1)"])
    tabs.get_by_role("link", name="Past (1)").click()
    expect(row(page, PAST)).to_be_visible()
    row(page, PAST).get_by_role("link", name=PAST).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(PAST)

    # Leena leaves: her event has no active organiser (the operator deactivates her
    # account in the database; Kutsu has no page for it yet).
    db.session.commit()  # the test's read ends: SQLite writes from a fresh snapshot
    with writing():
        account("lahtija@example.fi").active = False
        db.session.commit()

    admin = new_page()
    sign_in(admin, "anna@example.fi")
    admin.goto("/organiser/")
    expect(admin.get_by_role("heading", level=1)).to_have_text("All events")
    expect(admin.locator("main tbody tr")).to_have_count(2)
    expect(cells(admin, ORPHAN).first).to_contain_text("No active organiser")
    expect(cells(admin, UPCOMING).first).not_to_contain_text("No active organiser")
    expect(cells(admin, UPCOMING).nth(3)).to_have_text("2 / 2")

    admin.get_by_label("Organiser").select_option(label="Olli Organiser (olli@example.fi)")
    admin.get_by_role("button", name="Search").click()
    expect(admin.locator("main tbody tr")).to_have_count(1)
    expect(row(admin, UPCOMING)).to_be_visible()
    expect(admin.get_by_label("Organiser")).to_have_value(str(olli.id))
    # The filter is kept from tab to tab.
    admin.get_by_role("link", name="Drafts (1)").click()
    expect(row(admin, DRAFT)).to_be_visible()
    expect(admin.get_by_label("Organiser")).to_have_value(str(olli.id))
