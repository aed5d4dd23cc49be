"""axe-core on every page, as a participant and as a signed-in organiser, in Finnish,
Swedish and English: here in Finnish, and the same walks in Swedish and in English in
test_accessibility_sv.py and test_accessibility_en.py, so that make test runs the three
languages in processes of their own at once (a language's walks and its checks of
coverage stay in one process: one file).

WCAG 2.0, 2.1 and 2.2 A and AA rules; any violation fails the test with the rule, what
it means and the elements it found, for every page checked. The last tests prove the
walks cover every page: each GET page of the app, and each page template, had an axe
check in each language, but for the few listed in NOT_PAGES with the reason.
"""

import re
from datetime import timedelta
from pathlib import Path

import pyotp
import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from app import clock, create_app
from app.accounts.services import add_co_organiser
from app.config import ROOT
from app.extensions import db
from app.invitations import services as invitations
from app.models import (
    EmailStatus,
    EventFormat,
    InvitationStatus,
    NominationStatus,
    OrganiserRole,
    OutboundEmail,
    Participation,
    ParticipationMode,
    QuestionKind,
    Registration,
)
from app.nominations import services as nominations
from app.organiser.services import cancel_event
from app.places import services as places
from app.signup import services
from tests.browser.axe import AUDITED, AxeAudit, ServedPages, screenshot
from tests.browser.conftest import write_beside_server
from tests.browser.language import t
from tests.conftest import COFFEE_QUESTION, DIET_QUESTION, PASSWORD, deliver_mail, link_in

# One process runs every walk of a language: the checks that every page had one count
# this process's walks (make test distributes whole files: pytest-xdist --dist loadfile).
pytestmark = pytest.mark.browser


@pytest.fixture(params=["fi"])
def language(request) -> str:
    """This file's language (the other two files give theirs)."""
    return request.param


WORKSHOP_QUESTION = {
    "label": "Työpaja",
    "kind": QuestionKind.SINGLE_CHOICE,
    "options": ["Vapaaehtoistoiminta", "Rahoitus", "Viestintä"],
    "hint": "Valitse yksi.",
    "required": True,
}
DESCRIPTION = """Tervetuloa **kevätpäivään**!

- Aamupäivällä [ohjelma](https://example.fi/ohjelma)
- Iltapäivällä työpajat
"""


@pytest.fixture
def served(app):
    pages = ServedPages(app)
    pages.connect()
    yield pages
    pages.disconnect()


@pytest.fixture
def audit(page, language, served):
    return AxeAudit(page, language, served)


@pytest.fixture
def organiser(make_organiser):
    return make_organiser(email="olli@example.fi", name="Olli Organiser")


@pytest.fixture
def event(make_event, organiser):
    return make_event(
        organiser,
        title="Järjestöjen kevätpäivä",
        capacity=2,
        description=DESCRIPTION,
        contact_email="info@example.fi",
        privacy_notice="Rekisterinpitäjä on *Hämeen Setlementti ry*.",
        questions=[COFFEE_QUESTION, DIET_QUESTION, WORKSHOP_QUESTION],
    )


def sign_up_in_the_background(event, name: str, email: str, language: str):
    with write_beside_server():
        coffee, diet, workshop = (question.id for question in event.questions)
        result = services.register_for_event(
            event,
            name=name,
            email=email,
            organisation="Hämeen Setlementti ry",
            answers={coffee: True, diet: "gluteeniton", workshop: "Rahoitus"},
            locale=language,
        )
    return result.registration


def sign_in(page: Page, organiser, language: str) -> None:
    page.goto("/login")
    page.get_by_label(t(language, "Email address")).fill(organiser.email)
    page.get_by_label(t(language, "Password")).fill(PASSWORD)
    page.get_by_role("button", name=t(language, "Sign in")).click()
    home = "All events" if organiser.is_admin else "Your events"
    expect(page.get_by_role("heading", level=1)).to_have_text(t(language, home))


def expect_errors(page: Page, language: str) -> None:
    expect(page.get_by_text(t(language, "There is a problem"))).to_be_visible()


def h1(page: Page):
    return page.get_by_role("heading", level=1)


def test_service_and_error_pages_have_no_axe_violations(page: Page, audit, language):
    page.goto("/accessibility")
    expect(h1(page)).to_have_text(t(language, "Accessibility statement"))
    audit.check("accessibility statement")

    page.goto("/privacy")
    expect(h1(page)).to_have_text(t(language, "Privacy"))
    audit.check("privacy notice of the service")

    # Both are linked from the foot of every page.
    page.goto("/")
    footer = page.locator("footer")
    expect(
        footer.get_by_role("link", name=t(language, "Accessibility statement"))
    ).to_have_attribute("href", "/accessibility")
    expect(footer.get_by_role("link", name=t(language, "Privacy"), exact=True)).to_have_attribute(
        "href", "/privacy"
    )

    response = page.goto("/events/no-such-event")
    assert response.status == 404
    expect(
        page.get_by_text(
            t(language, "Page not found. Check the address, or the link may have expired.")
        )
    ).to_be_visible()
    audit.check("page not found")

    response = page.goto("/manage/not-a-token")
    assert response.status == 404
    expect(
        page.get_by_text(t(language, "This link is not valid. It may have expired."))
    ).to_be_visible()
    audit.check("manage link not valid")

    audit.assert_clean()


def test_participant_pages_have_no_axe_violations(
    page: Page, audit, language, organiser, event, make_event
):
    later = make_event(
        organiser,
        title="Syysseminaari",
        registration_opens_at=clock.now() + timedelta(days=7),
        starts_in=timedelta(days=30),
    )
    page.goto("/")
    audit.check("home page")

    page.goto(f"/events/{event.slug}")
    audit.check("event page")

    response = page.goto(f"/events/{event.slug}/privacy")
    assert response.status == 200
    expect(page.get_by_text("Rekisterinpitäjä on Hämeen Setlementti ry.")).to_be_visible()
    audit.check("privacy notice of the event")

    page.goto(f"/events/{event.slug}/register")
    expect(h1(page)).to_have_text(t(language, "Sign up"))
    audit.check("sign-up form")

    page.get_by_role("button", name=t(language, "Send")).click()
    expect_errors(page, language)
    audit.check("sign-up form with errors")
    screenshot(page, f"signup-errors-{language}")

    page.get_by_label(t(language, "Full name")).fill("Sara Löyttyjärvi")
    page.get_by_label(t(language, "Email address")).fill("sara@example.fi")
    page.get_by_label(t(language, "Yes"), exact=True).check()
    page.get_by_label("Rahoitus").check()
    page.get_by_label(
        t(
            language,
            "I have read the privacy notice, and my details may be used to organise this event",
        )
    ).check()
    page.get_by_role("button", name=t(language, "Send")).click()
    expect(h1(page)).to_have_text(t(language, "You are registered"))
    expect(page.get_by_role("heading", name=t(language, "What you sent"))).to_be_visible()
    audit.check("done page")
    screenshot(page, f"signup-done-{language}")
    # "Add to calendar" works without JavaScript: the page stays, the .ics downloads.
    with page.expect_download() as download:
        page.get_by_role("link", name=t(language, "Add to calendar (.ics)")).click()
    assert download.value.suggested_filename == f"{event.slug}.ics"
    ics = Path(download.value.path()).read_text(encoding="utf-8")
    assert "SUMMARY:Järjestöjen kevätpäivä" in ics
    expect(h1(page)).to_have_text(t(language, "You are registered"))

    registration = sign_up_in_the_background(event, "Pekka Virtanen", "pekka@example.fi", language)
    with write_beside_server():
        token = services.issue_manage_link_token(registration)
    page.goto(f"/manage/{token}")
    expect(h1(page)).to_have_text(t(language, "Your registration"))
    audit.check("manage page")

    page.get_by_label(t(language, "Full name")).fill("")
    page.get_by_role("button", name=t(language, "Save changes")).click()
    expect_errors(page, language)
    audit.check("manage page with errors")
    screenshot(page, f"manage-errors-{language}")

    page.get_by_role("link", name=t(language, "Cancel my registration")).click()
    expect(h1(page)).to_have_text(t(language, "Cancel your registration?"))
    audit.check("cancel registration, confirm")

    page.get_by_role("button", name=t(language, "Yes, cancel my registration")).click()
    expect(page.get_by_role("link", name=t(language, "Sign up again"))).to_be_visible()
    audit.check("manage page after cancelling")
    screenshot(page, f"manage-cancelled-{language}")

    response = page.goto(f"/events/{later.slug}/register")
    assert response.status == 409
    expect(h1(page)).to_have_text(t(language, "Registration has not opened yet"))
    audit.check("sign-up not open yet")

    audit.assert_clean()


def test_hybrid_event_pages_have_no_axe_violations(
    page: Page, audit, language, organiser, make_event
):
    """A hybrid event's sign-up form with its choice of mode (with errors), the manage page
    with the mode, the page for changing it; the organiser's counts for each mode, door
    list, event form and message form; the new pages also at 320 px."""
    from tests.browser.test_layout import SMALLEST_WIDTH, overflows

    event = make_event(
        organiser,
        title="Hybridiseminaari",
        format=EventFormat.HYBRID,
        capacity=1,
        online_capacity=None,
        join_link="https://teams.example.fi/l/meetup-join/seminaari",
    )
    page.goto(f"/events/{event.slug}/register")
    expect(page.get_by_role("group", name=t(language, "How will you take part?"))).to_be_visible()
    audit.check("hybrid sign-up form")
    page.get_by_role("button", name=t(language, "Send")).click()
    expect_errors(page, language)
    audit.check("hybrid sign-up form with errors")

    with write_beside_server():
        result = services.register_for_event(
            event,
            name="Sara Löyttyjärvi",
            email="sara@example.fi",
            organisation="Hämeen Setlementti ry",
            answers={},
            locale=language,
            mode=ParticipationMode.ONLINE,
        )
        services.register_for_event(
            event,
            name="Pekka Virtanen",
            email="pekka@example.fi",
            organisation="",
            answers={},
            locale=language,
            mode=ParticipationMode.IN_PERSON,
        )
        token = services.issue_manage_link_token(result.registration)
    page.goto(f"/manage/{token}")
    audit.check("hybrid manage page")
    page.get_by_role("link", name=t(language, "Change how you take part")).click()
    expect(h1(page)).to_have_text(t(language, "How you take part"))
    audit.check("change how you take part")
    page.get_by_label(t(language, "In person"), exact=True).check()
    page.get_by_role("button", name=t(language, "Save")).click()
    expect(
        page.get_by_text(
            t(
                language,
                "You keep your online place and are on the waiting list for a place in person.",
            )
        )
    ).to_be_visible()
    audit.check("hybrid manage page, waiting for the other mode")
    page.set_viewport_size({"width": SMALLEST_WIDTH, "height": 640})
    page.goto(f"/manage/{token}/mode")
    assert overflows(page) <= 0, "the mode page scrolls sideways"
    page.set_viewport_size({"width": 1280, "height": 800})

    sign_in(page, organiser, language)
    for path, name in [
        ("", "overview of a hybrid event"),
        ("attendees", "attendee list of a hybrid event"),
        ("door-list", "door list of a hybrid event"),
        ("check-in", "check-in of a hybrid event"),
        ("edit", "edit a hybrid event"),
        ("messages/new", "message to a hybrid event's people"),
    ]:
        page.goto(f"/organiser/events/{event.id}" + (f"/{path}" if path else ""))
        audit.check(name)
    page.set_viewport_size({"width": SMALLEST_WIDTH, "height": 640})
    page.goto(f"/organiser/events/{event.id}/attendees")
    assert overflows(page) <= 0, "the counts for each mode scroll sideways"

    audit.assert_clean()


def test_participant_pages_of_full_and_cancelled_events_have_no_axe_violations(
    page: Page, audit, language, organiser, make_event
):
    """The waiting list, a full event without one, and a cancelled event's manage page."""
    waiting_list = make_event(organiser, title="Jonotuspäivä", capacity=1)
    full = make_event(organiser, title="Täysi päivä", capacity=1, waiting_list=False)
    aino = {"name": "Aino Mäkinen", "email": "aino@example.fi", "organisation": ""}
    with write_beside_server():
        services.register_for_event(waiting_list, **aino, answers={}, locale=language)
        in_full = services.register_for_event(full, **aino, answers={}, locale=language)

    page.goto(f"/events/{waiting_list.slug}/register")
    page.get_by_label(t(language, "Full name")).fill("Sara Löyttyjärvi")
    page.get_by_label(t(language, "Email address")).fill("sara@example.fi")
    page.get_by_label(
        t(
            language,
            "I have read the privacy notice, and my details may be used to organise this event",
        )
    ).check()
    page.get_by_role("button", name=t(language, "Send")).click()
    expect(h1(page)).to_have_text(t(language, "You are on the waiting list"))
    expect(page).to_have_title(re.compile("^" + t(language, "You are on the waiting list")))
    audit.check("done page, waiting list")

    page.goto(f"/events/{full.slug}")
    expect(
        page.get_by_text(t(language, "All places have been taken and there is no waiting list."))
    ).to_be_visible()
    audit.check("event page, full")

    response = page.goto(f"/events/{full.slug}/register")
    assert response.status == 409
    expect(h1(page)).to_have_text(t(language, "The event is full"))
    expect(page.get_by_label(t(language, "Full name"))).to_have_count(0)
    audit.check("sign-up, full")

    with write_beside_server():
        cancel_event(full)
        token = services.issue_manage_link_token(in_full.registration)
    page.goto(f"/manage/{token}")
    expect(page.locator(".status")).to_have_text(
        t(language, "No place: the event will not take place")
    )
    audit.check("manage page, event cancelled")

    audit.assert_clean()


def test_sign_in_pages_have_no_axe_violations(page: Page, audit, language, organiser, app, mailbox):
    page.goto("/login")
    audit.check("sign-in page")

    page.get_by_label(t(language, "Email address")).fill(organiser.email)
    page.get_by_label(t(language, "Password")).fill("not the password")
    page.get_by_role("button", name=t(language, "Sign in")).click()
    expect_errors(page, language)
    audit.check("sign-in with errors")

    # A forgotten password: ask for a link, follow the link from the email.
    page.get_by_role("link", name=t(language, "Forgot your password?")).click()
    expect(h1(page)).to_have_text(t(language, "Forgot your password?"))
    audit.check("forgot password")

    send_link = page.get_by_role("button", name=t(language, "Send the link"))
    send_link.click()
    expect_errors(page, language)
    audit.check("forgot password with errors")

    page.get_by_label(t(language, "Email address")).fill(organiser.email)
    send_link.click()
    expect(h1(page)).to_have_text(t(language, "Check your email"))
    audit.check("reset link sent")

    deliver_mail(app)
    [message] = mailbox.to(organiser.email)
    reset = link_in(message, "/login/reset/")
    page.goto(reset)
    expect(h1(page)).to_have_text(t(language, "Set a new password"))
    audit.check("new password form")

    page.get_by_role("button", name=t(language, "Save the new password")).click()
    expect_errors(page, language)
    audit.check("new password form with errors")

    response = page.goto("/login/reset/not-a-token")
    assert response.status == 404
    expect(h1(page)).to_have_text(t(language, "The link has expired"))
    audit.check("reset link not valid")

    audit.assert_clean()


def test_organiser_pages_have_no_axe_violations(
    page: Page, audit, language, organiser, event, make_organiser, make_event
):
    make_organiser(email="co@example.fi", name="Coco Co-organiser")
    with write_beside_server():
        add_co_organiser(event, "co@example.fi")
    people = [
        ("Sara Löyttyjärvi", "sara@example.fi"),
        ("Pekka Virtanen", "pekka@example.fi"),
        ("Aino Mäkinen", "aino@example.fi"),
        ("Kalle Korhonen", "kalle@example.fi"),
    ]
    registrations = [sign_up_in_the_background(event, *person, language) for person in people]
    with write_beside_server():
        places.cancel_registration(registrations[0])  # Aino moves up from the waiting list
    draft = make_event(organiser, title="Luonnos: syysseminaari", published=False)

    make_event(organiser, title="Syyskokous", starts_in=timedelta(days=-20))
    sign_in(page, organiser, language)
    audit.check("dashboard")

    # The home's tabs, opened from the keyboard, and its search.
    tabs = page.get_by_role("navigation", name=t(language, "Events by time"))
    drafts = tabs.get_by_role("link", name=re.compile(re.escape(t(language, "Drafts"))))
    drafts.focus()
    page.keyboard.press("Enter")
    expect(drafts).to_have_attribute("aria-current", "page")
    expect(page.locator("main tbody tr")).to_have_count(1)
    audit.check("dashboard, drafts")
    tabs.get_by_role("link", name=re.compile(re.escape(t(language, "Past")))).click()
    expect(page.locator("main tbody tr")).to_have_count(1)
    audit.check("dashboard, past events with the date their data is erased")
    page.get_by_label(t(language, "Search by title")).fill("ei tällaista")
    page.get_by_role("button", name=t(language, "Search")).click()
    expect(page.get_by_text(t(language, "No events found."))).to_be_visible()
    audit.check("dashboard, nothing found")

    page.goto("/organiser/events/new")
    audit.check("new event form")

    page.get_by_role("button", name=t(language, "Save as draft")).click()
    expect_errors(page, language)
    audit.check("event form with errors")

    page.goto(f"/organiser/events/{event.id}")
    audit.check("event overview")

    page.goto(f"/organiser/events/{event.id}/edit")
    audit.check("edit event form with questions")

    page.goto(f"/organiser/events/{event.id}/attendees")
    expect(page.get_by_role("table").first.get_by_role("row")).to_have_count(5)
    audit.check("attendees")
    screenshot(page, f"attendees-{language}")

    # An organiser's changes, each asking first: Pekka cancelled, Kalle moved up past the
    # two places (the page says by how much), Pekka's confirmation sent again.
    pekka, kalle = registrations[1].id, registrations[3].id
    changes = f"/organiser/events/{event.id}/attendees"
    page.goto(f"{changes}/cancel?person={pekka}")
    expect(h1(page)).to_have_text(t(language, "Cancel %(num)d registration?", num=1))
    audit.check("cancel a registration, confirm")
    page.goto(f"{changes}/move?person={kalle}")
    expect(h1(page)).to_have_text(t(language, "Move %(num)d person to confirmed?", num=1))
    audit.check("move over the capacity, confirm")
    screenshot(page, f"move-over-capacity-{language}")
    page.goto(f"{changes}/{pekka}/resend")
    audit.check("resend a confirmation, confirm")
    page.goto(changes)

    page.get_by_role("link", name=t(language, "Door list to print")).click()
    expect(h1(page)).to_have_text(t(language, "Door list"))
    expect(page.get_by_role("table").get_by_role("row")).to_have_count(3)  # Pekka, Aino
    audit.check("door list")

    page.goto(f"/organiser/events/{event.id}/organisers")
    audit.check("co-organisers")

    page.get_by_label(t(language, "Email address")).fill("nobody at example.fi")
    page.get_by_role("button", name=t(language, "Add"), exact=True).click()
    expect_errors(page, language)
    audit.check("co-organisers with errors")

    remove = t(language, "Remove") + " Coco Co-organiser"
    page.get_by_role("link", name=remove).click()
    remove_heading = t(language, "Remove %(name)s?", name="Coco Co-organiser")
    expect(h1(page)).to_have_text(remove_heading)
    audit.check("remove a co-organiser, confirm")

    page.goto(f"/organiser/events/{event.id}/cancel")
    audit.check("cancel event, confirm")

    page.goto(f"/organiser/events/{draft.id}")
    audit.check("draft event overview")

    page.goto(f"/organiser/events/{draft.id}/preview")
    expect(h1(page)).to_have_text(draft.title)
    audit.check("draft event preview")

    page.get_by_role("link", name=t(language, "Sign up"), exact=True).click()
    expect(h1(page)).to_have_text(t(language, "Sign up"))
    audit.check("draft sign-up form preview")

    audit.assert_clean()


def test_message_and_outbox_pages_have_no_axe_violations(
    page: Page, audit, language, organiser, event
):
    for name, email in [
        ("Sara Löyttyjärvi", "sara@example.fi"),
        ("Pekka Virtanen", "pekka@example.fi"),
        ("Aino Mäkinen", "aino@example.fi"),
    ]:
        sign_up_in_the_background(event, name, email, language)
    sign_in(page, organiser, language)

    page.goto(f"/organiser/events/{event.id}/messages")
    audit.check("messages, none yet")

    page.get_by_role("link", name=t(language, "Write a message")).click()
    expect(h1(page)).to_have_text(t(language, "Write a message"))
    audit.check("message form")

    preview = page.get_by_role("button", name=t(language, "Preview the message"))
    preview.click()
    expect_errors(page, language)
    audit.check("message form with errors")
    screenshot(page, f"message-errors-{language}")

    page.get_by_label(f"{t(language, 'People with a confirmed place')} (2)").check()
    page.get_by_label(t(language, "Subject"), exact=True).fill("Ohjelma on valmis")
    page.get_by_label(t(language, "Message"), exact=True).fill(
        "Hei!\n\nOhjelma alkaa klo 9.00.\nTervetuloa!"
    )
    page.get_by_label(t(language, "Now"), exact=True).check()
    preview.click()
    expect(h1(page)).to_have_text(t(language, "Check your message"))
    audit.check("message preview")
    screenshot(page, f"message-preview-{language}")

    page.get_by_role("button", name=t(language, "Send")).click()
    sent = t(language, "Your message is being sent to %(num)d person.", num=2)
    expect(page.get_by_text(sent)).to_be_visible()
    audit.check("messages with a message")
    screenshot(page, f"messages-{language}")

    with write_beside_server():
        email = db.session.scalar(
            sa.select(OutboundEmail).where(
                OutboundEmail.kind == "organiser_message",
                OutboundEmail.recipient == "pekka@example.fi",
            )
        )
        email.status = EmailStatus.FAILED
        email.attempts = 1
        email.last_error = "550 No such user"
    page.goto(f"/organiser/events/{event.id}/outbox")
    to_pekka = t(language, "the email to %(recipient)s", recipient="pekka@example.fi")
    retry = f"{t(language, 'Retry')} {to_pekka}"
    expect(page.get_by_role("button", name=retry)).to_be_visible()
    audit.check("outbox with a failed message")
    screenshot(page, f"outbox-{language}")

    audit.assert_clean()


def test_check_in_pages_have_no_axe_violations(
    page: Page, audit, language, organiser, event, make_organiser
):
    for name, email in [
        ("Sara Löyttyjärvi", "sara@example.fi"),
        ("Pekka Virtanen", "pekka@example.fi"),
        ("Aino Mäkinen", "aino@example.fi"),  # on the waiting list: not on the check-in list
    ]:
        sign_up_in_the_background(event, name, email, language)
    helper = make_organiser(email="helmi@example.fi", name="Helmi Helper")
    with write_beside_server():
        add_co_organiser(event, helper.email, OrganiserRole.HELPER)
    check_in = f"/organiser/events/{event.id}/check-in"

    sign_in(page, organiser, language)
    page.goto(check_in)
    expect(h1(page)).to_have_text(t(language, "Check-in"))
    expect(page.locator("tbody tr")).to_have_count(2)
    audit.check("check-in")

    def button(label: str, person: str):
        # "Arrived" and the person's name, which only screen readers hear.
        name = re.compile(rf"^{re.escape(t(language, label))}\s*:\s*{person}$")
        return page.get_by_role("button", name=name)

    button("Arrived", "Pekka Virtanen").click()
    expect(button("Undo", "Pekka Virtanen")).to_be_visible()
    counts = t(language, "%(arrived)d of %(total)d arrived", arrived=1, total=2)
    expect(page.get_by_text(counts)).to_be_visible()
    audit.check("check-in, one arrived")

    page.get_by_label(t(language, "Find by name")).fill("Sara")
    page.get_by_role("button", name=t(language, "Search")).click()
    expect(page.locator("tbody tr")).to_have_count(1)
    audit.check("check-in, found by name")

    page.get_by_label(t(language, "Find by name")).fill("Nobody")
    page.get_by_role("button", name=t(language, "Search")).click()
    expect(page.get_by_role("cell", name=t(language, "No one found."))).to_be_visible()
    audit.check("check-in, no one found")

    # A helper sees only the check-in.
    page.context.clear_cookies()
    sign_in(page, helper, language)
    audit.check("dashboard of a helper")
    page.goto(check_in)
    expect(h1(page)).to_have_text(t(language, "Check-in"))
    expect(page.get_by_role("navigation", name=t(language, "Event"))).to_have_count(0)
    audit.check("check-in for a helper")

    audit.assert_clean()


def test_admin_pages_have_no_axe_violations(
    page: Page, audit, language, organiser, event, make_organiser
):
    admin = make_organiser(email="anna@example.fi", name="Anna Admin", admin=True)
    sign_up_in_the_background(event, "Sara Löyttyjärvi", "sara@example.fi", language)
    sign_in(page, admin, language)
    # All events, filtered by organiser; the event of a deactivated account is marked.
    with write_beside_server():
        db.session.merge(organiser).active = False
    page.reload()
    expect(page.get_by_text(t(language, "No active organiser"))).to_be_visible()
    audit.check("all events, one with no active organiser")
    page.get_by_label(t(language, "Organiser")).select_option(str(admin.id))
    page.get_by_role("button", name=t(language, "Search")).click()
    expect(page.get_by_text(t(language, "No events found."))).to_be_visible()
    audit.check("all events of one organiser")

    page.get_by_role("link", name=t(language, "Administration")).click()
    expect(h1(page)).to_have_text(t(language, "A person's data"))
    audit.check("a person's data")

    page.get_by_label(t(language, "Email address of the person")).fill("sara@example.fi")
    page.get_by_role("button", name=t(language, "Look up")).click()
    held = t(language, "Held about %(email)s", email="sara@example.fi")
    expect(page.get_by_role("heading", name=held)).to_be_visible()
    audit.check("what is held about a person")

    erase = page.get_by_role(
        "button", name=t(language, "Erase everything about %(email)s", email="sara@example.fi")
    )
    erase.click()
    expect_errors(page, language)
    audit.check("erase with errors")

    page.get_by_label(t(language, "I understand that this cannot be undone")).check()
    erase.click()
    erased = t(
        language,
        "Erased: %(what)s.",
        what=", ".join(
            [
                t(language, "%(num)d registration", num=1),
                t(language, "%(num)d nomination of them", num=0),
                t(language, "%(num)d nomination by them", num=0),
                t(language, "%(num)d invitation", num=0),
            ]
        ),
    )
    expect(page.get_by_role("alert")).to_contain_text(erased)
    audit.check("a person's data, erased")

    page.get_by_role("link", name=t(language, "Audit log")).click()
    expect(h1(page)).to_have_text(t(language, "Audit log"))
    expect(page.get_by_role("cell", name=t(language, "Erased one person's data"))).to_be_visible()
    audit.check("audit log")

    with write_beside_server():  # a password reset the mail server refused
        db.session.add(
            OutboundEmail(
                kind="password_reset",
                recipient="anna@example.fi",
                locale=language,
                dedupe_key="password_reset:refused",
                payload={"organiser_id": admin.id},
                status=EmailStatus.FAILED,
                attempts=1,
                last_error="550 5.1.1 Mailbox unavailable",
            )
        )
    page.get_by_role("link", name=t(language, "Undelivered email")).click()
    expect(h1(page)).to_have_text(t(language, "Undelivered email"))
    expect(page.get_by_role("cell", name=t(language, "Password reset"))).to_be_visible()
    audit.check("undelivered email")
    page.get_by_role("button", name=t(language, "Retry all failed") + " (1)").click()
    expect(page.get_by_role("alert")).to_contain_text(
        t(language, "%(num)d email will be sent again.", num=1)
    )
    audit.check("undelivered email, sent again")
    page.goto(f"/organiser/events/{event.id}/owner")
    expect(h1(page)).to_have_text(t(language, "Give the event to another owner"))
    audit.check("give the event to another owner")
    page.get_by_role("button", name=t(language, "Make them the owner")).click()
    expect_errors(page, language)
    audit.check("give the event to another owner with errors")

    audit.assert_clean()


def test_account_pages_have_no_axe_violations(
    page: Page, audit, language, app, event, make_organiser, mailbox
):
    admin = make_organiser(email="anna@example.fi", name="Anna Admin", admin=True)
    sign_in(page, admin, language)
    page.goto("/admin/accounts")
    expect(h1(page)).to_have_text(t(language, "Accounts"))
    audit.check("accounts")

    page.get_by_role("link", name=t(language, "Invite a person")).click()
    expect(h1(page)).to_have_text(t(language, "Invite a person"))
    audit.check("invite a person")
    page.get_by_role("button", name=t(language, "Send the invitation")).click()
    expect_errors(page, language)
    audit.check("invite a person with errors")
    page.get_by_label(t(language, "Their email address")).fill("uuno@example.fi")
    page.get_by_role("button", name=t(language, "Send the invitation")).click()
    expect(page.get_by_role("heading", name=t(language, "Pending invitations"))).to_be_visible()
    expect(page.locator("ul.team")).to_contain_text("uuno@example.fi")
    audit.check("accounts with a pending invitation")

    page.goto(f"/organiser/events/{event.id}/organisers")
    page.get_by_label(t(language, "Their email address")).fill("kaisa@example.fi")
    page.get_by_role("button", name=t(language, "Add")).click()
    expect(page.get_by_text(t(language, "Invited, no account yet"))).to_be_visible()
    audit.check("co-organisers with an invitation")

    page.goto(f"/admin/accounts/{admin.id}")
    expect(h1(page)).to_have_text("Anna Admin")
    audit.check("an account")
    page.get_by_label(t(language, "Organiser: makes events and works on others' events")).check()
    page.get_by_role("button", name=t(language, "Save the role")).click()
    expect_errors(page, language)
    audit.check("an account with errors")
    page.get_by_role("link", name=t(language, "Deactivate the account")).click()
    expect(h1(page)).to_have_text(t(language, "Deactivate %(name)s?", name="Anna Admin"))
    audit.check("deactivate an account, confirm")

    deliver_mail(app)
    [message] = mailbox.to("uuno@example.fi")
    page.goto(link_in(message, "/join/"))
    expect(h1(page)).to_have_text(t(language, "Make your account"))
    audit.check("make your account")
    page.get_by_role("button", name=t(language, "Make the account")).click()
    expect_errors(page, language)
    audit.check("make your account with errors")
    response = page.goto("/join/" + "x" * 43)
    assert response.status == 404
    expect(h1(page)).to_have_text(t(language, "This link is no longer valid"))
    audit.check("invitation link no longer valid")

    audit.assert_clean()


@pytest.fixture
def nomination_workshop(make_event, organiser):
    return make_event(
        organiser,
        title="Tulevaisuuden sote-keskus: kansallinen sidosryhmätyöpaja",
        participation=Participation.INVITATION,
        nominations_close_at=clock.now() + timedelta(days=20),
        nominees_per_organisation=3,
        themes=["Mielenterveys", "Ikäihmiset", "Lapset ja perheet"],
        starts_in=timedelta(days=60),
        contact_email="info@example.fi",
        privacy_notice="Rekisterinpitäjä on *SOSTE ry*.",
    )


def test_nomination_pages_have_no_axe_violations(page: Page, audit, language, nomination_workshop):
    workshop = nomination_workshop
    page.goto("/")
    audit.check("home page with a workshop")

    page.goto(f"/events/{workshop.slug}")
    audit.check("workshop page")

    nominate = t(language, "Nominate participants")
    page.get_by_role("link", name=nominate).click()
    expect(h1(page)).to_have_text(nominate)
    audit.check("nomination form")

    send = page.get_by_role("button", name=t(language, "Send nominations"))
    send.click()
    expect_errors(page, language)
    audit.check("nomination form with errors")
    screenshot(page, f"nomination-errors-{language}")

    page.locator("#name").fill("Nina Nominator")
    page.locator("#email").fill("nina@soste.example")
    page.locator("#organisation").fill("SOSTE ry")
    page.locator("#nominees-0-name").fill("Aino Aalto")
    page.locator("#nominees-0-email").fill("aino@example.fi")
    page.locator("#nominees-0-region").select_option("Kanta-Häme")
    page.locator("#nominees-0-justification").fill("Pitkä kokemus järjestötyöstä.")
    page.get_by_role("button", name=t(language, "Add another nominee")).click()
    expect(page.locator("fieldset.question-block")).to_have_count(2)
    audit.check("nomination form with two nominees")
    screenshot(page, f"nomination-two-{language}")

    page.locator("#nominees-1-name").fill("Bertta Berg")
    page.locator("#nominees-1-email").fill("bertta@example.fi")
    page.locator("#nominees-1-justification").fill("Asiantuntija.")
    page.locator("#confirm").check()
    send.click()
    expect(h1(page)).to_have_text(t(language, "Thank you for your nominations"))
    audit.check("nomination thank-you page")

    clock.travel(workshop.nominations_close_at + timedelta(minutes=1))
    response = page.goto(f"/events/{workshop.slug}/nominate")
    assert response.status == 409
    expect(h1(page)).to_have_text(t(language, "Nominations have closed"))
    audit.check("nominations closed")

    audit.assert_clean()


def test_workshop_review_and_invitation_pages_have_no_axe_violations(
    page: Page, audit, language, organiser, make_event
):
    now = clock.now()
    workshop = make_event(
        organiser,
        title="Tulevaisuuden sote-keskus: sidosryhmätyöpaja",
        capacity=2,
        participation=Participation.INVITATION,
        nominations_close_at=now + timedelta(days=20),
        nominees_per_organisation=2,
        themes=["Mielenterveys", "Ikäihmiset"],
        invitations_send_at=now + timedelta(days=39),
        reply_by=now + timedelta(days=50),
        starts_in=timedelta(days=60),
        contact_email="info@example.fi",
        questions=[COFFEE_QUESTION],
    )
    with write_beside_server():
        for organisation, people in [
            ("Hämeen Setlementti ry", [("Aino Aalto", "aino"), ("Bertta Berg", "bertta")]),
            ("SOSTE ry", [("Cecilia Carlsson", "cecilia"), ("Daniel Dahl", "daniel")]),
        ]:
            nominations.submit_nominations(
                workshop,
                nominator_name="Nina Nominoija",
                nominator_email=f"nina@{organisation[:5].lower()}.example",
                nominator_organisation=organisation,
                nominees=[
                    nominations.NomineeDetails(
                        name=name,
                        email=f"{local}@example.fi",
                        region="Kanta-Häme",
                        themes=["Mielenterveys"],
                        justification="Pitkä kokemus vertaistuesta.",
                    )
                    for name, local in people
                ],
                locale=language,
            )
        aino, bertta, cecilia, daniel = nominations.candidates(workshop)
        nominations.save_notes(aino, "Kysy saavutettavuustarpeista.")
        nominations.set_status(workshop, [aino.id, cecilia.id], NominationStatus.SELECTED)
        nominations.set_status(workshop, [bertta.id], NominationStatus.NOT_SELECTED)
        invitations.invite_selected(workshop, send_at=None)
        invitations.invite_list(
            workshop, [invitations.Invitee("Ville Virtanen", "ville@example.fi")], send_at=None
        )
        aino_invitation, cecilia_invitation, ville_invitation = invitations.invitations(workshop)
        invitations.accept_invitation(
            aino_invitation,
            name="Aino Aalto",
            organisation="Oma ry",
            answers={workshop.questions[0].id: True},
            locale=language,
        )
        cecilia_invitation.status = InvitationStatus.DECLINED
        cecilia_invitation.decline_reason = "Lomalla"
        aino_link, cecilia_link, ville_link = (
            f"/invitations/{invitations.issue_invitation_token(invitation)}"
            for invitation in (aino_invitation, cecilia_invitation, ville_invitation)
        )

    # What the invited see: the invitation, the accept and decline forms, their reply.
    page.goto(ville_link)
    expect(h1(page)).to_have_text(t(language, "You are invited"))
    audit.check("invitation")

    page.get_by_role("link", name=t(language, "Accept"), exact=True).click()
    expect(h1(page)).to_have_text(t(language, "Accept the invitation"))
    audit.check("accept form")

    page.get_by_role("button", name=t(language, "Accept"), exact=True).click()
    expect_errors(page, language)
    audit.check("accept form with errors")

    page.goto(f"{ville_link}/decline")
    expect(h1(page)).to_have_text(t(language, "Decline the invitation?"))
    audit.check("decline form")

    page.goto(aino_link)
    expect(h1(page)).to_have_text(t(language, "You are registered"))
    audit.check("invitation accepted")

    response = page.goto(f"{aino_link}/accept")
    assert response.status == 409
    expect(h1(page)).to_have_text(t(language, "You have already replied"))
    audit.check("invitation already answered")

    page.goto(cecilia_link)
    expect(h1(page)).to_have_text(t(language, "You declined the invitation"))
    audit.check("invitation declined")

    # What the organiser sees.
    sign_in(page, organiser, language)
    page.goto(f"/organiser/events/{workshop.id}/edit")
    audit.check("workshop event form")
    screenshot(page, f"workshop-form-{language}")

    page.locator("#reply_by-date").fill("31.2.2000")
    page.get_by_role("button", name=t(language, "Save changes")).click()
    expect_errors(page, language)
    audit.check("workshop event form with errors")

    page.goto(f"/organiser/events/{workshop.id}/nominations")
    for summary in page.locator("summary").all():
        summary.click()  # open the counts per organisation and per region
    audit.check("nominations")
    screenshot(page, f"nominations-{language}")

    apply = page.get_by_role("button", name=t(language, "Apply"))
    apply.click()
    expect_errors(page, language)
    audit.check("nominations with errors")

    page.get_by_label(t(language, "Tick %(name)s", name="Daniel Dahl")).check()
    page.get_by_label(t(language, "New status for the ticked nominees")).select_option(
        "shortlisted"
    )
    apply.click()
    shortlisted = t(language, "Shortlisted")
    changed = t(language, "%(num)d nominee is now: %(status)s.", num=1, status=shortlisted)
    expect(page.get_by_text(changed)).to_be_visible()
    page.get_by_label(t(language, "Status"), exact=True).select_option("shortlisted")
    page.get_by_role("button", name=t(language, "Filter")).click()
    expect(page).to_have_url(re.compile(r"[?&]status=shortlisted"))
    tick = "Tick %(name)s"
    expect(page.get_by_label(t(language, tick, name="Daniel Dahl"))).to_be_visible()
    expect(page.get_by_label(t(language, tick, name="Aino Aalto"))).to_have_count(0)
    audit.check("nominations, filtered")

    page.goto(f"/organiser/events/{workshop.id}/nominations/{aino.id}")
    audit.check("nominee")
    screenshot(page, f"nominee-{language}")

    page.goto(f"/organiser/events/{workshop.id}/invitations")
    audit.check("invitations")
    screenshot(page, f"invitations-{language}")

    page.get_by_role("link", name=t(language, "Invite from a list")).last.click()
    expect(h1(page)).to_have_text(t(language, "Invite from a list"))
    audit.check("invite from a list")
    page.get_by_label(t(language, "Paste the addresses")).fill(
        "Eero; eero@example.fi\nnot an address"
    )
    page.get_by_role("button", name=t(language, "Invite everyone on the list")).click()
    problem = t(
        language, "Line %(line)d: %(problem)s", line=2, problem=t(language, "no email address")
    )
    expect(page.get_by_text(problem)).to_be_visible()
    audit.check("invite from a list with errors")
    screenshot(page, f"invite-list-errors-{language}")

    page.goto(f"/organiser/events/{workshop.id}/invitations/not-selected")
    audit.check("not selected, confirm")

    page.goto(f"/organiser/events/{workshop.id}/attendees")
    expect(page.get_by_role("columnheader", name=t(language, "Way in"))).to_be_visible()
    audit.check("workshop attendees")

    clock.travel(workshop.reply_by + timedelta(minutes=1))
    page.goto(f"/organiser/events/{workshop.id}/invitations")
    no_reply = t(language, "No reply by the reply-by date")
    expect(page.get_by_role("heading", name=no_reply)).to_be_visible()
    audit.check("invitations after the reply-by date")

    page.goto(ville_link)
    expect(h1(page)).to_have_text(t(language, "The time to reply has passed"))
    audit.check("invitation after the reply-by date")

    audit.assert_clean()


def test_own_account_and_two_step_pages_have_no_axe_violations(
    page: Page, audit, language, organiser, make_organiser, app, mailbox
):
    sign_in(page, organiser, language)
    page.get_by_role("link", name=t(language, "Your account")).click()
    expect(h1(page)).to_have_text(t(language, "Your account"))
    audit.check("own account")

    page.get_by_role("link", name=t(language, "Change your name")).click()
    audit.check("change name")
    page.get_by_label(t(language, "Name")).fill("")
    page.get_by_role("button", name=t(language, "Save the name")).click()
    expect_errors(page, language)
    audit.check("change name with errors")

    page.goto("/account/email")
    send = page.get_by_role("button", name=t(language, "Send the link"))
    send.click()
    expect_errors(page, language)
    audit.check("change email with errors")
    page.get_by_label(t(language, "New email address")).fill("olli.oja@example.fi")
    page.get_by_label(t(language, "Your current password")).fill(PASSWORD)
    send.click()
    expect(h1(page)).to_have_text(t(language, "Your account"))
    deliver_mail(app)
    [message] = mailbox.to("olli.oja@example.fi")
    page.goto(link_in(message, "/account/email/confirm/"))
    expect(h1(page)).to_have_text(t(language, "Confirm your new email address"))
    audit.check("confirm new email")
    assert page.goto("/account/email/confirm/not-a-token").status == 404
    audit.check("email link expired")

    page.goto("/account/password")
    page.get_by_role("button", name=t(language, "Save the new password")).click()
    expect_errors(page, language)
    audit.check("change password with errors")

    page.goto("/account/two-step")
    audit.check("two-step off")
    page.get_by_role("button", name=t(language, "Set up two-step sign-in")).click()
    audit.check("two-step setup")
    assert reflows_to_320(page), "the two-step setup is wider than 320 px"
    turn_on = page.get_by_role("button", name=t(language, "Turn on two-step sign-in"))
    turn_on.click()
    expect_errors(page, language)
    audit.check("two-step setup with errors")
    totp = pyotp.TOTP(page.locator("#two-step-key").inner_text().replace(" ", ""))
    page.get_by_label(t(language, "Code from the app")).fill(totp.at(clock.now()))
    turn_on.click()
    expect(h1(page)).to_have_text(t(language, "Your recovery codes"))
    audit.check("recovery codes")
    assert reflows_to_320(page), "the recovery codes are wider than 320 px"

    page.goto("/account/two-step")
    audit.check("two-step on")
    page.get_by_role("link", name=t(language, "Make new recovery codes")).click()
    page.get_by_role("button", name=t(language, "Make new codes")).click()
    expect_errors(page, language)
    audit.check("new recovery codes with errors")
    page.goto("/account/two-step/off")
    page.get_by_role("button", name=t(language, "Turn off")).click()
    expect_errors(page, language)
    audit.check("two-step off form with errors")

    page.get_by_role("button", name=t(language, "Sign out")).click()
    page.goto("/login")
    page.get_by_label(t(language, "Email address")).fill(organiser.email)
    page.get_by_label(t(language, "Password")).fill(PASSWORD)
    page.get_by_role("button", name=t(language, "Sign in")).click()
    expect(h1(page)).to_have_text(t(language, "Enter the code"))
    audit.check("two-step code at sign-in")
    page.get_by_role("button", name=t(language, "Sign in")).click()
    expect_errors(page, language)
    audit.check("two-step code at sign-in with errors")

    page.goto("/login")  # an admin: whom to require it of, and a reset for a lost phone
    admin = make_organiser(email="anna@example.fi", name="Anna Admin", admin=True)
    sign_in(page, admin, language)
    page.goto("/admin/people")
    page.get_by_role("link", name=t(language, "Two-step sign-in")).click()
    audit.check("two-step requirement")
    page.get_by_role("button", name=t(language, "Save")).click()
    expect(page.get_by_role("alert")).to_be_visible()
    audit.check("two-step requirement saved")
    page.goto(f"/admin/accounts/{organiser.id}/two-step/reset")
    audit.check("reset two-step")

    audit.assert_clean()


def test_series_pages_have_no_axe_violations(page: Page, audit, language, organiser, event):
    """Copying an event, making a series of it (errors, the dates shown first), the series
    page, a meeting's edit form, adding a date and ending the series; the series page and
    its form also at 320 px."""
    from tests.browser.test_layout import SMALLEST_WIDTH, overflows

    sign_in(page, organiser, language)
    page.goto(f"/organiser/events/{event.id}/copy")
    audit.check("copy an event")
    page.get_by_role("button", name=t(language, "Copy the event")).click()
    expect_errors(page, language)
    audit.check("copy an event with errors")

    page.goto(f"/organiser/events/{event.id}/series/new")
    audit.check("repeat as a series")
    page.get_by_role("radio", name=t(language, "On dates I list")).check()
    page.get_by_label(t(language, "Dates, one per line")).fill("31.2.2030\nhuomenna")
    page.get_by_role("button", name=t(language, "Show the dates")).first.click()
    expect_errors(page, language)
    audit.check("repeat as a series with a wrong date on two lines")
    page.get_by_role("radio", name=t(language, "Every month on the same weekday")).check()
    first = clock.to_local(event.starts_at).date() + timedelta(days=70)
    page.get_by_label(t(language, "Last date")).fill(f"{first.day}.{first.month}.{first.year}")
    page.get_by_role("button", name=t(language, "Show the dates")).first.click()
    expect(page.locator(".occurrence-dates li").first).to_be_visible()
    audit.check("repeat as a series, the dates shown")
    page.locator("button[name=make]").click()
    expect(page.locator("tbody tr").first).to_be_visible()
    audit.check("a series")
    series_page = page.url

    page.locator("tbody tr").nth(1).get_by_role("link").click()
    audit.check("a meeting of a series")
    page.goto(page.url + "/edit")
    expect(page.get_by_role("radio", name=t(language, "This meeting only"))).to_be_checked()
    audit.check("edit a meeting of a series")

    page.goto(series_page + "/dates/new")
    audit.check("add a date to a series")
    page.get_by_role("button", name=t(language, "Add the meeting")).click()
    expect_errors(page, language)
    audit.check("add a date to a series with errors")

    page.goto(series_page + "/end")
    audit.check("end a series")
    page.get_by_role("button", name=t(language, "Continue")).click()
    expect(page.get_by_role("button", name=t(language, "Yes, end the series"))).to_be_visible()
    audit.check("end a series, confirm")

    page.set_viewport_size({"width": SMALLEST_WIDTH, "height": 640})
    for path in (series_page, f"/organiser/events/{event.id}/series/new"):
        page.goto(path)
        assert overflows(page) <= 0, f"{path} scrolls sideways at {SMALLEST_WIDTH} px"

    audit.assert_clean()


def reflows_to_320(page: Page) -> bool:
    """The page fits 320 CSS pixels (WCAG 1.4.10) with no sideways scrolling."""
    size = page.viewport_size
    page.set_viewport_size({"width": 320, "height": 640})
    fits = page.evaluate("document.documentElement.scrollWidth <= 320")
    page.set_viewport_size(size)
    return fits


def test_waiting_list_and_offer_pages_have_no_axe_violations(
    page: Page, audit, language, organiser, make_event
):
    """The organiser's waiting list with an offer standing, after a move and when it
    changed meanwhile; a person's page with an offer, and a late answer to it; each page
    also at 320 px (WCAG 1.4.10 reflow)."""
    from app.places.waiting_order import move_in_waiting_list

    event = make_event(organiser, title="Jonotuspäivä", capacity=1, offer_hours=24)
    with write_beside_server():
        people = [
            services.register_for_event(
                event,
                name=name,
                email=f"{name.lower()}@example.fi",
                organisation="",
                answers={},
                locale=language,
            ).registration
            for name in ("Aino", "Bertil", "Cecilia", "Daniel")
        ]
        places.cancel_registration(people[0])  # the place is offered to Bertil
        token = services.issue_manage_link_token(people[1])
    page.goto(f"/manage/{token}")
    expect(page.get_by_role("button", name=t(language, "Accept the place"))).to_be_visible()
    audit.check("manage page with an offer")
    assert reflows_to_320(page)

    sign_in(page, organiser, language)
    waiting_list = f"/organiser/events/{event.id}/waiting-list"
    page.goto(waiting_list)
    expect(h1(page)).to_have_text(t(language, "Waiting list"))
    audit.check("waiting list with an offer standing")
    assert reflows_to_320(page)
    rows = page.locator(".waiting-order tbody tr")
    rows.filter(has_text="Daniel").get_by_role("button", name=t(language, "Move up")).click()
    expect(rows.nth(0)).to_contain_text("Daniel")
    audit.check("waiting list after a move")

    with write_beside_server():
        move_in_waiting_list(event, people[2].id, seen_at=2, to=1)  # someone else, meanwhile
    rows.filter(has_text="Daniel").get_by_role("button", name=t(language, "Move down")).click()
    expect_errors(page, language)
    audit.check("waiting list, changed meanwhile")

    page.goto(f"/manage/{token}")
    with write_beside_server():
        db.session.merge(people[1]).offer_expires_at = clock.now() - timedelta(seconds=1)
    page.get_by_role("button", name=t(language, "Accept the place")).click()
    expect(h1(page)).to_have_text(t(language, "This offer is no longer open"))
    audit.check("an offer answered too late")
    assert reflows_to_320(page)

    audit.assert_clean()


# --- every page checked ---------------------------------------------------------------


# GET routes that are not pages to check, and why. Anything else must have had axe.
def test_attendee_people_pages_have_no_axe_violations(
    page: Page, audit, language, organiser, event
):
    """Adding a person, their page (sensitive answers hidden and shown), editing them;
    each also at 320 px (WCAG 1.4.10 reflow) with every focus state easy to see."""
    from tests.browser.test_focus import tab_through
    from tests.browser.test_layout import SMALLEST_WIDTH, overflows

    sara = sign_up_in_the_background(event, "Sara Löyttyjärvi", "sara@example.fi", language)
    sign_in(page, organiser, language)

    page.goto(f"/organiser/events/{event.id}/attendees")
    page.get_by_role("link", name=t(language, "Add a person")).click()
    expect(h1(page)).to_have_text(t(language, "Add a person"))
    audit.check("add a person")

    page.get_by_role("button", name=t(language, "Add the person")).click()
    expect_errors(page, language)
    audit.check("add a person with errors")

    page.get_by_label(t(language, "Full name")).fill("Pirkko Puhelin")
    page.get_by_label(t(language, "Email address")).fill("sara@example.fi")
    page.get_by_label(t(language, "Yes"), exact=True).check()
    page.get_by_label("Rahoitus").check()
    page.get_by_role("button", name=t(language, "Add the person")).click()
    expect_errors(page, language)
    audit.check("add a person whose address is registered already")

    page.get_by_label(t(language, "Email address")).fill("")
    page.get_by_label(t(language, "Note for organisers")).fill("Ilmoittautui puhelimessa")
    page.get_by_role("button", name=t(language, "Add the person")).click()
    expect(h1(page)).to_have_text("Pirkko Puhelin")
    audit.check("a person's page, just added")

    page.goto(f"/organiser/events/{event.id}/attendees/{sara.id}?sensitive=1")
    expect(page.get_by_text("gluteeniton")).to_be_visible()
    audit.check("a person's page with sensitive answers")

    page.get_by_role("link", name=t(language, "Edit details")).click()
    expect(h1(page)).to_have_text(t(language, "Edit details"))
    audit.check("edit a person")

    page.get_by_label(t(language, "Full name")).fill("")
    page.get_by_role("button", name=t(language, "Save changes")).click()
    expect_errors(page, language)
    audit.check("edit a person with errors")

    page.set_viewport_size({"width": SMALLEST_WIDTH, "height": 640})
    for path in [
        f"/organiser/events/{event.id}/attendees/new",
        f"/organiser/events/{event.id}/attendees/{sara.id}?sensitive=1",
        f"/organiser/events/{event.id}/attendees/{sara.id}/edit",
    ]:
        page.goto(path)
        assert overflows(page) <= 0, f"{path} scrolls sideways at {SMALLEST_WIDTH} px"
        assert len(tab_through(page)) > 5, path

    audit.assert_clean()


def test_series_sign_up_pages_have_no_axe_violations(page: Page, audit, language, make_occurrences):
    """A series' page and its form, with errors; the outcome of each meeting chosen; the
    one manage page, before and after a cancel; an occurrence's page with its link."""
    from app.models import SeriesBooking
    from app.series import signup_services
    from tests.browser.test_layout import SMALLEST_WIDTH, overflows

    series, events = make_occurrences(questions=[DIET_QUESTION], capacities=[1, 10, 10])
    with write_beside_server():  # the first meeting's one place is taken
        services.register_for_event(
            events[0],
            name="Pekka",
            email="pekka@example.fi",
            organisation="",
            answers={},
            locale=language,
        )
    page.goto(f"/events/{events[1].slug}")
    expect(page.get_by_text(t(language, "This meeting is part of a series."))).to_be_visible()
    audit.check("an occurrence's event page")

    page.goto(f"/series/{series.slug}")
    expect(h1(page)).to_have_text("Järjestöjen sote-ryhmä")
    audit.check("series page and form")

    page.get_by_role("button", name=t(language, "Send")).click()
    expect_errors(page, language)
    audit.check("series form with errors")

    page.get_by_label(t(language, "All the meetings listed")).check()
    page.get_by_label(t(language, "Full name")).fill("Sara Löyttyjärvi")
    page.get_by_label(t(language, "Email address")).fill("sara@example.fi")
    page.get_by_label(
        t(
            language,
            "I have read the privacy notice, and my details may be used to organise this event",
        )
    ).check()
    page.get_by_role("button", name=t(language, "Send")).click()
    expect(h1(page)).to_have_text(t(language, "Your registrations"))
    audit.check("series sign-up done")

    with write_beside_server():
        booking = db.session.scalar(sa.select(SeriesBooking))
        token = signup_services.issue_booking_token(booking)
    page.goto(f"/series/manage/{token}")
    expect(h1(page)).to_have_text(t(language, "Your registrations"))
    audit.check("series manage page")
    page.get_by_role("button", name=t(language, "Cancel this registration")).first.click()
    expect(page.get_by_text(t(language, "Your registration has been cancelled."))).to_be_visible()
    audit.check("series manage page after a cancel")

    page.set_viewport_size({"width": SMALLEST_WIDTH, "height": 640})
    for path in [f"/series/{series.slug}", f"/series/manage/{token}"]:
        page.goto(path)
        assert overflows(page) <= 0, f"{path} scrolls sideways at {SMALLEST_WIDTH} px"

    audit.assert_clean()


def test_group_sign_up_pages_have_no_axe_violations(
    page: Page, audit, language, organiser, make_event
):
    """The group form (and with errors), the outcome with the group, the contact person's
    manage page with the group (fitting the smallest screen), cancelling a member and the
    whole group."""
    from app.models import Registration
    from tests.browser.test_layout import SMALLEST_WIDTH, overflows

    event = make_event(
        organiser,
        title="Ryhmien kevätpäivä",
        capacity=10,
        group_size_max=3,
        questions=[COFFEE_QUESTION],
    )
    page.goto(f"/events/{event.slug}/register")
    expect(h1(page)).to_have_text(t(language, "Sign up"))
    audit.check("group sign-up form")

    page.locator("#members-0-email").fill("not an address")
    page.get_by_role("button", name=t(language, "Send")).click()
    expect_errors(page, language)
    audit.check("group sign-up form with errors")

    page.locator("#name").fill("Kaisa Kontakti")
    page.locator("#email").fill("kaisa@example.fi")
    page.locator("#members-0-name").fill("Pekka Jäsen")
    page.locator("#members-0-email").fill("pekka@example.fi")
    page.get_by_role("button", name=t(language, "Add a person")).click()
    expect(page.locator("#members-1-name")).to_be_visible()

    page.locator("#members-1-name").fill("Liisa Ilman")
    page.get_by_label(t(language, "I answer the questions for everyone in the group")).check()
    page.locator(f"#q_{event.questions[0].id}-0").check()
    page.locator("#consent").check()
    page.get_by_role("button", name=t(language, "Send")).click()
    expect(h1(page)).to_have_text(t(language, "You are registered"))
    audit.check("group sign-up done")

    with write_beside_server():
        lead = db.session.scalar(
            sa.select(Registration).where(Registration.name == "Kaisa Kontakti")
        )
        token = services.issue_manage_link_token(lead)
    page.goto(f"/manage/{token}")
    expect(page.get_by_role("heading", name=t(language, "Your group"))).to_be_visible()
    audit.check("group contact's manage page")
    page.set_viewport_size({"width": SMALLEST_WIDTH, "height": 640})
    assert overflows(page) <= 0, f"the manage page scrolls sideways at {SMALLEST_WIDTH} px"
    page.set_viewport_size({"width": 1280, "height": 800})

    page.locator("a[href*='/group/'][href$='/cancel']").first.click()
    expect(h1(page)).to_contain_text("Pekka Jäsen")
    audit.check("cancel a member of a group")

    page.goto(f"/manage/{token}/group/cancel")
    expect(h1(page)).to_have_text(t(language, "Cancel the whole group?"))
    audit.check("cancel a whole group")
    audit.assert_clean()


def test_conditional_question_pages_have_no_axe_violations(
    page: Page, audit, language, organiser, make_event
):
    """A sign-up form whose follow-up the script hides and shows, with errors; the question
    editor with the answers a question may depend on, opened; both at the smallest width."""
    from tests.browser.test_layout import SMALLEST_WIDTH, overflows
    from tests.test_conditional_questions import DIET, PARKING, TRANSPORT, WHICH

    event = make_event(organiser, capacity=10, questions=[DIET, WHICH, TRANSPORT, PARKING])
    page.goto(f"/events/{event.slug}/register")
    expect(h1(page)).to_have_text(t(language, "Sign up"))
    audit.check("sign-up form with its follow-up questions hidden")

    special = page.get_by_role("group", name="Erityisruokavalio?")
    special.get_by_label(t(language, "Yes"), exact=True).check()
    expect(page.locator(".condition-status")).not_to_be_empty()
    audit.check("sign-up form with a follow-up question shown")
    page.get_by_role("button", name=t(language, "Send")).click()
    expect_errors(page, language)
    audit.check("sign-up form with an unanswered follow-up question")

    sign_in(page, organiser, language)
    page.goto(f"/organiser/events/{event.id}/edit")
    expect(page.locator("#questions-1-shown_if-0")).to_be_checked()  # opened: it is set
    audit.check("question editor with a condition")
    page.locator("#questions-0-remove").check()
    page.get_by_role("button", name=t(language, "Save changes")).click()
    expect_errors(page, language)
    audit.check("question editor with a condition on a removed question")

    page.set_viewport_size({"width": SMALLEST_WIDTH, "height": 640})
    for path in [f"/events/{event.slug}/register", f"/organiser/events/{event.id}/edit"]:
        page.goto(path)
        assert overflows(page) <= 0, f"{path} scrolls sideways at {SMALLEST_WIDTH} px"

    audit.assert_clean()


def test_contact_list_pages_have_no_axe_violations(
    page: Page, audit, language, organiser, make_organiser, make_event, app, mailbox
):
    """Lists, a new list, its members (and who left), adding people (with a problem line),
    editing and removing a member, sharing, inviting, deleting; and a member's page to
    leave the list from the link in their mail. The members' pages also at 320 px."""
    from app.invitations.services import Invitee
    from app.lists import services as lists
    from app.lists.inviting import invite_contact_list
    from tests.browser.test_layout import SMALLEST_WIDTH, overflows

    make_organiser(email="co@example.fi", name="Co Organiser")
    meeting = make_event(organiser, title="Sote-ryhmän tapaaminen")
    with write_beside_server():
        sote = lists.create_list(organiser, name="Järjestöjen sote-ryhmä", purpose="Sote-ryhmä")
        lists.add_members(
            sote,
            [
                Invitee("Aino Aalto", "aino@example.fi", "Hämeen Setlementti ry", "fi"),
                Invitee("Bertil Berg", "bertil@example.fi", "Folkhälsan", "sv"),
            ],
            locale="fi",
        )
        invite_contact_list(sote, [meeting], now=clock.now(), days_before=None)
    deliver_mail(app)
    [message] = mailbox.to("aino@example.fi")
    leave = link_in(message, "/lists/leave/")

    page.goto(leave)
    expect(h1(page)).to_have_text(t(language, "Leave the list %(name)s", name=sote.name))
    audit.check("leave a list")
    page.get_by_role("button", name=t(language, "Remove me from this list")).click()
    expect(h1(page)).to_have_text(t(language, "You left the list"))
    audit.check("left a list")

    sign_in(page, organiser, language)
    page.get_by_role("link", name=t(language, "Lists"), exact=True).click()
    expect(h1(page)).to_have_text(t(language, "Lists"))
    audit.check("lists")
    page.get_by_role("link", name=t(language, "New list")).click()
    page.get_by_role("button", name=t(language, "Make the list")).click()
    expect_errors(page, language)
    audit.check("new list with errors")

    page.goto(f"/organiser/lists/{sote.id}")
    expect(h1(page)).to_have_text(sote.name)
    audit.check("a list's members and who left")
    page.get_by_role("link", name=t(language, "Add people")).first.click()
    page.get_by_label(t(language, "Paste the addresses")).fill("Cecilia; cecilia@@example.fi")
    page.get_by_role("button", name=t(language, "Add to the list")).click()
    expect_errors(page, language)
    audit.check("add people with a problem line")
    page.get_by_role("link", name=t(language, "Name and purpose")).click()
    audit.check("a list's name and purpose")
    page.get_by_role("link", name=t(language, "Invite the list")).click()
    audit.check("invite a list")
    page.get_by_role("button", name=t(language, "Invite everyone on the list")).click()
    expect_errors(page, language)
    audit.check("invite a list with errors")
    page.get_by_role("link", name=t(language, "Who may use it")).click()
    page.get_by_label(t(language, "Email address of the organiser")).fill("co@example.fi")
    page.get_by_role("button", name=t(language, "Add"), exact=True).click()
    expect(page.get_by_text("Co Organiser (co@example.fi)")).to_be_visible()
    audit.check("a list's sharing")
    page.get_by_role("link", name=t(language, "Delete the list")).click()
    audit.check("delete a list")

    db.session.rollback()  # what the server wrote since
    [bertil] = lists.members_page(sote, search="Bertil", page=1).items
    page.goto(f"/organiser/lists/{sote.id}/members/{bertil.id}")
    page.get_by_label(t(language, "Name"), exact=True).fill("")
    page.get_by_role("button", name=t(language, "Save"), exact=True).click()
    expect_errors(page, language)
    audit.check("edit a list member with errors")
    page.goto(f"/organiser/lists/{sote.id}/members/{bertil.id}/remove")
    audit.check("remove a list member")

    page.set_viewport_size({"width": SMALLEST_WIDTH, "height": 640})
    for path in [
        "/organiser/lists/",
        f"/organiser/lists/{sote.id}",
        f"/organiser/lists/{sote.id}/add",
    ]:
        page.goto(path)
        assert overflows(page) <= 0, f"{path} scrolls sideways at {SMALLEST_WIDTH} px"

    audit.assert_clean()


def test_calendar_pages_have_no_axe_violations(page: Page, audit, language, organiser, make_event):
    """The month and year views (with filters, and with errors), and the embed, which
    must also reflow at 320 px like every page."""
    from app.models import Series
    from tests.browser.test_layout import SMALLEST_WIDTH, overflows

    event = make_event(
        organiser,
        title="Järjestöjen kevätpäivä Hämeenlinnassa",
        region="Kanta-Häme",
        themes=["Mielenterveys"],
        starts_in=timedelta(days=3),
    )
    cancelled = make_event(organiser, title="Peruttu iltapäivä", starts_in=timedelta(days=4))
    meeting = make_event(organiser, title="Sote-ryhmä", starts_in=timedelta(days=5))
    with write_beside_server():
        series = Series(slug="sote-ryhma", title="Järjestöjen sote-ryhmä", language="fi")
        db.session.add(series)
        db.session.flush()
        meeting.series_id = series.id
        cancel_event(cancelled)
    month = clock.to_local(event.starts_at).strftime("%Y-%m")

    page.goto(f"/calendar?month={month}")
    expect(page.get_by_role("link", name=event.title)).to_be_visible()
    audit.check("calendar, a month")
    page.get_by_label(t(language, "Wellbeing services county")).select_option("Kanta-Häme")
    page.get_by_role("button", name=t(language, "Show")).click()
    expect(page).to_have_url(re.compile("region=Kanta-H"))
    audit.check("calendar, a month filtered by region")
    page.set_viewport_size({"width": SMALLEST_WIDTH, "height": 640})
    assert overflows(page) <= 0, "the calendar scrolls sideways at 320 px"
    page.set_viewport_size({"width": 1280, "height": 800})

    page.goto(f"/calendar?month=9999-99&region=Atlantis&theme={'x' * 300}")
    expect_errors(page, language)
    audit.check("calendar with errors")

    page.goto(f"/calendar/{clock.to_local(event.starts_at).year}")
    audit.check("calendar, the annual calendar")
    page.set_viewport_size({"width": SMALLEST_WIDTH, "height": 640})
    assert overflows(page) <= 0, "the annual calendar scrolls sideways at 320 px"
    page.set_viewport_size({"width": 1280, "height": 800})

    page.goto(f"/calendar/embed?lang={language}")
    expect(page.get_by_role("link", name=re.compile(event.title))).to_be_visible()
    audit.check("calendar embed")

    audit.assert_clean()


def test_approval_pages_have_no_axe_violations(page: Page, audit, language, organiser, make_event):
    """A sign-up waiting for approval, its manage page, and the organisers' approvals page."""
    event = make_event(
        organiser,
        title="Vertaisohjaajien koulutus",
        capacity=1,
        requires_approval=True,
        questions=[COFFEE_QUESTION, DIET_QUESTION],
    )
    page.goto(f"/events/{event.slug}/register")
    page.get_by_label(t(language, "Full name")).fill("Sara Löyttyjärvi")
    page.get_by_label(t(language, "Email address")).fill("sara@example.fi")
    page.get_by_label(t(language, "Yes"), exact=True).check()
    page.get_by_label(
        t(
            language,
            "I have read the privacy notice, and my details may be used to organise this event",
        )
    ).check()
    page.get_by_role("button", name=t(language, "Send")).click()
    expect(h1(page)).to_have_text(t(language, "Your sign-up is waiting for approval"))
    audit.check("sign-up awaiting approval")

    with write_beside_server():
        sara = db.session.scalars(sa.select(Registration)).one()
        token = services.issue_manage_link_token(sara)
    page.goto(f"/manage/{token}")
    expect(
        page.get_by_text(t(language, "Waiting for the organisers' approval: no place yet"))
    ).to_be_visible()
    audit.check("manage page, awaiting approval")
    page.get_by_role("link", name=t(language, "Cancel my registration")).click()
    audit.check("cancel a sign-up awaiting approval, confirm")

    with write_beside_server():
        for name in ("Pekka Virtanen", "Aino Mäkinen"):
            services.register_for_event(
                event,
                name=name,
                email=f"{name.split()[0].lower()}@example.fi",
                organisation="Hämeen Setlementti ry",
                answers={event.questions[0].id: True},
                locale=language,
            )
    sign_in(page, organiser, language)
    page.goto(f"/organiser/events/{event.id}")
    audit.check("event overview with sign-ups awaiting approval")
    page.get_by_role("link", name=t(language, "Approvals"), exact=True).click()
    expect(h1(page)).to_have_text(t(language, "Sign-ups awaiting approval"))
    audit.check("approvals")
    screenshot(page, f"approvals-{language}")

    page.get_by_role("button", name=t(language, "Approve the chosen")).click()
    expect_errors(page, language)
    audit.check("approvals with errors")

    page.get_by_role("checkbox").nth(1).check()  # Pekka's first, then Aino's
    page.get_by_label(t(language, "Message to the people you decide on")).fill("Tervetuloa!")
    page.get_by_role("button", name=t(language, "Approve the chosen")).click()
    expect(
        page.get_by_text(
            t(
                language,
                "%(num)d person approved: they have a place, and are told so by email.",
                num=1,
            )
        )
    ).to_be_visible()
    audit.check("approvals after approving one")

    page.goto(f"/organiser/events/{event.id}/attendees")
    audit.check("attendees of an event with approval")

    audit.assert_clean()


def test_follow_up_pages_have_no_axe_violations(page: Page, audit, language, organiser, make_event):
    """The follow-up messages and the materials (empty, with errors, written and listed),
    the event overview's line about them, and a person's own materials page."""
    from app.followup.access import issue_materials_token
    from tests.followup_files import PDF

    event = make_event(organiser, title="Järjestöjen kevätpäivä", starts_in=timedelta(days=2))
    with write_beside_server():
        sara = services.register_for_event(
            event,
            name="Sara Löyttyjärvi",
            email="sara@example.fi",
            organisation="",
            answers={},
            locale=language,
        ).registration
        sara.attended = True
    sign_in(page, organiser, language)
    page.goto(f"/organiser/events/{event.id}")
    audit.check("event overview with the follow-up line")
    page.get_by_role("link", name=t(language, "Follow-up and materials")).first.click()
    expect(h1(page)).to_have_text(t(language, "Follow-up messages"))
    audit.check("follow-up messages, none written")
    page.get_by_role("button", name=t(language, "Schedule the messages")).click()
    expect_errors(page, language)
    audit.check("follow-up messages with errors")

    page.get_by_role("link", name=t(language, "Materials"), exact=True).click()
    audit.check("materials, none added")
    page.get_by_role("button", name=t(language, "Add the file")).click()
    expect_errors(page, language)
    audit.check("materials with errors")
    page.get_by_label(t(language, "Title of the file")).fill("Diat")
    page.get_by_label(t(language, "File"), exact=True).set_input_files(
        files=[{"name": "diat.pdf", "mimeType": "application/pdf", "buffer": PDF}]
    )
    page.get_by_role("button", name=t(language, "Add the file")).click()
    page.get_by_label(t(language, "Title of the link")).fill("Tallenne")
    page.get_by_label(t(language, "Web address")).fill("https://video.example.fi/kevatpaiva")
    page.get_by_role("button", name=t(language, "Add the link")).click()
    expect(page.get_by_text(t(language, "The link was added."))).to_be_visible()
    audit.check("materials, a file and a link")
    assert reflows_to_320(page)

    page.get_by_role("link", name=t(language, "Follow-up messages"), exact=True).click()
    subject = f"{t(language, 'Subject')} {t(language, '(optional)')}"
    message = f"{t(language, 'Message')} {t(language, '(optional)')}"
    page.get_by_label(subject, exact=True).first.fill("Kiitos osallistumisesta")
    page.get_by_label(message, exact=True).first.fill("Kiitos, että tulit!")
    page.get_by_role("button", name=t(language, "Schedule the messages")).click()
    expect(page.locator(".mail-text")).to_have_count(1)
    audit.check("follow-up messages, scheduled, with a preview")
    assert reflows_to_320(page)

    with write_beside_server():
        token = issue_materials_token(db.session.get(Registration, sara.id))
    page.goto(f"/materials/{token}")
    audit.check("a person's materials")
    assert reflows_to_320(page)
    page.goto("/materials/" + "A" * 43)
    audit.check("a wrong materials link")


def test_period_report_pages_have_no_axe_violations(
    page: Page, audit, language, organiser, make_event, make_organiser
):
    """The report for a period: this year's, narrowed by dates and region (it must reflow
    at 320 px), and with an error in a date."""
    from tests.report_scenario import build

    scenario = build(make_event, organiser, make_organiser(email="eeva@example.fi"))
    sign_in(page, organiser, language)
    page.goto("/organiser/reports")
    expect(h1(page)).to_have_text(t(language, "Report for a period"))
    audit.check("the report for a period, this year")
    page.get_by_label(t(language, "First day")).fill(f"{scenario.first_day:%-d.%-m.%Y}")
    page.get_by_label(t(language, "Last day")).fill(f"{scenario.last_day:%-d.%-m.%Y}")
    page.get_by_label(t(language, "Wellbeing services county of the event")).select_option(
        "Kanta-Häme"
    )
    page.get_by_role("button", name=t(language, "Show")).click()
    expect(page).to_have_url(re.compile("region=Kanta-H"))
    audit.check("the report for a period, narrowed")
    screenshot(page, f"period-report-{language}")
    assert reflows_to_320(page), "the period report scrolls sideways at 320 px"
    page.goto("/organiser/reports?first_day=31.2.2026&last_day=1.1.2026")
    expect_errors(page, language)
    audit.check("the report for a period with an error in a date")

    audit.assert_clean()


def test_event_overview_charts_and_region_pages_have_no_axe_violations(
    page: Page, audit, language, organiser, make_event
):
    """The sign-up form that asks the person's county (and with its errors), and the event
    overview with its charts and their tables: a hybrid event's four; both at 320 px too."""
    event = make_event(
        organiser,
        title="Hyvinvointi ja sote Kanta-Hämeessä",
        capacity=40,
        format=EventFormat.HYBRID,
        online_capacity=100,
        asks_region=True,
    )
    page.goto(f"/events/{event.slug}/register")
    expect(
        page.get_by_label(
            t(language, "Wellbeing services county") + " " + t(language, "(optional)")
        )
    ).to_be_visible()
    audit.check("sign-up form asking the county")
    assert reflows_to_320(page)
    page.get_by_role("button", name=t(language, "Send")).click()
    expect_errors(page, language)
    audit.check("sign-up form asking the county, with errors")

    with write_beside_server():
        for n, region in enumerate(["Kanta-Häme", "Pirkanmaa", "Kanta-Häme", ""]):
            services.register_for_event(
                event,
                name=f"Osallistuja {n}",
                email=f"osallistuja{n}@example.fi",
                organisation=["Hämeen Setlementti ry", "Folkhälsan i Tavastland"][n % 2],
                answers={},
                locale=language,
                mode=[ParticipationMode.IN_PERSON, ParticipationMode.ONLINE][n % 2],
                region=region,
            )
    sign_in(page, organiser, language)
    page.goto(f"/organiser/events/{event.id}")
    expect(page.get_by_role("img")).to_have_count(4)
    audit.check("event overview with charts")
    screenshot(page, f"event-charts-{language}")
    assert reflows_to_320(page)


def feedback_ready(make_event, organiser, language: str, *, anonymous=False):
    """An event of a series, ended, with feedback on (a yes/no question of the organiser's
    own) and sent: Sara's raw link to her feedback form, and the event."""
    from app.feedback import settings as feedback_settings
    from app.models import FeedbackAudience, FeedbackQuestionKind, Series, TokenPurpose
    from app.tokens import issue_token

    event = make_event(organiser, title="Järjestöjen sote-ryhmä", contact_email="info@example.fi")
    with write_beside_server():
        series = Series(slug="sote-ryhma", title="Järjestöjen sote-ryhmä", language="fi")
        db.session.add(series)
        db.session.flush()
        event.series_id = series.id
        sara = services.register_for_event(
            event,
            name="Sara Löyttyjärvi",
            email="sara@example.fi",
            organisation="",
            answers={},
            locale=language,
        ).registration_id
        db.session.commit()
    sends_at, closes_at = feedback_settings.default_times(event)
    clock.travel(sends_at + timedelta(minutes=1))
    with write_beside_server():
        feedback_settings.save_settings(
            event,
            enabled=True,
            anonymous=anonymous,
            audience=FeedbackAudience.HAD_PLACE,
            sends_at=sends_at,
            closes_at=closes_at,
        )
        feedback_settings.add_question(
            event,
            kind=FeedbackQuestionKind.YES_NO,
            label="Tuletko uudestaan?",
            options=[],
            translations={},
        )
        raw = issue_token(
            TokenPurpose.FEEDBACK,
            registration=db.session.get(Registration, sara),
            expires_at=closes_at + timedelta(days=30),
        )
        db.session.commit()
    return event, raw


def test_feedback_pages_have_no_axe_violations(page: Page, audit, language, organiser, make_event):
    """The organisers' feedback settings (with errors), the person's form (with errors,
    answered, closed), the results and the series' scores."""
    event, raw = feedback_ready(make_event, organiser, language)
    page.goto(f"/feedback/{raw}")
    expect(h1(page)).to_have_text(t(language, "How was it?"))
    audit.check("feedback form")
    screenshot(page, f"feedback-form-{language}")
    page.get_by_role("button", name=t(language, "Send my feedback")).click()
    expect_errors(page, language)
    audit.check("feedback form with errors")
    page.get_by_label("4", exact=True).check()
    page.get_by_label(t(language, "What would you like to tell the organisers?")).fill("Kiitos!")
    page.get_by_role("button", name=t(language, "Send my feedback")).click()
    expect(
        page.get_by_text(t(language, "Thank you! Your feedback has been saved."))
    ).to_be_visible()
    audit.check("feedback form answered, to change")

    sign_in(page, organiser, language)
    page.goto(f"/organiser/events/{event.id}")
    audit.check("event overview with feedback")
    page.get_by_role("link", name=t(language, "Feedback"), exact=True).click()
    expect(h1(page)).to_have_text(t(language, "Feedback"))
    audit.check("feedback results")
    screenshot(page, f"feedback-results-{language}")
    assert reflows_to_320(page)
    page.get_by_role("link", name=t(language, "Settings and questions")).click()
    expect(h1(page)).to_have_text(t(language, "Feedback settings"))
    audit.check("feedback settings")
    screenshot(page, f"feedback-settings-{language}")
    page.locator("#closes_at-date").fill("1.1.2001")
    page.get_by_role("button", name=t(language, "Save the settings")).click()
    expect_errors(page, language)
    audit.check("feedback settings with errors")
    page.goto(f"/organiser/events/{event.id}/feedback/settings")
    page.get_by_role("button", name=t(language, "Add the question")).click()
    expect_errors(page, language)
    audit.check("feedback question with errors")
    page.goto(f"/organiser/series/{event.series_id}/feedback")
    expect(h1(page)).to_contain_text(t(language, "Feedback of the series"))
    audit.check("feedback of a series")

    clock.travel(feedback_settings_closes(event) + timedelta(minutes=1))
    page.goto(f"/feedback/{raw}")
    expect(h1(page)).to_have_text(t(language, "The feedback form has closed"))
    audit.check("feedback form closed")

    audit.assert_clean()


def feedback_settings_closes(event):
    from app.feedback.settings import settings_of

    db.session.commit()  # a fresh read
    return settings_of(event).closes_at


def test_attendance_pages_have_no_axe_violations(
    page: Page, audit, language, organiser, make_event
):
    """After a hybrid event: its overview with the counts, the Attendance page (and with an
    error), a Teams report's upload (and a refused file) and its confirmation, the page
    after it, and the person and attendee list saying who came; the page at 320 px."""
    from app.attendees.services import mark_arrival
    from tests.test_attendance_teams import PARTICIPANTS_EN, teams_csv

    event = make_event(
        organiser,
        title="Järjestöjen sote-ryhmän tapaaminen",
        format=EventFormat.HYBRID,
        join_link="https://teams.example.invalid/l/x",
        starts_in=timedelta(hours=2),
    )
    with write_beside_server():
        people = [
            services.register_for_event(
                event,
                name=name,
                email=email,
                organisation="Hämeen Setlementti ry",
                answers={},
                locale=language,
                mode=mode,
            ).registration
            for name, email, mode in (
                ("Aino Aaltonen", "aino.aaltonen@example.fi", ParticipationMode.ONLINE),
                ("Bertil Berg", "bertil@example.fi", ParticipationMode.ONLINE),
                ("Sara Löyttyjärvi", "sara@example.fi", ParticipationMode.IN_PERSON),
            )
        ]
        mark_arrival(event, people[2].id, arrived=True, at=clock.now())
    clock.travel(event.ends_at + timedelta(hours=1))
    sign_in(page, organiser, language)
    page.goto(f"/organiser/events/{event.id}")
    audit.check("event overview after the event, with attendance")
    page.get_by_role("link", name=t(language, "Attendance"), exact=True).click()
    expect(h1(page)).to_have_text(t(language, "Attendance"))
    audit.check("attendance")
    assert reflows_to_320(page)
    screenshot(page, f"attendance-{language}")
    page.get_by_role("button", name=t(language, "Mark the ticked as attended")).click()
    expect_errors(page, language)
    audit.check("attendance with errors")

    page.get_by_role("link", name=t(language, "Upload a Teams attendance report")).click()
    audit.check("teams report upload")
    report = page.get_by_label(t(language, "Teams attendance report"))
    report.set_input_files(files=[{"name": "a.csv", "mimeType": "text/csv", "buffer": b"x,y"}])
    page.get_by_role("button", name=t(language, "Read the report")).click()
    expect_errors(page, language)
    audit.check("teams report upload, refused")
    file = {"name": "a.csv", "mimeType": "text/csv", "buffer": teams_csv(PARTICIPANTS_EN)}
    page.get_by_label(t(language, "Teams attendance report")).set_input_files(files=[file])
    page.get_by_role("button", name=t(language, "Read the report")).click()
    expect(h1(page)).to_have_text(t(language, "Confirm the Teams attendance report"))
    audit.check("teams report confirmation")
    assert reflows_to_320(page)
    page.get_by_role("button", name=t(language, "Save the attendance")).click()
    expect(h1(page)).to_have_text(t(language, "Attendance"))
    audit.check("attendance after a teams report")

    page.goto(f"/organiser/events/{event.id}/attendees/{people[0].id}")
    audit.check("a person who attended")
    page.goto(f"/organiser/events/{event.id}/attendees")
    audit.check("attendees after the event")

    audit.assert_clean()


NOT_PAGES = {
    "calendar.feed": "the calendar's iCalendar feed; tests/test_calendar.py",
    "calendar.series_feed": "a series' iCalendar feed; tests/test_calendar.py",
    "calendar.event_ics": "one event's .ics file; tests/test_calendar.py",
    "calendar.events_json": "the calendar's JSON feed; tests/test_calendar.py",
    "static": "CSS and other static files",
    "attendees.export_csv": "a CSV download of the attendees",
    "attendees.export_xlsx": "an Excel download of the attendees",
    "workshops.nominations_csv": "a CSV download of the nominations",
    "workshops.nominations_xlsx": "an Excel download of the nominations",
    "feedback.export_csv": "a CSV download of an event's feedback",
    "feedback.export_xlsx": "an Excel download of an event's feedback",
    "reports.workbook": "the period report as an Excel download (tests/test_report.py)",
    "reports.events_csv": "the period report's events as a CSV download",
    "signup.calendar": "a calendar file (.ics) of a person's place, behind their manage token",
    "signup.done_calendar": "a calendar file (.ics) for the browser that just signed up",
    "devmail.index": "the caught-mail page for developers: 404 unless debug or DEV_MAIL_PAGE",
    "devmail.show": "one caught message for developers: 404 unless debug or DEV_MAIL_PAGE",
    "devmail.html": "a caught message's HTML part, framed by devmail.show (developers only)",
    "devmail.attachment": "a caught message's attachment, a file (developers only)",
    "pages.favicon": "the site icon, an image",
    "pages.favicon_svg": "the site icon, an image",
    "pages.choose_language": "sets the language and redirects; test_language_switcher.py",
    "operations.healthz": "JSON for load balancers and monitoring; tests/test_operations.py",
    "materials.download": "a material's file, behind a person's token; tests/test_followup.py",
}
# Templates that are no page of their own: partials, the layout, emails, the dev pages.
NOT_PAGE_TEMPLATES = ("mail/", "devmail/", "base.html")
WALKS = [
    name
    for name, item in list(globals().items())
    if name.startswith("test_") and name.endswith("_have_no_axe_violations") and callable(item)
]


def page_templates() -> set[str]:
    templates = ROOT / "templates"
    names = {path.relative_to(templates).as_posix() for path in templates.rglob("*.html")}
    return {
        name
        for name in names
        if not name.startswith(NOT_PAGE_TEMPLATES) and not Path(name).name.startswith("_")
    }


def get_pages() -> set[str]:
    app = create_app({"SECRET_KEY": "routes", "SQLALCHEMY_DATABASE_URI": "sqlite://"})
    return {rule.endpoint for rule in app.url_map.iter_rules() if "GET" in rule.methods}


def require_every_walk(request, language: str) -> None:
    """Coverage is only known when every walk in this language ran in this session, in
    this file (and so in this process)."""
    selected = {item.name for item in request.session.items if item.path == request.node.path}
    missing = [name for name in WALKS if f"{name}[{language}]" not in selected]
    if missing:
        pytest.skip(f"not every axe walk in {language} was selected: {', '.join(missing)}")


def test_the_list_of_exceptions_names_real_routes(client):
    stale = set(NOT_PAGES) - get_pages()
    assert not stale, f"NOT_PAGES names routes the app no longer has: {sorted(stale)}"
    # As NOT_PAGES says: no visitor sees the dev mail pages, and choosing a language
    # shows no page of its own.
    assert client.get("/dev/mail/").status_code == 404
    chosen = client.get("/language/sv?next=/events")
    assert (chosen.status_code, chosen.location) == (303, "/events")


def test_every_page_had_an_axe_check(request, language):
    require_every_walk(request, language)
    checked = {served.endpoint for served in AUDITED[language] if served.status < 400}
    unchecked = get_pages() - set(NOT_PAGES) - checked
    assert not unchecked, (
        f"no axe check in {language} of these pages: {sorted(unchecked)}; add them to a walk "
        "in tests/browser/test_accessibility.py, or to NOT_PAGES with the reason"
    )


def test_every_page_template_had_an_axe_check(request, language):
    """Pages that only some states show (closed, refused, errors) have templates of their own."""
    require_every_walk(request, language)
    checked = {name for served in AUDITED[language] for name in served.templates}
    unchecked = page_templates() - checked
    assert not unchecked, f"no axe check in {language} of a page made by: {sorted(unchecked)}"
