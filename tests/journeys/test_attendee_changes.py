"""An organiser changes who has a place, through the real server, in Chromium: an event of
two places, two people confirmed and two waiting, all signed up through the public form.
The organiser cancels one with an email (the first waiting person gets the place), moves
the other waiting person over the capacity after a page that says by how much, sends a
confirmation again (the old link stops working) and cancels one without an email."""

import re
import time

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import AuditAction, AuditEntry, Event, Registration, RegistrationStatus
from tests.conftest import pending_mail
from tests.journeys.conftest import Kutsu, Visitor, page_text, sign_in

pytestmark = pytest.mark.both_databases

TITLE = "Verkostokokous"
PEOPLE = [
    ("Aino Aalto", "aino@example.fi"),
    ("Pekka Virtanen", "pekka@example.fi"),
    ("Sara Löyttyjärvi", "sara@example.fi"),
    ("Kalle Korhonen", "kalle@example.fi"),
]


def h1(page: Page):
    return page.get_by_role("heading", level=1)


def sign_up(kutsu: Kutsu, slug: str, name: str, email: str) -> str:
    """A Visitor signs up on the public form; the manage link of their first email."""
    visitor: Visitor = kutsu.visitor()
    answer = visitor.submit(
        f"/events/{slug}/register", {"name": name, "email": email, "consent": "y"}
    )
    assert answer.status_code == 200, answer.status_code
    [message] = kutsu.wait_for_mail(email)
    return kutsu.link_in(message, "/manage/")


def action(page: Page, label: str, person: str):
    """A person's action link: its text, and their name that only screen readers hear."""
    return page.get_by_role("link", name=re.compile(rf"^{label}\s*:\s*{person}$"))


def status_on(kutsu: Kutsu, link: str) -> str:
    """What the person's manage page says, opened from a link in their email."""
    answer = kutsu.visitor().get(link)
    return f"{answer.status_code} {page_text(answer.text)}"


def audited(event_id: int, action: AuditAction) -> list[str]:
    db.session.rollback()  # what the server committed
    query = sa.select(AuditEntry.detail).where(
        AuditEntry.event_id == event_id, AuditEntry.action == action
    )
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


def counted(event_id: int) -> tuple[int, int]:
    """(the event's count of confirmed people, the confirmed registrations)."""
    db.session.rollback()
    rows = db.session.scalar(
        sa.select(sa.func.count(Registration.id)).where(
            Registration.event_id == event_id,
            Registration.status == RegistrationStatus.CONFIRMED,
        )
    )
    return db.session.get(Event, event_id).confirmed_count, rows


def test_an_organiser_cancels_moves_up_and_resends(
    kutsu: Kutsu, new_page, make_organiser, make_event
):
    olli = make_organiser(email="olli@example.fi", name="Olli Organiser")
    event = make_event(olli, title=TITLE, capacity=2)
    event_id, slug = event.id, event.slug
    db.session.commit()
    links = {email: sign_up(kutsu, slug, name, email) for name, email in PEOPLE}
    assert "On the waiting list, place 2 in the queue" in status_on(
        kutsu, links["kalle@example.fi"]
    )

    page = new_page()
    sign_in(page, "olli@example.fi")
    page.goto(f"/organiser/events/{event_id}/attendees")

    # 1. Aino is cancelled, with an email; Sara, first in the queue, gets her place.
    action(page, "Cancel registration", "Aino Aalto").click()
    expect(h1(page)).to_have_text("Cancel 1 registration?")
    expect(page.get_by_label("Yes, email them")).to_be_checked()
    page.get_by_role("button", name="Yes, cancel").click()
    expect(
        page.get_by_text("1 registration cancelled; the person is told by email.")
    ).to_be_visible()
    [cancelled] = kutsu.wait_for_mail("aino@example.fi", subject="cancelled")
    assert cancelled["Subject"] == f"Your registration was cancelled: {TITLE}"
    assert "Status Cancelled" in status_on(kutsu, links["aino@example.fi"])
    [promoted] = kutsu.wait_for_mail("sara@example.fi", subject="A place became free")
    assert "Confirmed: you have a place" in status_on(kutsu, kutsu.link_in(promoted, "/manage/"))
    assert counted(event_id) == (2, 2)

    # 2. Kalle moves up although the two places are taken: the page says by how much.
    action(page, "Move to confirmed", "Kalle Korhonen").click()
    expect(h1(page)).to_have_text("Move 1 person to confirmed?")
    expect(page.get_by_text("This makes 3 confirmed for 2 places: 1 over.")).to_be_visible()
    page.get_by_role("button", name="Yes, move them, 1 over the places").click()
    expect(page.get_by_text("1 person moved from the waiting list")).to_be_visible()
    [moved] = kutsu.wait_for_mail("kalle@example.fi", subject="A place became free")
    assert "Confirmed: you have a place" in status_on(kutsu, kutsu.link_in(moved, "/manage/"))
    assert counted(event_id) == (3, 3)

    # 3. Pekka's confirmation again: the new link works, the old one no longer does.
    action(page, "Resend confirmation", "Pekka Virtanen").click()
    expect(h1(page)).to_have_text("Send the confirmation to Pekka Virtanen again?")
    page.get_by_role("button", name="Yes, send it again").click()
    expect(page.get_by_text("The confirmation is on its way to Pekka Virtanen")).to_be_visible()
    [again] = kutsu.wait_for_mail("pekka@example.fi", subject="Your registration:")
    assert "Your place is confirmed." in page_text(again.get_body(("plain",)).get_content())
    assert "Confirmed: you have a place" in status_on(kutsu, kutsu.link_in(again, "/manage/"))
    old = status_on(kutsu, links["pekka@example.fi"])
    assert old.startswith("404") and "This link is not valid" in old

    # 4. Pekka cancelled without an email: none comes; his new link shows it at once.
    action(page, "Cancel registration", "Pekka Virtanen").click()
    page.get_by_label("No, do not email").check()
    page.get_by_role("button", name="Yes, cancel").click()
    expect(page.get_by_text("1 registration cancelled without an email.")).to_be_visible()
    assert "Status Cancelled" in status_on(kutsu, kutsu.link_in(again, "/manage/"))
    wait_until_sent()
    assert [m["Subject"] for m in kutsu.mail_to("pekka@example.fi")] == [
        f"You are registered: {TITLE}",
        f"Your registration: {TITLE}",
    ]
    # At the capacity again: Sara and Kalle confirmed for the two places.
    assert counted(event_id) == (2, 2)

    ids = {
        email: db.session.scalar(sa.select(Registration.id).where(Registration.email == email))
        for _, email in PEOPLE
    }
    assert audited(event_id, AuditAction.CANCELLED_REGISTRATION) == [
        f"registration {ids['aino@example.fi']}",
        f"registration {ids['pekka@example.fi']}: not emailed",
    ]
    assert audited(event_id, AuditAction.MOVED_OVER_CAPACITY) == [
        f"registration {ids['kalle@example.fi']}: over capacity by 1"
    ]
    assert audited(event_id, AuditAction.RESENT_CONFIRMATION) == [
        f"registration {ids['pekka@example.fi']}"
    ]


def wait_until_sent(timeout: float = 30) -> None:
    """Until the worker has sent everything due: then no mail is still on its way."""
    deadline = time.monotonic() + timeout
    while pending_mail() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not pending_mail(), "the mail worker did not send everything due"
