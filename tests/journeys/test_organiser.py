"""An organiser's journey: sign in, create an event with questions (one sensitive) in
Chromium, publish it; people sign up; the attendee list, its CSV and XLSX downloads (every
row read back; the sensitive column only when asked for) and the door list; a check-in
helper marks people arrived; a message now and one scheduled; the time changed (everyone
coming gets a new calendar entry); the event cancelled (everyone told)."""

import csv
import io
import re
from datetime import datetime, timedelta

import openpyxl
import pytest
from playwright.sync_api import Page, expect

from app import clock
from tests.conftest import Mailbox
from tests.journeys.conftest import Kutsu, create_account, download, page_text, sign_in
from tests.journeys.mail import calendar_files, calendar_in

pytestmark = pytest.mark.both_databases

TITLE = "Järjestöjen joulukahvit"
COFFEE = "Coffee or tea?"
DIET = "Diet or allergies"
CAPACITY = 3
# (name, email, organisation, coffee answer, diet) in the order they sign up; the last one
# finds the places taken and joins the waiting list.
PEOPLE = [
    ("Aino Lehtinen", "aino@example.fi", "Hämeen Setlementti ry", "yes", "gluteeniton"),
    ("Veikko Aalto", "veikko@example.fi", "SOSTE ry", "no", ""),
    ("Sara Öhman", "sara@example.fi", "", "yes", "vegaaninen"),
    ("Matti Berg", "matti@example.fi", "Kansalaisareena", "no", "laktoositon"),
]
COMING = [person[1] for person in PEOPLE]  # confirmed and waiting: nobody has cancelled


def h1(page: Page):
    return page.get_by_role("heading", level=1)


def fill_date_and_time(page: Page, field: str, moment: datetime) -> None:
    """Type a moment, in Finnish time, into a date-and-time field of the event form (or the
    message form). The only place that knows how those fields take a date and a time: as
    two text inputs, the Finnish way (17.3.2026 and 17.00), or as one datetime-local."""
    local = clock.to_local(moment)
    if page.locator(f"#{field}-date").count():
        page.locator(f"#{field}-date").fill(f"{local.day}.{local.month}.{local.year}")
        page.locator(f"#{field}-time").fill(f"{local.hour}.{local.minute:02d}")
    else:
        page.locator(f"#{field}").fill(local.strftime("%Y-%m-%dT%H:%M"))


def create_event(page: Page, starts: datetime) -> int:
    """Fill in the event form, with two questions, and save it as a draft; its id."""
    page.goto("/organiser/events/new")
    expect(h1(page)).to_have_text("Create an event")
    page.locator("#title").fill(TITLE)
    page.locator("#description").fill("Tervetuloa! **Glögiä** ja pipareita tarjolla.")
    fill_date_and_time(page, "starts_at", starts)
    fill_date_and_time(page, "ends_at", starts + timedelta(hours=2))
    page.get_by_label("In person", exact=True).check()
    page.locator("#venue_name").fill("Kumppanuustalo, auditorio")
    page.locator("#venue_address").fill("Hämeenlinna")
    page.locator("#capacity").fill(str(CAPACITY))
    page.locator("#waiting_list").check()
    page.locator("#contact_email").fill("olli@example.fi")

    page.get_by_role("button", name="Add a question").click()
    page.locator("#questions-0-label").fill(COFFEE)
    page.locator("#questions-0-kind").select_option("yes_no")
    page.locator("#questions-0-required").check()
    page.get_by_role("button", name="Add a question").click()
    page.locator("#questions-1-label").fill(DIET)
    page.locator("#questions-1-kind").select_option("short_text")
    page.locator("#questions-1-sensitive").check()
    expect(page.locator("#title")).to_have_value(TITLE)  # kept across "Add a question"
    page.get_by_role("button", name="Save as draft").click()

    expect(h1(page)).to_have_text(TITLE)
    return int(re.search(r"/organiser/events/(\d+)$", page.url).group(1))


def sign_up_everyone(kutsu: Kutsu, slug: str) -> list[datetime]:
    """Each person signs up over HTTP; the moment each did."""
    moments = []
    for name, email, organisation, coffee, diet in PEOPLE:
        visitor = kutsu.visitor()
        form_page = visitor.get(f"/events/{slug}/register").text
        coffee_field, diet_field = dict.fromkeys(re.findall(r'name="(q_\d+)"', form_page))
        data = {"name": name, "email": email, "organisation": organisation, "consent": "y"}
        data |= {coffee_field: coffee, diet_field: diet}
        if diet:
            data["sensitive_consent"] = "y"
        moments.append(clock.now())
        answer = visitor.submit(f"/events/{slug}/register", data)
        seen = page_text(answer.text)
        assert re.search("You are (registered|on the waiting list)", seen), seen
    return moments


def rows_of_csv(data: bytes) -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), data[:20]  # Excel reads it as UTF-8
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig")), delimiter=";"))


def rows_of_xlsx(data: bytes) -> list[list[str]]:
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    [sheet] = workbook.worksheets
    return [
        ["" if cell is None else cell for cell in row] for row in sheet.iter_rows(values_only=True)
    ]


def expected_rows(moments: list[datetime], *, sensitive: bool) -> list[list[str]]:
    header = ["Name", "Email", "Organisation", "Status", "Registered", "Checked in", "Attended"]
    header.append(COFFEE)
    rows = [header + ([DIET] if sensitive else [])]
    for index, ((name, email, organisation, coffee, diet), moment) in enumerate(
        zip(PEOPLE, moments, strict=True)
    ):
        status = "Confirmed" if index < CAPACITY else "Waiting list"
        registered = f"{clock.to_local(moment):%Y-%m-%d %H:%M}"
        row = [name, email, organisation, status, registered, "", "", coffee.title()]
        rows.append(row + ([diet] if sensitive else []))
    return rows


def assert_rows(found: list[list[str]], expected: list[list[str]]) -> None:
    """Every row and every cell; a registration time may be a minute later than the
    moment the test noted just before sending the form."""
    assert len(found) == len(expected), found
    assert found[0] == expected[0]
    for got, want in zip(found[1:], expected[1:], strict=True):
        registered = datetime.fromisoformat(got[4])
        noted = datetime.fromisoformat(want[4])
        assert timedelta(0) <= registered - noted <= timedelta(minutes=1), (got, want)
        assert got[:4] + got[5:] == want[:4] + want[5:]


def test_organiser_creates_publishes_exports_checks_in_messages_moves_and_cancels_an_event(
    kutsu: Kutsu, new_page
):
    create_account(kutsu, "olli@example.fi", "Olli Organiser")
    create_account(kutsu, "helmi@example.fi", "Helmi Helper")
    starts = (clock.now() + timedelta(days=30)).replace(hour=15, minute=0, second=0, microsecond=0)

    # Olli signs in and creates the event in his browser, then publishes it.
    olli = new_page()
    sign_in(olli, "olli@example.fi")
    event_id = create_event(olli, starts)
    expect(olli.get_by_text("Draft", exact=True)).to_be_visible()
    olli.get_by_role("button", name="Publish").click()
    expect(olli.get_by_text("Published", exact=True)).to_be_visible()
    public = olli.locator(".facts a[href^='/events/']").get_attribute("href")
    slug = public.rsplit("/", 1)[1]

    # The public sees it; four people sign up for three places.
    moments = sign_up_everyone(kutsu, slug)
    for email in COMING:
        kutsu.wait_for_mail(email)

    # The attendee list: the counts and everyone, the diets left out.
    olli.goto(f"/organiser/events/{event_id}")
    olli.get_by_role("link", name="Attendees", exact=True).click()
    expect(h1(olli)).to_have_text("Attendees")
    counts = page_text(olli.content())
    assert re.search(rf"Confirmed\s+{CAPACITY} / {CAPACITY}\s+Waiting list\s+1", counts), counts
    for name, *_ in PEOPLE:
        expect(olli.get_by_role("cell", name=name, exact=True)).to_be_visible()
    table = olli.locator(".attendee-table")
    expect(table).not_to_contain_text("gluteeniton")

    # The downloads, opened as a spreadsheet program opens them: every row.
    without = expected_rows(moments, sensitive=False)
    with_sensitive = expected_rows(moments, sensitive=True)
    assert_rows(rows_of_xlsx(download(olli, "Download for Excel (.xlsx)")), without)
    assert_rows(rows_of_xlsx(download(olli, "Excel (.xlsx)")), with_sensitive)
    assert_rows(rows_of_csv(download(olli, "Download as CSV")), without)
    assert_rows(rows_of_csv(download(olli, "CSV")), with_sensitive)

    # The door list: everyone with a place, nobody waiting.
    olli.get_by_role("link", name="Door list to print").click()
    door = olli.locator(".door-list tbody")
    for name, *_ in PEOPLE[:CAPACITY]:
        expect(door).to_contain_text(name)
    expect(door).not_to_contain_text(PEOPLE[CAPACITY][0])
    expect(door.locator("tr")).to_have_count(CAPACITY)

    # Helmi is made a check-in helper, and marks two people arrived on her phone.
    olli.get_by_role("link", name="Organisers", exact=True).click()
    olli.locator("#email").fill("helmi@example.fi")
    olli.get_by_label(re.compile("^Check-in helper")).check()
    olli.get_by_role("button", name="Add", exact=True).click()
    expect(olli.get_by_text("helmi@example.fi").first).to_be_visible()

    helmi = new_page()
    helmi.set_viewport_size({"width": 360, "height": 740})
    sign_in(helmi, "helmi@example.fi")
    helmi.goto(f"/organiser/events/{event_id}/check-in")
    expect(helmi.get_by_text(f"0 of {CAPACITY} arrived")).to_be_visible()
    for name in ("Aino Lehtinen", "Sara Öhman"):
        helmi.get_by_role("button", name=re.compile(f"^Arrived\\W+{name}$")).click()
    expect(helmi.get_by_text(f"2 of {CAPACITY} arrived")).to_be_visible()
    # She sees names, and nothing else of the event.
    assert helmi.goto(f"/organiser/events/{event_id}/attendees").status == 404

    # Olli's export now says who came.
    olli.goto(f"/organiser/events/{event_id}/attendees")
    arrived = {row[0]: row[5] for row in rows_of_csv(download(olli, "Download as CSV"))[1:]}
    assert {name for name, when in arrived.items() if when} == {"Aino Lehtinen", "Sara Öhman"}

    # A message now, to everyone with a place.
    send_message(olli, event_id, "Parking", "Park behind the house.", when=None)
    expect(olli.get_by_text(f"Your message is being sent to {CAPACITY} people.")).to_be_visible()
    for email in COMING[:CAPACITY]:
        [message] = kutsu.wait_for_mail(email, subject="Parking")
        assert message["Subject"] == f"Parking – {TITLE}"
        assert "Park behind the house." in Mailbox.text(message)
    assert not kutsu.mail_to(COMING[CAPACITY], subject="Parking")

    # And one scheduled for the morning of the event, sent when that morning comes.
    morning = starts - timedelta(hours=6)
    send_message(olli, event_id, "Today", "See you at three.", when=morning)
    expect(olli.get_by_text(re.compile(f"will be sent to {CAPACITY} people on"))).to_be_visible()
    expect(olli.get_by_text(re.compile("^Scheduled for"))).to_be_visible()
    kutsu.clock.travel(morning - timedelta(hours=1))
    # A month on, his session has ended (unused for 8 hours): he is asked to sign in again.
    olli.reload()
    expect(olli).to_have_url(re.compile("/login"))
    sign_in(olli, "olli@example.fi")
    assert not kutsu.mail_to(COMING[0], subject="Today")
    kutsu.clock.travel(morning + timedelta(minutes=1))
    for email in COMING[:CAPACITY]:
        [message] = kutsu.wait_for_mail(email, subject="Today")
        assert "See you at three." in Mailbox.text(message)

    # The start moves an hour later: everyone coming gets the new time in their calendar.
    later = starts + timedelta(hours=1)
    olli.goto(f"/organiser/events/{event_id}/edit")
    fill_date_and_time(olli, "starts_at", later)
    fill_date_and_time(olli, "ends_at", later + timedelta(hours=2))
    olli.get_by_role("button", name="Save changes").click()
    expect(h1(olli)).to_have_text(TITLE)
    entries = {}
    for email in COMING:
        [changed] = kutsu.wait_for_mail(email, subject="Changed")
        assert changed["Subject"] == f"Changed: {TITLE}"
        if email in COMING[:CAPACITY]:
            entries[email] = entry = calendar_in(changed)
            assert entry.decoded("DTSTART") == later
            assert entry.decoded("DTEND") == later + timedelta(hours=2)
        else:  # no place, so nothing for the calendar
            assert not calendar_files(changed)

    # The event is cancelled: everyone coming is told.
    olli.get_by_role("link", name="Cancel the event").click()
    olli.get_by_role("button", name="Yes, cancel the event").click()
    expect(olli.locator(".caption")).to_have_text("Cancelled")
    expect(olli.get_by_text(re.compile(f"{len(COMING)} people will be told"))).to_be_visible()
    for email in COMING:
        [cancelled] = kutsu.wait_for_mail(email, subject="Cancelled")
        assert cancelled["Subject"] == f"Cancelled: {TITLE}"
        if email in COMING[:CAPACITY]:  # the entry in their calendar is taken away
            [calendar] = calendar_files(cancelled)
            assert str(calendar["METHOD"]) == "CANCEL"
            [entry] = calendar.walk("VEVENT")
            assert entry["UID"] == entries[email]["UID"]
    assert "This event has been cancelled." in page_text(kutsu.visitor().get(public).text)


def send_message(page: Page, event_id: int, subject: str, body: str, *, when) -> None:
    """Write a message to the people with a place, preview it, send or schedule it."""
    page.goto(f"/organiser/events/{event_id}/messages")
    page.get_by_role("link", name="Write a message").click()
    page.get_by_label(re.compile("^People with a confirmed place")).check()
    page.locator("#subject").fill(subject)
    page.locator("#body").fill(body)
    if when is None:
        page.get_by_label("Now", exact=True).check()
    else:
        page.get_by_label(re.compile("^Later")).check()
        fill_date_and_time(page, "send_at", when)
    page.get_by_role("button", name="Preview the message").click()
    expect(page.get_by_text(body)).to_be_visible()
    page.get_by_role("button", name="Schedule" if when else "Send", exact=True).click()
