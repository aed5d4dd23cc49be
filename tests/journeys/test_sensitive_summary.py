"""The attendee page's summary counts the answers to a sensitive question; what people
wrote there is shown only when the organiser asks for it, and the asking is in the audit
log."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditAction, AuditEntry, QuestionKind
from tests.conftest import PASSWORD
from tests.journeys.conftest import Kutsu, page_text

pytestmark = pytest.mark.both_databases

DIET = {"label": "Erityisruokavalio", "kind": QuestionKind.SHORT_TEXT, "sensitive": True}
ROOM = {"label": "Toive salista", "kind": QuestionKind.SHORT_TEXT}


def test_summary_shows_sensitive_answers_only_when_asked_and_audits_the_ask(
    kutsu: Kutsu, make_event, make_organiser
):
    olli = make_organiser(email="olli@example.fi", name="Olli Organiser")
    event = make_event(olli, title="Verkostokokous", questions=[DIET, ROOM])
    diet, room = (question.id for question in event.questions)
    for name, food in (("Aino Aalto", "keliakia"), ("Bertta Berg", "vegaani")):
        answer = kutsu.visitor().submit(
            f"/events/{event.slug}/register",
            {
                "name": name,
                "email": f"{name.split()[0].lower()}@example.fi",
                "consent": "y",
                "sensitive_consent": "y",
                f"q_{diet}": food,
                f"q_{room}": "iso sali",
            },
        )
        assert "You are registered" in page_text(answer.text)

    organiser = kutsu.visitor()
    organiser.sign_in("olli@example.fi", PASSWORD)
    page = organiser.get(f"/organiser/events/{event.id}/attendees")
    assert page.status_code == 200
    shown = page_text(page.text)
    assert "keliakia" not in shown and "vegaani" not in shown
    assert "2 people answered. Show the answers" in shown
    assert "iso sali (2)" in shown  # a question that is not sensitive: as written
    assert audited_views(event.id) == [""]

    page = organiser.get(f"/organiser/events/{event.id}/attendees?sensitive=1")
    shown = page_text(page.text)
    assert "keliakia" in shown and "vegaani" in shown
    assert "people answered" not in shown
    assert audited_views(event.id) == ["", "sensitive"]


def audited_views(event_id: int) -> list[str]:
    db.session.rollback()  # a fresh look at what the server wrote
    return list(
        db.session.scalars(
            sa.select(AuditEntry.detail)
            .where(
                AuditEntry.event_id == event_id,
                AuditEntry.action == AuditAction.VIEWED_ATTENDEES,
            )
            .order_by(AuditEntry.id)
        )
    )
