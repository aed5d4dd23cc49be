"""An admin answers a person's request about their data: looks up the address, downloads
everything held about it in Chromium, and erases it; the place the person held goes to the
first one waiting, and their own link stops working."""

import json
import re
import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app import clock
from app.models import Participation, QuestionKind
from app.text import normalise_email
from tests.journeys.conftest import (
    MAIL_WAIT,
    Kutsu,
    create_account,
    download_by_button,
    page_text,
    recipient,
    sign_in,
)

pytestmark = pytest.mark.both_databases

AINO = "aino@example.fi"
DIET = {"label": "Erityisruokavalio", "kind": QuestionKind.SHORT_TEXT}


def sign_up(kutsu: Kutsu, event, name: str, email: str, **answers) -> str:
    """Sign up over HTTP; the manage link from the confirmation or waiting-list email."""
    visitor = kutsu.visitor()
    answer = visitor.submit(
        f"/events/{event.slug}/register", {"name": name, "email": email, "consent": "y", **answers}
    )
    assert re.search("You are (registered|on the waiting list)", page_text(answer.text))
    [message] = kutsu.wait_for_mail(email, subject=event.title)
    return kutsu.link_in(message, "/manage/")


def test_admin_downloads_and_erases_a_persons_data(kutsu: Kutsu, new_page, make_event):
    create_account(kutsu, "anna@example.fi", "Anna Admin", admin=True)
    small = make_event(title="Pienryhmä", capacity=1, waiting_list=True)
    meeting = make_event(title="Verkostokokous", questions=[DIET])
    workshop = make_event(
        title="Sidosryhmätyöpaja",
        participation=Participation.INVITATION,
        nominations_close_at=clock.now() + timedelta(days=5),
        starts_in=timedelta(days=20),
    )
    aino_manage = sign_up(kutsu, small, "Aino Aalto", AINO)
    sign_up(kutsu, small, "Bertta Berg", "bertta@example.fi")  # waits for Aino's place
    sign_up(kutsu, meeting, "Aino Aalto", AINO, **{f"q_{meeting.questions[0].id}": "vegaani"})
    nominated = kutsu.visitor().submit(
        f"/events/{workshop.slug}/nominate",
        {
            "name": "Nina Nominator",
            "email": "nina@soste.example",
            "organisation": "SOSTE ry",
            "nominees-0-name": "Aino Aalto",
            "nominees-0-email": AINO,
            "nominees-0-justification": "Knows the field.",
            "confirm": "y",
        },
    )
    assert nominated.url.endswith("/nominated"), nominated.url

    # Anna looks the address up: two registrations and a nomination.
    anna = new_page()
    sign_in(anna, "anna@example.fi")
    anna.goto("/admin/people")
    anna.locator("#email").fill(AINO)
    anna.get_by_role("button", name="Look up").click()
    expect(anna.get_by_role("heading", name=f"Held about {AINO}")).to_be_visible()
    held = anna.locator("h2 + ul")
    expect(held.locator("li")).to_have_count(3)
    for title in ("Pienryhmä", "Verkostokokous", "Sidosryhmätyöpaja"):
        expect(held).to_contain_text(title)

    # The file for Aino: everything, in a form she can read.
    data = json.loads(download_by_button(anna, "Download everything (JSON)"))
    assert data["email"] == AINO
    registrations = {r["event"]["title"]: r for r in data["registrations"]}
    assert set(registrations) == {"Pienryhmä", "Verkostokokous"}
    assert registrations["Pienryhmä"]["status"] == "confirmed"
    assert registrations["Verkostokokous"]["answers"] == {"Erityisruokavalio": "vegaani"}
    assert all(r["name"] == "Aino Aalto" for r in registrations.values())
    [candidate] = data["nominated"]
    assert candidate["event"]["title"] == "Sidosryhmätyöpaja"
    assert [n["name"] for n in candidate["nominated_by"]] == ["Nina Nominator"]
    assert {email["kind"] for email in data["emails"]} >= {
        "registration_confirmed",
        "nominee_informed",
    }

    # Erased, once she confirms that it cannot be undone.
    anna.get_by_role("button", name=f"Erase everything about {AINO}").click()
    expect(anna.locator(".error-summary")).to_contain_text("Tick the box to confirm")
    anna.get_by_label("I understand that this cannot be undone").check()
    anna.get_by_role("button", name=f"Erase everything about {AINO}").click()
    expect(
        anna.get_by_text(re.compile(r"Erased: 2 registrations, 1 nominations? of them"))
    ).to_be_visible()

    anna.locator("#email").fill(AINO)
    anna.get_by_role("button", name="Look up").click()
    expect(anna.get_by_text("Nothing is held about this address.")).to_be_visible()

    # Her place went to Bertta, who is told; Aino's own link leads nowhere now.
    [promoted] = kutsu.wait_for_mail("bertta@example.fi", subject="A place became free")
    assert "Pienryhmä" in promoted["Subject"]
    assert kutsu.visitor().get(aino_manage).status_code == 404


NOMSS = "Nomss@Straße.de"  # lower() keeps the ß, case-folding makes it "ss"


def test_a_request_finds_and_erases_an_address_whose_case_folding_differs_from_lower(
    kutsu: Kutsu, new_page, make_event
):
    create_account(kutsu, "anna@example.fi", "Anna Admin", admin=True)
    small = make_event(title="Pienryhmä", capacity=1, waiting_list=True)
    workshop = make_event(
        title="Sidosryhmätyöpaja",
        participation=Participation.INVITATION,
        nominations_close_at=clock.now() + timedelta(days=5),
        starts_in=timedelta(days=20),
    )
    answer = kutsu.visitor().submit(
        f"/events/{small.slug}/register", {"name": "Nomss", "email": NOMSS, "consent": "y"}
    )
    assert "You are registered" in page_text(answer.text)
    sign_up(kutsu, small, "Bertta Berg", "bertta@example.fi")  # waits for Nomss's place
    nominated = kutsu.visitor().submit(
        f"/events/{workshop.slug}/nominate",
        {
            "name": "Nomss Nominoija",
            "email": NOMSS,
            "organisation": "Straßen ry",
            "nominees-0-name": "Cecilia Candidate",
            "nominees-0-email": "cecilia@example.fi",
            "nominees-0-justification": "Nomss knows her work well.",
            "confirm": "y",
        },
    )
    assert nominated.url.endswith("/nominated"), nominated.url
    # The confirmation and the nominations received; the mail goes to the domain written
    # in ASCII, as IDNA 2003 writes it (xn-- for IDNA 2008): strasse.de.
    deadline = time.monotonic() + MAIL_WAIT
    while len(mail_to_nomss(kutsu)) < 2:
        assert time.monotonic() < deadline, kutsu.mailbox.messages
        time.sleep(0.05)
    before = len(mail_to_nomss(kutsu))

    anna = new_page()
    sign_in(anna, "anna@example.fi")
    anna.goto("/admin/people")
    anna.locator("#email").fill(NOMSS)
    anna.get_by_role("button", name="Look up").click()
    held = anna.locator("h2 + ul")
    expect(held.locator("li")).to_have_count(2)
    expect(held).to_contain_text("Registration: Pienryhmä")
    expect(held).to_contain_text("Nominated someone for: Sidosryhmätyöpaja")

    data = json.loads(download_by_button(anna, "Download everything (JSON)"))
    assert [r["event"]["title"] for r in data["registrations"]] == ["Pienryhmä"]
    [made] = data["nominations_made"]
    assert (made["your_email"], made["justification"]) == (NOMSS, "Nomss knows her work well.")
    assert {email["kind"] for email in data["emails"]} == {
        "registration_confirmed",
        "reminder",  # planned, two days before the start
        "nomination_received",
    }

    anna.get_by_label("I understand that this cannot be undone").check()
    anna.get_by_role("button", name=re.compile("Erase everything about")).click()
    expect(
        anna.get_by_text("Erased: 1 registration, 0 nominations of them, 1 nomination by them")
    ).to_be_visible()
    anna.locator("#email").fill(NOMSS)
    anna.get_by_role("button", name="Look up").click()
    expect(anna.get_by_text("Nothing is held about this address.")).to_be_visible()

    # Nothing of the address is left in any row the database holds.
    for table in ("registration", "nomination", "outbound_email", "candidate", "invitation"):
        rows = kutsu_rows(kutsu, table)
        assert not [row for row in rows if "nomss" in row.casefold()], (table, rows)
    # Bertta is told of the place Nomss had; Nomss, whose data is gone, gets nothing.
    kutsu.wait_for_mail("bertta@example.fi", subject="A place became free")
    assert len(mail_to_nomss(kutsu)) == before


def mail_to_nomss(kutsu: Kutsu) -> list:
    with kutsu.mailbox.lock:
        messages = list(kutsu.mailbox.messages)
    return [m for m in messages if normalise_email(recipient(m)) == normalise_email(NOMSS)]


def kutsu_rows(kutsu: Kutsu, table: str) -> list[str]:
    """Every row of a table on the running Kutsu's database, each as one line of text."""
    engine = sa.create_engine(kutsu.database_url.replace("postgresql://", "postgresql+psycopg://"))
    try:
        with engine.connect() as connection:
            rows = connection.execute(sa.text(f"SELECT * FROM {table}")).all()  # noqa: S608
    finally:
        engine.dispose()
    return [" ".join(map(str, row)) for row in rows]
