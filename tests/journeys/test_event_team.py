"""An event's team through the real server: an admin keeps the organiser's view of an event
where an organiser added them as a helper; the owner removes a check-in helper in Chromium,
with the keyboard, and the helper's open session loses the event at once; an admin gives
the event to another owner. Every change is in the audit log."""

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import AuditAction, AuditEntry
from tests.journeys.conftest import Kutsu, page_text, sign_in

pytestmark = pytest.mark.both_databases


@pytest.fixture
def team(make_organiser, make_event):
    """Olli owns the event; Kaisa is an organiser of her own, Helmi too; Anna is an admin."""
    olli = make_organiser(email="olli@example.fi", name="Olli Owner")
    make_organiser(email="kaisa@example.fi", name="Kaisa Kumppani")
    make_organiser(email="helmi@example.fi", name="Helmi Helper")
    make_organiser(email="anna@example.fi", name="Anna Admin", admin=True)
    event_id = make_event(olli, title="Verkostokokous").id
    db.session.commit()
    return event_id


def add(kutsu: Kutsu, event_id: int, email: str, role: str):
    olli = kutsu.visitor()
    olli.sign_in("olli@example.fi")
    added = olli.submit(f"/organiser/events/{event_id}/organisers", {"email": email, "role": role})
    assert added.status_code == 200 and "/organisers" in added.url, added.url


def audited(event_id: int, action: AuditAction) -> list[str]:
    db.session.rollback()  # what the server committed
    query = sa.select(AuditEntry.detail).where(
        AuditEntry.event_id == event_id, AuditEntry.action == action
    )
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


def test_an_admin_added_as_a_helper_still_has_the_organisers_pages(kutsu: Kutsu, team):
    add(kutsu, team, "anna@example.fi", "helper")
    anna = kutsu.visitor()
    anna.sign_in("anna@example.fi")
    for page in ("", "/attendees", "/edit", "/organisers", "/check-in"):
        answer = anna.get(f"/organiser/events/{team}{page}")
        assert answer.status_code == 200, (page, answer.status_code)
    assert "Olli Owner" in page_text(anna.get(f"/organiser/events/{team}/organisers").text)


def test_the_owner_removes_a_helper_who_loses_the_event_at_once(kutsu: Kutsu, new_page, team):
    add(kutsu, team, "helmi@example.fi", "helper")
    add(kutsu, team, "kaisa@example.fi", "co_organiser")
    helmi = kutsu.visitor()
    helmi.sign_in("helmi@example.fi")
    assert helmi.get(f"/organiser/events/{team}/check-in").status_code == 200
    # A co-organiser may not remove anyone: no such link, and no such page.
    kaisa = kutsu.visitor()
    kaisa.sign_in("kaisa@example.fi")
    team_page = kaisa.get(f"/organiser/events/{team}/organisers")
    assert "Remove" not in page_text(team_page.text)
    assert kaisa.get(f"/organiser/events/{team}/organisers/3/remove").status_code == 404

    olli = new_page()
    sign_in(olli, "olli@example.fi")
    olli.goto(f"/organiser/events/{team}/organisers")
    expect(olli.get_by_role("link", name="Remove Olli Owner")).to_have_count(0)  # the owner
    olli.get_by_role("link", name="Remove Helmi Helper").focus()
    olli.keyboard.press("Enter")
    expect(olli.get_by_role("heading", name="Remove Helmi Helper?")).to_be_visible()
    expect(olli.get_by_text("is a check-in helper of this event")).to_be_visible()
    olli.get_by_role("button", name="Yes, remove Helmi Helper").focus()
    olli.keyboard.press("Enter")
    expect(olli.get_by_text("Helmi Helper no longer has access to this event.")).to_be_visible()
    expect(olli.locator("ul.team li")).to_have_count(2)
    expect(olli.locator("ul.team")).not_to_contain_text("Helmi")

    # Helmi's session, still open, finds neither the check-in nor the attendees now.
    assert helmi.get(f"/organiser/events/{team}/check-in").status_code == 404
    assert helmi.get(f"/organiser/events/{team}/attendees").status_code == 404
    assert audited(team, AuditAction.REMOVED_ORGANISER) == ["helmi@example.fi helper"]


def test_an_admin_gives_the_event_to_another_owner(kutsu: Kutsu, new_page, team):
    add(kutsu, team, "kaisa@example.fi", "co_organiser")
    olli = kutsu.visitor()
    olli.sign_in("olli@example.fi")
    assert olli.get(f"/organiser/events/{team}/owner").status_code == 404  # admins only

    anna = new_page()
    sign_in(anna, "anna@example.fi")
    anna.goto(f"/organiser/events/{team}/organisers")
    anna.get_by_role("link", name="Give the event to another owner").click()
    expect(anna.get_by_text("Olli Owner stays on as a co-organiser")).to_be_visible()
    anna.get_by_label("Email address of the new owner").fill("nobody@example.fi")
    anna.get_by_role("button", name="Make them the owner").click()
    expect(anna.locator(".error-summary")).to_contain_text("There is no organiser account")
    expect(anna.get_by_label("Email address of the new owner")).to_have_value("nobody@example.fi")
    anna.get_by_label("Email address of the new owner").fill("kaisa@example.fi")
    anna.get_by_role("button", name="Make them the owner").click()
    expect(anna.get_by_text("Kaisa Kumppani is now the owner of the event.")).to_be_visible()
    expect(anna.locator("ul.team")).to_contain_text("Kaisa Kumppani (kaisa@example.fi) – owner")
    expect(anna.locator("ul.team")).to_contain_text("Olli Owner (olli@example.fi) – co-organiser")
    assert audited(team, AuditAction.TRANSFERRED_OWNER) == ["olli@example.fi -> kaisa@example.fi"]

    # Olli, now a co-organiser, keeps the event but may remove no one; Kaisa may.
    assert olli.get(f"/organiser/events/{team}/attendees").status_code == 200
    assert "Remove" not in page_text(olli.get(f"/organiser/events/{team}/organisers").text)
    kaisa = kutsu.visitor()
    kaisa.sign_in("kaisa@example.fi")
    assert "Remove Olli Owner" in page_text(kaisa.get(f"/organiser/events/{team}/organisers").text)
