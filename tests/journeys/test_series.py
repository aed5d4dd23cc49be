"""Copying last month's meeting and making a monthly series of it, through the real
server in Chromium; then one meeting of the series moves, and only its people are told."""

import re
import time
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app import clock
from app.extensions import db
from app.models import Event, EventFormat, EventStatus, Series
from app.series.dates import nth_weekday
from tests.conftest import pending_mail
from tests.journeys.conftest import Kutsu, page_text, sign_in

pytestmark = pytest.mark.both_databases

TITLE = "Järjestöjen sote-ryhmä"


def h1(page: Page):
    return page.get_by_role("heading", level=1)


def finnish(day) -> str:
    return f"{day.day}.{day.month}.{day.year}"


def second_thursday_ahead() -> datetime:
    """14.00 on the second Thursday of a month, at least two weeks from now."""
    today = clock.to_local(clock.now()).date()
    year, month = today.year, today.month
    while (day := nth_weekday(year, month, 3, 2)) < today + timedelta(days=14):
        year, month = year + month // 12, month % 12 + 1
    return clock.from_local(datetime(day.year, day.month, day.day, 14))


def sign_up(kutsu: Kutsu, slug: str, name: str, email: str) -> None:
    answer = kutsu.visitor().submit(
        f"/events/{slug}/register", {"name": name, "email": email, "consent": "y"}
    )
    assert "You are registered" in page_text(answer.text)
    kutsu.wait_for_mail(email, subject="You are registered")


def wait_until_sent(timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while pending_mail() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not pending_mail(), "the mail worker did not send everything due"


def test_an_organiser_copies_a_meeting_makes_a_series_and_moves_one_meeting(
    kutsu: Kutsu, new_page, make_organiser, make_event
):
    sara = make_organiser(email="sara@example.fi", name="Sara Sote")
    starts = second_thursday_ahead()
    event = make_event(
        sara,
        title=TITLE,
        capacity=25,
        format=EventFormat.ONLINE,
        venue_name="",
        venue_address="",
        join_link="https://teams.example/sote",
        starts_in=starts - clock.now(),
    )
    event_id, first = event.id, clock.to_local(starts).date()
    db.session.commit()
    page = new_page()
    sign_in(page, "sara@example.fi")

    # 1. A copy a week later: a draft with the new date, on its edit page.
    page.goto(f"/organiser/events/{event_id}")
    page.get_by_role("link", name="Copy the event").click()
    expect(h1(page)).to_have_text("Copy the event")
    copy_day = first + timedelta(days=7)
    page.locator("#starts_at-date").fill(finnish(copy_day))
    page.locator("#starts_at-time").fill("10.00")
    page.locator("#ends_at-date").fill(finnish(copy_day))
    page.locator("#ends_at-time").fill("11.30")
    page.get_by_role("button", name="Copy the event").click()
    expect(page.get_by_text("The copy was saved as a draft.")).to_be_visible()
    expect(h1(page)).to_have_text("Edit the event")
    expect(page.locator("#starts_at-date")).to_have_value(finnish(copy_day))
    page.get_by_role("link", name="Overview").click()
    expect(page.locator(".caption")).to_have_text("Draft")
    overview = page_text(page.content())
    assert f"{copy_day.strftime('%a')} {copy_day.day} " in overview and "10:00–11:30" in overview

    # 2. The original becomes a monthly series: the dates are shown first, then made.
    page.goto(f"/organiser/events/{event_id}")
    page.get_by_role("link", name="Repeat as a series").click()
    expect(page.get_by_role("radio", name="Every month on the same weekday")).to_be_checked()
    expect(page.get_by_role("radio", name="Second")).to_be_checked()
    expect(page.get_by_role("radio", name="Thursday")).to_be_checked()
    page.get_by_label("Last date").fill(finnish(first + timedelta(days=100)))
    page.get_by_role("button", name="Show the dates").click()
    expect(page.get_by_role("heading", name="4 meetings will be made")).to_be_visible()
    previewed = page.locator(".occurrence-dates li").all_inner_texts()
    assert len(previewed) == 4 and all("Thu" in day and "14:00" in day for day in previewed)
    page.get_by_role("button", name="Make 4 meetings").click()
    expect(page.get_by_text("The series was made: 4 meetings.")).to_be_visible()
    expect(h1(page)).to_have_text(TITLE)
    rows = page.locator("tbody tr")
    expect(rows).to_have_count(4)
    for index in range(4):
        expect(rows.nth(index)).to_contain_text("Published")
        expect(rows.nth(index)).to_contain_text("0 / 25")

    db.session.rollback()
    series = db.session.scalar(sa.select(Series))
    second, third = series.occurrences[1], series.occurrences[2]
    assert second.status == EventStatus.PUBLISHED
    second_id, second_day = second.id, clock.to_local(second.starts_at).date()

    # People sign up for the second and the third meeting on the public pages.
    sign_up(kutsu, second.slug, "Aino Aalto", "aino@example.fi")
    sign_up(kutsu, second.slug, "Pekka Virtanen", "pekka@example.fi")
    sign_up(kutsu, third.slug, "Liisa Koskinen", "liisa@example.fi")
    page.reload()
    expect(rows.nth(1)).to_contain_text("2 / 25")
    expect(rows.nth(2)).to_contain_text("1 / 25")

    # 3. The second meeting moves an hour later, this meeting only.
    rows.nth(1).get_by_role("link").click()
    expect(page.get_by_text(f"A meeting of the series {TITLE}")).to_be_visible()
    page.get_by_role("link", name="Edit").click()
    expect(page.get_by_label("This meeting only")).to_be_checked()
    page.locator("#starts_at-time").fill("15.00")
    page.locator("#ends_at-time").fill("17.00")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your changes were saved.")).to_be_visible()

    for email in ("aino@example.fi", "pekka@example.fi"):
        [changed] = kutsu.wait_for_mail(email, subject="Changed:")
        assert changed["Subject"] == f"Changed: {TITLE}"
        manage = kutsu.visitor().get(kutsu.link_in(changed, "/manage/"))
        shown = page_text(manage.text)
        assert f"{second_day.day} " in shown and "15:00–17:00" in shown, shown
    wait_until_sent()
    assert [m["Subject"] for m in kutsu.mail_to("liisa@example.fi")] == [
        f"You are registered: {TITLE}"
    ]
    db.session.rollback()
    moved = db.session.get(Event, second_id)
    assert clock.to_local(moved.starts_at).replace(tzinfo=None) == datetime.combine(
        second_day, datetime.min.time()
    ) + timedelta(hours=15)
    others = [e for e in db.session.get(Series, series.id).occurrences if e.id != second_id]
    assert {clock.to_local(e.starts_at).hour for e in others} == {14}
    assert re.search(r"15:00", page_text(page.content()))
