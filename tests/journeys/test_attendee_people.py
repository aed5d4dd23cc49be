"""An organiser adds the people who phoned, through the real server: one with an address,
in Chromium, whose confirmation arrives in their language with a manage link to their
page; one without, who is listed and sent nothing; a misspelt name corrected, which the
participant's own page shows at once; the organisers' note on the list and in the CSV
download only when asked for."""

import csv
import io

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import AuditAction, AuditEntry, OutboundEmail, Registration
from tests.browser.language import t
from tests.conftest import COFFEE_QUESTION, DIET_QUESTION
from tests.journeys.conftest import Kutsu, download, page_text, sign_in

pytestmark = pytest.mark.both_databases

TITLE = "Verkostokokous"
NOTE = "Ilmoittautui puhelimessa 12.3."


@pytest.fixture
def event(make_organiser, make_event):
    olli = make_organiser(email="olli@example.fi", name="Olli Owner")
    event = make_event(olli, title=TITLE, capacity=20, questions=[COFFEE_QUESTION, DIET_QUESTION])
    db.session.commit()
    return event


@pytest.fixture
def event_id(event):
    return event.id


def people(event_id: int) -> list[Registration]:
    db.session.rollback()  # what the server committed
    query = sa.select(Registration).where(Registration.event_id == event_id)
    return list(db.session.scalars(query.order_by(Registration.id)))


def mail_rows(registration_id: int) -> int:
    db.session.rollback()
    query = sa.select(sa.func.count()).where(OutboundEmail.registration_id == registration_id)
    return db.session.scalar(query)


def audited(event_id: int, action: AuditAction) -> list[str]:
    db.session.rollback()
    query = sa.select(AuditEntry.detail).where(
        AuditEntry.event_id == event_id, AuditEntry.action == action
    )
    return list(db.session.scalars(query.order_by(AuditEntry.id)))


def test_a_caller_added_in_chromium_gets_their_confirmation_and_a_corrected_name_shows_at_once(
    kutsu: Kutsu, new_page, event_id
):
    olli = new_page()
    sign_in(olli, "olli@example.fi")
    olli.goto(f"/organiser/events/{event_id}/attendees")
    olli.get_by_role("link", name="Add a person").click()
    olli.get_by_label("Full name").fill("Pirko Puhelin")
    olli.get_by_label("Email address").fill("pirkko@example.fi")
    olli.get_by_label("Organisation").fill("Kylätalo ry")
    olli.get_by_label("Swedish").check()
    olli.get_by_label("Yes", exact=True).check()
    olli.get_by_label("Note for organisers").fill(NOTE)
    expect(olli.get_by_label("Email the person a confirmation")).to_be_checked()
    olli.get_by_role("button", name="Add the person").click()

    expect(olli.get_by_text("Added: confirmed")).to_be_visible()
    expect(olli.get_by_role("heading", level=1)).to_have_text("Pirko Puhelin")
    expect(olli.get_by_text(NOTE)).to_be_visible()
    [added] = people(event_id)
    assert audited(event_id, AuditAction.ADDED_PERSON) == [f"registration {added.id}"]

    # The confirmation, in the language chosen for them, carries their own manage link.
    subject = t("sv", "You are registered: %(title)s", title=TITLE)
    [confirmation] = kutsu.wait_for_mail("pirkko@example.fi", subject=subject)
    assert NOTE not in confirmation.as_string()
    pirkko = kutsu.visitor()
    manage = kutsu.link_in(confirmation, "/manage/")
    assert 'value="Pirko Puhelin"' in pirkko.get(manage).text

    # The misspelt name corrected; "email their details" stays off.
    olli.get_by_role("link", name="Edit details").click()
    expect(olli.get_by_label("Email the person their updated details")).not_to_be_checked()
    olli.get_by_label("Full name").fill("Pirkko Puhelin")
    olli.get_by_role("button", name="Save changes").click()
    expect(olli.get_by_text("Saved the changes.")).to_be_visible()
    expect(olli.get_by_role("heading", level=1)).to_have_text("Pirkko Puhelin")

    shown = pirkko.get(manage).text
    assert 'value="Pirko Puhelin"' not in shown and 'value="Pirkko Puhelin"' in shown
    assert NOTE not in page_text(shown)
    assert audited(event_id, AuditAction.EDITED_PERSON) == [f"registration {added.id}"]
    assert len(kutsu.mail_to("pirkko@example.fi")) == 1


def test_a_caller_without_an_address_is_listed_sent_nothing_and_noted_only_where_asked(
    kutsu: Kutsu, new_page, event, event_id
):
    coffee = f"q_{event.questions[0].id}"
    sara = kutsu.visitor()
    signed_up = sara.submit(
        f"/events/{event.slug}/register",
        {"name": "Sara Löyttyjärvi", "email": "sara@example.fi", "consent": "y", coffee: "no"},
    )
    assert signed_up.status_code == 200 and "/registered" in signed_up.url
    olli = new_page()
    sign_in(olli, "olli@example.fi")
    olli.goto(f"/organiser/events/{event_id}/attendees/new")
    olli.get_by_label("Full name").fill("Eino Ilman")
    olli.get_by_label("No", exact=True).check()
    olli.get_by_label("Note for organisers").fill(NOTE)
    olli.get_by_role("button", name="Add the person").click()
    expect(olli.get_by_text("Added: confirmed")).to_be_visible()
    expect(olli.get_by_text("No email address: no email is sent to them")).to_be_visible()
    [_sara, eino] = people(event_id)
    assert eino.email == "" and mail_rows(eino.id) == 0

    olli.get_by_role("link", name="Back to the attendees").click()
    row = olli.get_by_role("row").filter(has_text="Eino Ilman")
    expect(row).to_contain_text(NOTE)
    expect(olli.get_by_role("row").filter(has_text="Sara Löyttyjärvi")).to_be_visible()

    plain = csv_rows(download(olli, "Download as CSV"))
    assert len(plain) == 3  # the header, Sara and Eino
    assert all(NOTE not in cell for row in plain for cell in row)
    assert "Notes" not in plain[0]

    with olli.expect_download() as started:
        olli.get_by_role("link", name="CSV with the notes").click()
    noted = csv_rows(saved(started.value))
    header, *rows = noted
    assert header[-1] == "Notes"
    assert {row[0]: row[-1] for row in rows} == {"Sara Löyttyjärvi": "", "Eino Ilman": NOTE}
    assert {row[0]: row[1] for row in rows}["Eino Ilman"] == ""  # no address: an empty cell
    details = audited(event_id, AuditAction.EXPORTED_ATTENDEES)
    assert [detail.split(":")[0] for detail in details] == ["csv", "csv notes"]


def saved(download) -> bytes:
    assert download.failure() is None, download.failure()
    with open(download.path(), "rb") as file:
        return file.read()


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))
