"""A participant's journey, in Chromium: from the list of events to a place, a changed
answer and a cancellation that gives the place to the first person waiting; and a full
event, where the next person joins the waiting list and sees their place in the queue."""

import re

import pytest
from playwright.sync_api import Page, expect

from app.models import QuestionKind
from tests.journeys.conftest import Kutsu, Visitor, page_text
from tests.journeys.mail import calendar_in

pytestmark = pytest.mark.both_databases

TITLE = "Järjestöjen kevätpäivä"
COFFEE = {"label": "Osallistun kahvitarjoiluun", "kind": QuestionKind.YES_NO, "required": True}
DIET = {"label": "Erityisruokavalio", "kind": QuestionKind.SHORT_TEXT, "sensitive": True}


def h1(page: Page):
    return page.get_by_role("heading", level=1)


def sign_up_in_browser(page: Page, event, name: str, email: str, diet: str) -> None:
    """From the home page to the sent form, as a person with a mouse does it."""
    coffee_field, diet_field = (f"q_{question.id}" for question in event.questions)
    page.goto("/")
    expect(h1(page)).to_have_text("Upcoming events")
    page.get_by_role("link", name=TITLE).click()
    expect(h1(page)).to_have_text(TITLE)
    page.get_by_role("link", name=re.compile("^(Sign up|Join the waiting list)$")).click()
    expect(h1(page)).to_have_text("Sign up")
    page.locator("#name").fill(name)
    page.locator("#email").fill(email)
    page.locator("#organisation").fill("Hämeen Setlementti ry")
    page.locator(f"#{coffee_field}-0").check()  # yes
    page.locator(f"#{diet_field}").fill(diet)
    page.locator("#sensitive_consent").check()
    page.locator("#consent").check()
    page.get_by_role("button", name="Send").click()


def sign_up_over_http(kutsu: Kutsu, event, name: str, email: str) -> Visitor:
    visitor = kutsu.visitor()
    coffee_field = f"q_{event.questions[0].id}"
    answer = visitor.submit(
        f"/events/{event.slug}/register",
        {"name": name, "email": email, "consent": "y", coffee_field: "no"},
    )
    assert answer.status_code == 200, answer.status_code
    return visitor


def test_participant_signs_up_changes_answers_cancels_and_the_first_waiting_gets_the_place(
    kutsu: Kutsu, new_page, make_event
):
    event = make_event(title=TITLE, capacity=2, waiting_list=True, questions=[COFFEE, DIET])
    starts_at = event.starts_at

    # Sara signs up in her browser and gets a place.
    sara = new_page()
    sign_up_in_browser(sara, event, "Sara Löyttyjärvi", "sara@example.fi", "gluteeniton")
    expect(h1(sara)).to_have_text("You are registered")

    # Her confirmation: the event, a calendar entry at its start, a link to manage it.
    [confirmation] = kutsu.wait_for_mail("sara@example.fi")
    assert confirmation["Subject"] == f"You are registered: {TITLE}"
    entry = calendar_in(confirmation)
    assert str(entry["SUMMARY"]) == TITLE
    assert entry.decoded("DTSTART") == starts_at
    assert entry.decoded("DTEND") == event.ends_at
    manage = kutsu.link_in(confirmation, "/manage/")

    # The second place goes to Pekka; the event is full.
    sign_up_over_http(kutsu, event, "Pekka Virtanen", "pekka@example.fi")
    kutsu.wait_for_mail("pekka@example.fi", subject="You are registered")

    # Liisa comes to a full event: she is offered the waiting list, and sees her place.
    liisa = new_page()
    liisa.goto(f"/events/{event.slug}")
    expect(liisa.get_by_role("link", name="Join the waiting list")).to_be_visible()
    sign_up_in_browser(liisa, event, "Liisa Mäkelä", "liisa@example.fi", "vegaaninen")
    expect(h1(liisa)).to_have_text("You are on the waiting list")
    expect(liisa.get_by_text("Your place in the queue: 1")).to_be_visible()
    [waiting] = kutsu.wait_for_mail("liisa@example.fi")
    assert waiting["Subject"] == f"You are on the waiting list: {TITLE}"
    liisa_manage = kutsu.link_in(waiting, "/manage/")

    # Matti, after her, is second in the queue.
    matti_page = new_page()
    sign_up_in_browser(matti_page, event, "Matti Nieminen", "matti@example.fi", "")
    expect(matti_page.get_by_text("Your place in the queue: 2")).to_be_visible()
    [matti_waiting] = kutsu.wait_for_mail("matti@example.fi")
    matti_manage = kutsu.link_in(matti_waiting, "/manage/")

    # Sara follows her link, sees her registration and changes her diet.
    sara.goto(manage)
    expect(h1(sara)).to_have_text("Your registration")
    expect(sara.get_by_text("Confirmed: you have a place")).to_be_visible()
    diet_field = sara.locator(f"#q_{event.questions[1].id}")
    expect(diet_field).to_have_value("gluteeniton")
    diet_field.fill("gluteeniton ja laktoositon")
    sara.get_by_role("button", name=re.compile("^Save (answers|changes)$")).click()
    expect(
        sara.get_by_text(re.compile(r"^Your (answers|details) have been saved\.$"))
    ).to_be_visible()
    sara.reload()
    expect(sara.locator(f"#q_{event.questions[1].id}")).to_have_value("gluteeniton ja laktoositon")

    # She cannot come after all, and cancels.
    sara.get_by_role("link", name="Cancel my registration").click()
    sara.get_by_role("button", name="Yes, cancel my registration").click()
    expect(sara.get_by_text("Your registration has been cancelled.")).to_be_visible()
    expect(sara.locator(".status")).to_have_text("Cancelled")
    [cancelled] = kutsu.wait_for_mail("sara@example.fi", subject="cancelled")
    assert cancelled["Subject"] == f"Your registration was cancelled: {TITLE}"

    # Liisa, first in the queue, has her place now, and is told.
    [promoted] = kutsu.wait_for_mail("liisa@example.fi", subject="A place became free")
    assert promoted["Subject"] == f"A place became free – you are registered: {TITLE}"
    assert calendar_in(promoted).decoded("DTSTART") == starts_at
    liisa.goto(kutsu.link_in(promoted, "/manage/"))
    expect(liisa.get_by_text("Confirmed: you have a place")).to_be_visible()
    # The link in her first email leads to the same registration.
    liisa.goto(liisa_manage)
    expect(liisa.get_by_text("Confirmed: you have a place")).to_be_visible()

    # Matti moves up to first in the queue; nobody else was mailed about it.
    matti = kutsu.visitor()
    assert "On the waiting list, place 1 in the queue" in page_text(matti.get(matti_manage).text)
    assert len(kutsu.mail_to("matti@example.fi")) == 1
    assert len(kutsu.mail_to("pekka@example.fi")) == 1
    assert len(kutsu.mail_to("sara@example.fi")) == 2
