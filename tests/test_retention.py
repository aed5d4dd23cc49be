"""Retention: N days after an event its people's personal data is erased; counts remain."""

import signal
import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.invitations import services as invitations
from app.models import (
    Answer,
    AuditAction,
    AuditEntry,
    Candidate,
    Invitation,
    Nomination,
    OutboundEmail,
    Participation,
    Registration,
    Token,
)
from app.nominations import services as nominations
from app.organiser.services import QuestionDetails
from tests.conftest import DIET_QUESTION, deliver_mail, link_in, sign_up, submit, text_of


@pytest.fixture
def past_event(app, client, make_event, mailbox, make_organiser):
    """An event of two weeks from now with three people, one waiting; mail delivered."""
    owner = make_organiser(email="olli@example.fi")
    event = make_event(owner, capacity=2, questions=[QuestionDetails(id=None, **DIET_QUESTION)])
    diet = f"q_{event.questions[0].id}"
    for name, email in [("Sara Löyttyjärvi", "sara@example.fi"), ("Pekka P", "pekka@example.fi")]:
        sign_up(client, event, name=name, email=email, **{diet: "gluteeniton"})
    sign_up(client, event, name="Aino Waiting", email="aino@example.fi")
    deliver_mail(app)
    event.owner = owner
    return event


def travel_past_retention(event, days_more=1):
    clock.travel(event.ends_at + timedelta(days=event.retention_days + days_more))


def count(model, event) -> int:
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(model).where(model.event_id == event.id)
    )


def test_a_dry_run_shows_what_would_go_and_changes_nothing(runner, past_event):
    travel_past_retention(past_event)

    result = runner.invoke(args=["privacy", "purge", "--dry-run"])

    assert result.exit_code == 0, result.output
    assert f"Would erase: {past_event.title}" in result.output
    assert "3 registrations" in result.output and "emails" in result.output
    names = db.session.scalars(sa.select(Registration.name).order_by(Registration.id)).all()
    assert names == ["Sara Löyttyjärvi", "Pekka P", "Aino Waiting"]
    assert db.session.scalar(sa.select(sa.func.count(Answer.id))) == 3


@pytest.mark.both_databases
def test_after_the_retention_time_people_are_erased_and_only_counts_remain(
    app, client, runner, login, past_event, mailbox, backend
):
    manage = link_in(mailbox.to("sara@example.fi")[0], "/manage/")
    travel_past_retention(past_event)

    result = runner.invoke(args=["privacy", "purge"])

    assert result.exit_code == 0, result.output
    assert f"Erased: {past_event.title}" in result.output
    db.session.expire_all()
    people = db.session.scalars(sa.select(Registration)).all()
    assert {(p.name, p.email) for p in people} == {("", "")}
    # Kept for the period report (app.reports), with a keyed hash of each address.
    assert {p.organisation for p in people} == {"Hämeen Setlementti ry"}
    assert all(len(p.person_key) == 64 for p in people)
    assert db.session.scalar(sa.select(sa.func.count(Answer.id))) == 0
    assert {p.sensitive_consent_at for p in people} == {None}  # with the answers it covered
    assert db.session.scalar(sa.select(sa.func.count(Token.id))) == 0
    assert count(OutboundEmail, past_event) == 0
    assert client.get(manage).status_code == 404

    # The organiser still sees how many came, and nothing about who.
    login(past_event.owner)
    page = text_of(client.get(f"/organiser/events/{past_event.id}/attendees"))
    assert "Confirmed 2 / 2" in page and "Waiting list 1" in page
    assert "names, email addresses and answers were erased" in page
    assert "Löyttyjärvi" not in page
    export = client.get(f"/organiser/events/{past_event.id}/attendees.csv").data.decode()
    assert "sara@example.fi" not in export and "gluteeniton" not in export

    # Done once: a second run finds nothing.
    again = runner.invoke(args=["privacy", "purge"])
    assert "No event is past its retention time." in again.output


@pytest.mark.both_databases
def test_two_retention_runs_at_once_erase_an_event_once(app, past_event):
    from app.database import writing
    from app.privacy.services import run_retention

    travel_past_retention(past_event)
    with writing():
        first = run_retention(clock.now())  # erased, not yet committed
    second = {}

    def another_worker():
        with app.app_context(), writing():
            second["run"] = run_retention(clock.now())
            db.session.commit()

    thread = threading.Thread(target=another_worker)
    thread.start()
    thread.join(timeout=1)
    assert thread.is_alive(), "the second run waits for the first"
    db.session.commit()
    thread.join(timeout=30)

    assert [item.event.id for item in first.erased] == [past_event.id]
    assert second["run"].erased == []
    assert count(Registration, past_event) == 3  # kept, emptied
    assert db.session.scalar(sa.select(sa.func.count(Answer.id))) == 0


def test_an_event_still_within_its_retention_time_is_kept(runner, past_event):
    clock.travel(past_event.ends_at + timedelta(days=past_event.retention_days - 1))

    result = runner.invoke(args=["privacy", "purge"])

    assert "No event is past its retention time." in result.output
    assert db.session.scalar(sa.select(Registration.name).limit(1)) == "Sara Löyttyjärvi"


def test_the_organiser_sets_the_retention_time_on_the_event_form(client, login, past_event, runner):
    from tests.test_organiser import edit_event

    login(past_event.owner)
    response = edit_event(client, past_event.id, retention_days="14")
    assert "Your changes were saved." in text_of(response)
    public = text_of(client.get(f"/events/{past_event.slug}/privacy"))
    assert "14 days after the event" in public

    clock.travel(past_event.ends_at + timedelta(days=15))
    assert "Erased:" in runner.invoke(args=["privacy", "purge"]).output


def test_a_retention_time_out_of_range_is_refused_at_the_field(client, login, past_event):
    from tests.test_organiser import edit_event

    login(past_event.owner)
    page = edit_event(client, past_event.id, retention_days="0")
    assert "Your changes were saved." not in text_of(page)
    assert "The days the personal data is kept must be from 1 to 3650" in text_of(page)


def test_nominations_and_invitations_are_erased_too(app, runner, make_event):
    now = clock.now()
    workshop = make_event(
        participation=Participation.INVITATION,
        nominations_close_at=now + timedelta(days=5),
        starts_in=timedelta(days=20),
    )
    nominations.submit_nominations(
        workshop,
        nominator_name="Nina Nominoija",
        nominator_email="nina@example.fi",
        nominator_organisation="SOSTE ry",
        nominees=[
            nominations.NomineeDetails(
                name="Aino Aalto", email="aino@example.fi", justification="Kokemus."
            )
        ],
        locale="fi",
    )
    invitations.invite_list(
        workshop, [invitations.Invitee("Ville V", "ville@example.fi", "Oy")], send_at=None
    )
    db.session.commit()
    deliver_mail(app)
    travel_past_retention(workshop)

    result = runner.invoke(args=["privacy", "purge"])

    assert "1 nominees, 1 nominations, 1 invitations" in result.output
    db.session.expire_all()
    candidate = db.session.scalars(sa.select(Candidate)).one()
    nomination = db.session.scalars(sa.select(Nomination)).one()
    invitation = db.session.scalars(sa.select(Invitation)).one()
    assert (candidate.name, candidate.email, candidate.notes) == ("", "", "")
    assert (nomination.nominator_name, nomination.justification) == ("", "")
    assert (invitation.name, invitation.email) == ("", "")
    assert "aino" not in candidate.email_normalised


def add_audit_line(days_ago: int, detail: str) -> None:
    db.session.add(
        AuditEntry(
            created_at=clock.now() - timedelta(days=days_ago),
            actor="Olli Ylläpitäjä <olli@example.fi>",
            action=AuditAction.ERASED_PERSON,
            detail=detail,
        )
    )
    db.session.commit()


def audit_details() -> list[str]:
    return db.session.scalars(sa.select(AuditEntry.detail).order_by(AuditEntry.id)).all()


@pytest.mark.both_databases
def test_audit_log_lines_are_forgotten_after_their_own_retention_time(app, runner):
    """They name whose data an admin exported or erased: two years, not for ever."""
    assert app.config["AUDIT_LOG_RETENTION_DAYS"] == 730
    add_audit_line(731, "old@example.fi")
    add_audit_line(729, "recent@example.fi")

    dry = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert "Would forget 1 audit log lines older than 730 days." in dry.output
    assert audit_details() == ["old@example.fi", "recent@example.fi"]

    result = runner.invoke(args=["privacy", "purge"])

    assert result.exit_code == 0, result.output
    assert "Forgot 1 audit log lines older than 730 days." in result.output
    assert audit_details() == ["recent@example.fi"]
    assert "audit log" not in runner.invoke(args=["privacy", "purge"]).output


def test_the_mail_worker_runs_the_retention_purge(runner, past_event):
    saved = {sig: signal.getsignal(sig) for sig in (signal.SIGTERM, signal.SIGINT)}
    travel_past_retention(past_event)
    add_audit_line(1000, "old@example.fi")
    event_id = past_event.id  # the worker ends the session: the object goes with it
    try:
        result = runner.invoke(args=["mail", "work", "--once"])
    finally:
        for sig, handler in saved.items():
            signal.signal(sig, handler)

    assert result.exit_code == 0, result.output
    assert f"retention: erased the personal data of event {event_id}" in result.output
    assert "retention: forgot 1 old audit log lines" in result.output
    assert "old@example.fi" not in audit_details()
    assert db.session.scalar(sa.select(Registration.email).limit(1)) == ""


def test_mail_about_accounts_is_forgotten_a_month_after_it_was_queued(
    app, client, runner, make_organiser, past_event
):
    """Password resets and the requests for unknown addresses have no event whose retention
    would end them: they name a person (or anyone's address typed in), so they go too."""
    make_organiser(email="anna@example.fi")
    for email in ("anna@example.fi", "nobody@example.fi"):
        submit(client, "/login/forgot", {"email": email}, form_page="/login/forgot")
    deliver_mail(app)
    event_mail = count(OutboundEmail, past_event)
    assert event_mail and account_mail() == ["anna@example.fi", "nobody@example.fi"]

    clock.travel(clock.now() + timedelta(days=29))
    assert "account emails" not in runner.invoke(args=["privacy", "purge"]).output
    assert len(account_mail()) == 2

    clock.travel(clock.now() + timedelta(days=2))
    dry = runner.invoke(args=["privacy", "purge", "--dry-run"])
    assert "Would forget 2 account emails older than 30 days." in dry.output
    assert len(account_mail()) == 2
    result = runner.invoke(args=["privacy", "purge"])

    assert "Forgot 2 account emails older than 30 days." in result.output, result.output
    assert account_mail() == []
    assert count(OutboundEmail, past_event) == event_mail  # the event's own retention decides


def account_mail() -> list[str]:
    query = sa.select(OutboundEmail.recipient).where(OutboundEmail.event_id.is_(None))
    return sorted(db.session.scalars(query))
