"""axe-core on every kind of page, as a participant and as a signed-in organiser.

WCAG 2.0, 2.1 and 2.2 A and AA rules; any violation fails the test with the rule, what
it means and the elements it found, for every page checked.
"""

import os
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, expect

from app.models import QuestionKind
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
