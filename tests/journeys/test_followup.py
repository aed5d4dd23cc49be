"""Follow-up and materials through the real server, in Chromium: the organiser adds a file
and a link and writes the two follow-up messages; attendance is marked afterwards; when the
shared clock passes the send time the mail worker sends each person the message their
attendance calls for, in their language; the attendee's personal link leads to the
materials and downloads exactly the bytes uploaded; nobody without a link gets them."""

from datetime import timedelta

import pytest
from playwright.sync_api import expect

from app.database import writing
from app.extensions import db
from app.followup.services import default_send_time
from app.models import Registration
from app.signup.services import register_for_event
from tests.followup_files import PDF
from tests.journeys.conftest import Kutsu, download, page_text, sign_in

pytestmark = pytest.mark.both_databases

TITLE = "Järjestöjen kevätpäivä"
SARA, PEKKA, LIISA = "sara@example.fi", "pekka@example.fi", "liisa@example.fi"


def test_a_follow_up_brings_attendees_their_materials_by_their_own_link(
    kutsu: Kutsu, new_page, make_organiser, make_event
):
    olli = make_organiser(email="olli@example.fi", name="Olli Organiser")
    event = make_event(olli, title=TITLE, starts_in=timedelta(days=2))
    for name, email, locale in [
        ("Sara Löyttyjärvi", SARA, "sv"),
        ("Pekka Virtanen", PEKKA, "fi"),
        ("Liisa Laine", LIISA, "en"),
    ]:
        register_for_event(
            event, name=name, email=email, organisation="", answers={}, locale=locale
        )
    db.session.commit()
    event_id, due = event.id, default_send_time(event)

    organiser = new_page()
    sign_in(organiser, "olli@example.fi")
    organiser.goto(f"/organiser/events/{event_id}")
    organiser.get_by_role("link", name="Follow-up and materials").first.click()
    organiser.get_by_role("link", name="Materials", exact=True).click()
    organiser.get_by_label("Title of the file").fill("Diat")
    organiser.get_by_label("File", exact=True).set_input_files(
        files=[{"name": "Diat kevätpäivältä.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    organiser.get_by_role("button", name="Add the file").click()
    expect(organiser.get_by_text("The file was added.")).to_be_visible()
    organiser.get_by_label("Title of the link").fill("Tallenne")
    organiser.get_by_label("Web address").fill("https://video.example.fi/kevatpaiva")
    organiser.get_by_role("button", name="Add the link").click()
    expect(organiser.get_by_text("The link was added.")).to_be_visible()
    rows = organiser.locator("table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_contain_text("Diat-kevatpaivalta.pdf")

    organiser.get_by_role("link", name="Follow-up messages").click()
    came = organiser.locator("fieldset", has_text="To those who came").first
    came.get_by_label("Subject (optional)", exact=True).fill("Kiitos osallistumisesta")
    came.get_by_label("Message (optional)", exact=True).fill(
        "Kiitos, että tulit!\n\nDiat ovat alla."
    )
    came.get_by_text("In other languages").click()
    came.get_by_label("Subject (Swedish) (optional)").fill("Tack för att du kom")
    came.get_by_label("Message (Swedish) (optional)").fill("Tack! Bilderna finns nedan.")
    absent = organiser.locator("fieldset", has_text="To those who did not come").first
    absent.get_by_label("Subject (optional)", exact=True).fill("Harmi, ettet päässyt")
    absent.get_by_label("Message (optional)", exact=True).fill("Tervetuloa ensi kerralla!")
    absent.get_by_label("Include the materials").uncheck()
    organiser.get_by_role("button", name="Schedule the messages").click()
    expect(organiser.get_by_text("The follow-up will be sent on")).to_be_visible()
    expect(organiser.get_by_text("3 people's attendance is not marked")).to_be_visible()
    expect(organiser.locator(".mail-text").first).to_contain_text("Kiitos, että tulit!")

    # Attendance marked after the messages were written (app.attendance's columns).
    db.session.rollback()
    with writing():  # begun as a write: the server and the worker write too (SQLite)
        for email, attended in [(SARA, True), (PEKKA, False)]:
            db.session.execute(
                db.update(Registration).where(Registration.email == email).values(attended=attended)
            )
        db.session.commit()
    kutsu.clock.travel(due + timedelta(minutes=1))

    [thanks] = kutsu.wait_for_mail(SARA, subject="Tack för att du kom")
    assert thanks["Subject"] == f"Tack för att du kom – {TITLE}"
    text = thanks.get_body(("plain",)).get_content()
    assert "Tack! Bilderna finns nedan." in text and "Diat" in text
    [sorry] = kutsu.wait_for_mail(PEKKA, subject="Harmi")
    assert "Tervetuloa ensi kerralla!" in sorry.get_body(("plain",)).get_content()
    assert "/materials/" not in sorry.get_body(("plain",)).get_content()

    person = new_page("sv-SE")
    person.goto(kutsu.link_in(thanks, "/materials/"))
    expect(person.get_by_role("heading", level=1)).to_have_text("Material")
    assert download(person, "Diat") == PDF
    expect(person.get_by_role("link", name="Tallenne")).to_have_attribute(
        "href", "https://video.example.fi/kevatpaiva"
    )
    # Without the link: nothing. Liisa's attendance was never marked: no follow-up.
    file_path = person.get_by_role("link", name="Diat").get_attribute("href")
    stranger = kutsu.visitor().get(file_path.replace(file_path.split("/")[2], "A" * 43))
    assert stranger.status_code == 404
    assert "Page not found" in page_text(stranger.text)
    assert (
        kutsu.mail_to(LIISA, subject="Kiitos") == [] and kutsu.mail_to(LIISA, subject="Harmi") == []
    )
