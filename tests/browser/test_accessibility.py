"""axe-core on every kind of page, as a participant and as a signed-in organiser.

WCAG 2.0, 2.1 and 2.2 A and AA rules; any violation fails the test with the rule, what
it means and the elements it found, for every page checked.
"""

import os
from pathlib import Path

import pytest
import sqlalchemy as sa
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from app.extensions import db
from app.models import EmailStatus, OutboundEmail, QuestionKind
from app.organiser.services import add_co_organiser
from app.signup import services
from tests.browser.conftest import write_beside_server
from tests.conftest import COFFEE_QUESTION, DIET_QUESTION, PASSWORD

pytestmark = pytest.mark.browser

AXE_OPTIONS = {
    "runOnly": {
        "type": "tag",
        "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"],
    },
    "resultTypes": ["violations"],
}
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


# Set KUTSU_SCREENSHOTS=/tmp to keep full-page pictures of a few pages to look at.
SCREENSHOTS = os.environ.get("KUTSU_SCREENSHOTS")


def screenshot(page: Page, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=Path(SCREENSHOTS) / f"kutsu-{name}.png", full_page=True)


class AxeAudit:
    """Runs axe page after page and keeps what it found; `assert_clean` fails on any."""

    def __init__(self, page: Page):
        self.page = page
        self.axe = Axe()
        self.found: list[str] = []

    def check(self, name: str) -> None:
        results = self.axe.run(self.page, options=AXE_OPTIONS)
        for violation in results.response["violations"]:
            targets = "\n".join(
                f"      {' '.join(map(str, node['target']))}" for node in violation["nodes"]
            )
            self.found.append(
                f"{name} ({self.page.url}): {violation['id']} [{violation['impact']}] "
                f"{violation['help']}\n{targets}"
            )

    def assert_clean(self) -> None:
        report = "\n".join(self.found)
        print(report)
        assert not self.found, f"axe found {len(self.found)} violation(s):\n{report}"


@pytest.fixture
def audit(page):
    return AxeAudit(page)


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


def sign_up_in_the_background(event, name: str, email: str):
    with write_beside_server():
        coffee, diet, workshop = (question.id for question in event.questions)
        result = services.register_for_event(
            event,
            name=name,
            email=email,
            organisation="Hämeen Setlementti ry",
            answers={coffee: True, diet: "gluteeniton", workshop: "Rahoitus"},
            locale="en",
        )
    return result.registration


def sign_in(page: Page, organiser) -> None:
    page.goto("/login")
    page.get_by_label("Email address").fill(organiser.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your events")


def test_participant_pages_have_no_axe_violations(page: Page, audit, event):
    page.goto("/")
    audit.check("home page")

    page.goto(f"/events/{event.slug}")
    audit.check("event page")

    page.goto(f"/events/{event.slug}/register")
    audit.check("sign-up form")

    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    audit.check("sign-up form with errors")
    screenshot(page, "signup-errors")

    page.get_by_label("Full name").fill("Sara Löyttyjärvi")
    page.get_by_label("Email address").fill("sara@example.fi")
    page.get_by_label("Yes").check()
    page.get_by_label("Rahoitus").check()
    page.get_by_label("I have read the privacy notice").check()
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are registered")
    audit.check("done page")

    registration = sign_up_in_the_background(event, "Pekka Virtanen", "pekka@example.fi")
    with write_beside_server():
        token = services.issue_manage_link_token(registration)
    page.goto(f"/manage/{token}")
    expect(page.get_by_role("heading", level=1)).to_have_text("Your registration")
    audit.check("manage page")

    audit.assert_clean()


def test_sign_in_pages_have_no_axe_violations(page: Page, audit, organiser):
    page.goto("/login")
    audit.check("sign-in page")

    page.get_by_label("Email address").fill(organiser.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    audit.check("sign-in with errors")

    audit.assert_clean()


def test_organiser_pages_have_no_axe_violations(
    page: Page, audit, organiser, event, make_organiser
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
    registrations = [sign_up_in_the_background(event, *person) for person in people]
    with write_beside_server():
        services.cancel_registration(registrations[0])  # Aino moves up from the waiting list

    sign_in(page, organiser)
    audit.check("dashboard")

    page.goto("/organiser/events/new")
    audit.check("new event form")

    page.get_by_role("button", name="Save as draft").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    audit.check("event form with errors")

    page.goto(f"/organiser/events/{event.id}")
    audit.check("event overview")

    page.goto(f"/organiser/events/{event.id}/edit")
    audit.check("edit event form with questions")

    page.goto(f"/organiser/events/{event.id}/attendees")
    expect(page.get_by_role("table").first.get_by_role("row")).to_have_count(5)
    audit.check("attendees")
    screenshot(page, "attendees")

    page.goto(f"/organiser/events/{event.id}/organisers")
    audit.check("co-organisers")

    page.get_by_label("Email address").fill("nobody@example.fi")
    page.get_by_role("button", name="Add").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    audit.check("co-organisers with errors")

    audit.assert_clean()


def test_message_and_outbox_pages_have_no_axe_violations(page: Page, audit, organiser, event):
    for name, email in [
        ("Sara Löyttyjärvi", "sara@example.fi"),
        ("Pekka Virtanen", "pekka@example.fi"),
        ("Aino Mäkinen", "aino@example.fi"),
    ]:
        sign_up_in_the_background(event, name, email)
    sign_in(page, organiser)

    page.goto(f"/organiser/events/{event.id}/messages")
    audit.check("messages, none yet")

    page.get_by_role("link", name="Write a message").click()
    audit.check("message form")

    page.get_by_role("button", name="Preview the message").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    audit.check("message form with errors")
    screenshot(page, "message-errors")

    page.get_by_label("People with a confirmed place (2)").check()
    page.get_by_label("Subject").fill("Ohjelma on valmis")
    page.get_by_label("Message").fill("Hei!\n\nOhjelma alkaa klo 9.00.\nTervetuloa!")
    page.get_by_label("Now").check()
    page.get_by_role("button", name="Preview the message").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your message")
    audit.check("message preview")
    screenshot(page, "message-preview")

    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Your message is being sent to 2 people.")).to_be_visible()
    audit.check("messages with a message")
    screenshot(page, "messages")

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
    expect(page.get_by_role("button", name="Retry the email to pekka@example.fi")).to_be_visible()
    audit.check("outbox with a failed message")
    screenshot(page, "outbox")

    audit.assert_clean()


@pytest.fixture
def nomination_workshop(make_event, organiser):
    from datetime import timedelta

    from app import clock
    from app.models import Participation

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


def test_nomination_pages_have_no_axe_violations(page: Page, audit, nomination_workshop):
    page.goto("/")
    audit.check("home page with a workshop")

    page.goto(f"/events/{nomination_workshop.slug}")
    audit.check("workshop page")

    page.get_by_role("link", name="Nominate participants").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Nominate participants")
    audit.check("nomination form")

    page.get_by_role("button", name="Send nominations").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    audit.check("nomination form with errors")
    screenshot(page, "nomination-errors")

    page.locator("#name").fill("Nina Nominator")
    page.locator("#email").fill("nina@soste.example")
    page.locator("#organisation").fill("SOSTE ry")
    page.locator("#nominees-0-name").fill("Aino Aalto")
    page.locator("#nominees-0-email").fill("aino@example.fi")
    page.locator("#nominees-0-region").select_option("Kanta-Häme")
    page.locator("#nominees-0-justification").fill("Pitkä kokemus järjestötyöstä.")
    page.get_by_role("button", name="Add another nominee").click()
    expect(page.locator("fieldset.question-block")).to_have_count(2)
    audit.check("nomination form with two nominees")
    screenshot(page, "nomination-two")

    page.locator("#nominees-1-name").fill("Bertta Berg")
    page.locator("#nominees-1-email").fill("bertta@example.fi")
    page.locator("#nominees-1-justification").fill("Asiantuntija.")
    page.locator("#confirm").check()
    page.get_by_role("button", name="Send nominations").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you for your nominations")
    audit.check("nomination thank-you page")

    audit.assert_clean()


def test_workshop_review_and_invitation_pages_have_no_axe_violations(
    page: Page, audit, organiser, make_event
):
    from datetime import timedelta

    from app import clock
    from app.invitations import services as invitations
    from app.models import InvitationStatus, NominationStatus, Participation
    from app.nominations import services as nominations

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
                locale="en",
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
            aino_invitation, name="Aino Aalto", organisation="Oma ry", answers={}, locale="en"
        )
        cecilia_invitation.status = InvitationStatus.DECLINED
        cecilia_invitation.decline_reason = "Lomalla"

    sign_in(page, organiser)
    page.goto(f"/organiser/events/{workshop.id}/edit")
    audit.check("workshop event form")
    screenshot(page, "workshop-form")

    page.get_by_label("Reply by").fill("2000-01-01T12:00")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    audit.check("workshop event form with errors")

    page.goto(f"/organiser/events/{workshop.id}/nominations")
    for summary in page.locator("summary").all():
        summary.click()  # open the counts per organisation and per region
    audit.check("nominations")
    screenshot(page, "nominations")

    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    audit.check("nominations with errors")

    page.get_by_label("Tick Daniel Dahl").check()
    page.get_by_label("New status for the ticked nominees").select_option("shortlisted")
    page.get_by_role("button", name="Apply").click()
    expect(page.get_by_text("1 nominee is now: Shortlisted.")).to_be_visible()
    page.get_by_label("Status", exact=True).select_option("shortlisted")
    page.get_by_role("button", name="Filter").click()
    audit.check("nominations, filtered")

    page.goto(f"/organiser/events/{workshop.id}/nominations/{aino.id}")
    audit.check("nominee")
    screenshot(page, "nominee")

    page.goto(f"/organiser/events/{workshop.id}/invitations")
    audit.check("invitations")
    screenshot(page, "invitations")

    page.get_by_role("link", name="Invite from a list").last.click()
    audit.check("invite from a list")
    page.get_by_label("Paste the addresses").fill("Eero; eero@example.fi\nnot an address")
    page.get_by_role("button", name="Invite everyone on the list").click()
    expect(page.get_by_text("Line 2: no email address")).to_be_visible()
    audit.check("invite from a list with errors")
    screenshot(page, "invite-list-errors")

    page.goto(f"/organiser/events/{workshop.id}/invitations/not-selected")
    audit.check("not selected, confirm")

    page.goto(f"/organiser/events/{workshop.id}/attendees")
    expect(page.get_by_role("columnheader", name="Way in")).to_be_visible()
    audit.check("workshop attendees")

    clock.travel(workshop.reply_by + timedelta(minutes=1))
    page.goto(f"/organiser/events/{workshop.id}/invitations")
    expect(page.get_by_role("heading", name="No reply by the reply-by date")).to_be_visible()
    audit.check("invitations after the reply-by date")

    audit.assert_clean()
