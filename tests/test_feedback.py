"""Feedback after an event: the organisers' settings, the personal form reached from its
mail (one response per person, changeable until it closes), anonymity that leaves no link
to the person in the database, the results and their export, and forgetting."""

import csv
import io
import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.accounts.services import add_co_organiser
from app.extensions import db
from app.feedback import services, settings
from app.feedback.sending import plan_due_feedback, recipients
from app.models import (
    AuditAction,
    AuditEntry,
    EmailStatus,
    FeedbackAudience,
    FeedbackQuestionKind,
    FeedbackResponse,
    FeedbackSettings,
    OrganiserRole,
    OutboundEmail,
    Registration,
    Token,
    TokenPurpose,
)
from app.privacy.services import erase_person, run_retention
from tests.conftest import (
    Mailbox,
    csrf_token_in,
    deliver_mail,
    link_in,
    sign_up,
    submit,
    text_of,
    typed_at,
)

BOTH = pytest.mark.both_databases
PEOPLE = [
    ("Sara Löyttyjärvi", "sara@example.fi", "fi"),
    ("Pekka Perälä", "pekka@example.fi", "sv"),
    ("Aino Aalto", "aino@example.fi", "en"),
]


@pytest.fixture
def event(app, client, make_event, make_organiser, mailbox):
    """An event two weeks ahead with three people; Sara and Pekka are later marked
    attended, Aino not."""
    owner = make_organiser(email="olli@example.fi")
    event = make_event(owner)
    for name, email, locale in PEOPLE:
        client.set_cookie("kutsu_language", locale)
        sign_up(client, event, name=name, email=email)
    client.delete_cookie("kutsu_language")
    deliver_mail(app)
    mailbox.clear()
    event.owner = owner
    return event


def mark_attended(event, emails=("sara@example.fi", "pekka@example.fi")) -> None:
    db.session.execute(
        sa.update(Registration)
        .where(Registration.event_id == event.id)
        .values(attended=Registration.email.in_(emails))
    )
    db.session.commit()


def turn_on(event, *, anonymous=False, questions=()) -> FeedbackSettings:
    sends_at, closes_at = settings.default_times(event)
    stored = settings.save_settings(
        event,
        enabled=True,
        anonymous=anonymous,
        audience=FeedbackAudience.ATTENDED,
        sends_at=sends_at,
        closes_at=closes_at,
    )
    for kind, label, options in questions:
        settings.add_question(event, kind=kind, label=label, options=options, translations={})
    db.session.commit()
    return stored


def send_when_due(app, event) -> int:
    clock.travel(settings.default_times(event)[0] + timedelta(minutes=1))
    planned = plan_due_feedback()
    deliver_mail(app)
    return planned


def link_of(mailbox, address) -> str:
    return link_in(mailbox.to(address)[-1], "/feedback/")


def answer(client, link, *, follow=False, **data):
    return submit(client, link, {"score": "4", **data}, follow_redirects=follow)


def responses() -> list[FeedbackResponse]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(FeedbackResponse).order_by(FeedbackResponse.id)))


# --- defaults and settings ---------------------------------------------------------------------


def test_the_form_is_sent_the_next_morning_at_nine_and_closes_two_weeks_later(app, make_event):
    event = make_event()
    event.ends_at = datetime(2027, 3, 17, 16, 0, tzinfo=UTC)  # 18.00 in Helsinki
    sends_at, closes_at = settings.default_times(event)
    assert clock.to_local(sends_at).replace(tzinfo=None) == datetime(2027, 3, 18, 9, 0)
    assert closes_at - sends_at == timedelta(days=14)


def test_the_organiser_turns_feedback_on_with_a_question_of_their_own(client, login, event):
    login(event.owner)
    page = client.get(f"/organiser/events/{event.id}/feedback/settings")
    assert page.status_code == 200
    assert page.headers["Cache-Control"] == "no-store"
    assert "attendance has been marked yet" in text_of(page)
    local_send = clock.to_local(event.ends_at + timedelta(days=1)).replace(tzinfo=None)
    saved = submit(
        client,
        f"/organiser/events/{event.id}/feedback/settings",
        {
            "enabled": "y",
            "anonymous": "yes",
            "audience": "had_place",
            **typed_at("sends_at", local_send),
            **typed_at("closes_at", local_send + timedelta(days=7)),
        },
        follow_redirects=True,
    )
    assert "The feedback settings have been saved." in text_of(saved)
    added = submit(
        client,
        f"/organiser/events/{event.id}/feedback/questions",
        {
            "question-label": "Mikä oli parasta?",
            "question-kind": "single_choice",
            "question-options": "Puheenvuorot\nKeskustelu",
            "question-text_sv-label": "Vad var bäst?",
            "question-text_sv-options": "Talen\nDiskussionen",
        },
        form_page=f"/organiser/events/{event.id}/feedback/settings",
        follow_redirects=True,
    )
    assert "The question has been added." in text_of(added)
    db.session.expire_all()
    stored = db.session.get(FeedbackSettings, event.id)
    assert stored.enabled and stored.anonymous
    assert stored.audience == FeedbackAudience.HAD_PLACE
    assert stored.questions == [
        {
            "id": 1,
            "kind": "single_choice",
            "label": "Mikä oli parasta?",
            "options": ["Puheenvuorot", "Keskustelu"],
            "translations": {
                "sv": {"label": "Vad var bäst?", "options": ["Talen", "Diskussionen"]}
            },
        }
    ]


def test_settings_with_errors_say_so_and_keep_what_was_typed(client, login, event):
    login(event.owner)
    page = submit(
        client,
        f"/organiser/events/{event.id}/feedback/settings",
        {
            "enabled": "y",
            "anonymous": "no",
            "audience": "attended",
            "sends_at-date": "1.1.2001",
            "sends_at-time": "9.00",
            "closes_at-date": "nonsense",
            "closes_at-time": "9.00",
        },
    )
    shown = text_of(page)
    assert page.status_code == 200
    assert shown.startswith("Error:")
    assert "The form can be sent only after the event has ended" in shown
    assert 'value="nonsense"' in page.get_data(as_text=True)
    assert db.session.get(FeedbackSettings, event.id) is None


@pytest.mark.parametrize("role", [None, OrganiserRole.HELPER])
def test_a_check_in_helper_and_other_organisers_see_no_feedback(
    client, login, event, make_organiser, role
):
    other = make_organiser(email="other@example.fi")
    if role is not None:
        add_co_organiser(event, other.email, role)
        db.session.commit()
    login(other)
    for path in ("feedback", "feedback/settings", "feedback.csv", "feedback.xlsx"):
        assert client.get(f"/organiser/events/{event.id}/{path}").status_code == 404


def test_a_co_organiser_sees_the_results_and_the_overview_says_how_it_went(
    app, client, login, event, mailbox, make_organiser
):
    colleague = make_organiser(email="colleague@example.fi")
    add_co_organiser(event, colleague.email)
    db.session.commit()
    login(colleague)
    overview = text_of(client.get(f"/organiser/events/{event.id}"))
    assert "Ask for feedback after the event" in overview
    turn_on(event)
    mark_attended(event)
    send_when_due(app, event)
    answer(client, link_of(mailbox, "sara@example.fi"), score="5")
    login(colleague)
    overview = text_of(client.get(f"/organiser/events/{event.id}"))
    assert "Feedback: 1 answer, average score 5.0" in overview
    assert client.get(f"/organiser/events/{event.id}/feedback").status_code == 200


def test_a_series_shows_its_meetings_average_scores_side_by_side(client, login, make_occurrences):
    series, meetings = make_occurrences(3)
    for meeting, scores in zip(meetings, ([5, 4], [2], []), strict=True):
        for score in scores:
            db.session.add(FeedbackResponse(event_id=meeting.id, score=score, answers={}))
    db.session.commit()
    login(meetings[0].organiser_links[0].organiser)
    assert "Feedback of the meetings side by side" in text_of(
        client.get(f"/organiser/series/{series.id}")
    )
    page = text_of(client.get(f"/organiser/series/{series.id}/feedback"))
    assert "Average score of each meeting, from 1 to 5" in page
    rows = page.split("Feedback of each meeting")[1].split(" Privacy")[0]
    # Each meeting's time, then its answers, average score and share recommending.
    assert re.findall(r"\d\d:\d\d ([\d–]+) ([\d.–]+) ([\d %–]+?)(?= \w{3} |$)", rows) == [
        ("2", "4.5", "–"),
        ("1", "2.0", "–"),
        ("0", "–", "–"),
    ]
    assert client.get(f"/organiser/series/{series.id + 1}/feedback").status_code == 404


# --- sending and answering ---------------------------------------------------------------------


@BOTH
def test_the_form_goes_when_due_to_those_marked_attended_each_once(app, event, mailbox):
    turn_on(event)
    mark_attended(event)
    clock.travel(event.ends_at + timedelta(hours=1))
    assert plan_due_feedback() == 0  # not yet: the next morning
    assert send_when_due(app, event) == 2
    assert plan_due_feedback() == 0
    assert {m["To"] for m in mailbox.messages} == {"sara@example.fi", "pekka@example.fi"}
    swedish = mailbox.to("pekka@example.fi")[0]
    assert swedish["Subject"].startswith("Hur var det?")  # in Pekka's own language
    assert "/feedback/" in Mailbox.text(swedish)
    assert db.session.get(FeedbackSettings, event.id).asked == 2


@BOTH
def test_a_form_for_those_attended_waits_until_attendance_is_marked(app, event, mailbox):
    turn_on(event)
    assert send_when_due(app, event) == 0
    assert db.session.get(FeedbackSettings, event.id).planned_at is None
    assert mailbox.messages == []
    mark_attended(event, emails=("aino@example.fi",))
    assert plan_due_feedback() == 1
    deliver_mail(app)
    assert [m["To"] for m in mailbox.messages] == ["aino@example.fi"]


def test_a_form_never_goes_before_the_event_has_ended(app, event):
    turn_on(event)
    mark_attended(event)
    event.ends_at += timedelta(days=7)  # moved later after feedback was set
    event.starts_at += timedelta(days=7)
    db.session.commit()
    clock.travel(db.session.get(FeedbackSettings, event.id).sends_at + timedelta(hours=1))
    assert plan_due_feedback() == 0
    clock.travel(event.ends_at)
    assert plan_due_feedback() == 2


@BOTH
def test_everyone_who_had_a_place_when_attendance_is_not_marked(app, event):
    turn_on(event)
    db.session.get(FeedbackSettings, event.id).audience = FeedbackAudience.HAD_PLACE
    db.session.commit()
    assert len(recipients(db.session.get(FeedbackSettings, event.id))) == 3


@BOTH
def test_one_response_per_person_changeable_until_it_closes(app, client, event, mailbox):
    turn_on(event, questions=[(FeedbackQuestionKind.YES_NO, "Tuletko uudestaan?", [])])
    mark_attended(event)
    send_when_due(app, event)
    link = link_of(mailbox, "sara@example.fi")
    sent = answer(client, link, would_recommend="yes", comment="Hyvä päivä", q_1="yes")
    assert sent.status_code == 303
    changed = answer(client, link, score="5", comment="Erinomainen päivä", follow=True)
    assert "Erinomainen päivä" in changed.get_data(as_text=True)
    [response] = responses()
    assert (response.score, response.comment) == (5, "Erinomainen päivä")
    assert response.registration.email == "sara@example.fi"
    assert response.answers == {}  # the change left the question unanswered
    csrf = csrf_token_in(client.get(link).get_data(as_text=True))
    clock.travel(db.session.get(FeedbackSettings, event.id).closes_at)
    closed = client.get(link)
    assert closed.status_code == 200
    assert "Palautelomake on suljettu" in text_of(closed)  # in Sara's own language
    late = client.post(link, data={"score": "1", "csrf_token": csrf})
    assert "Palautelomake on suljettu" in text_of(late)
    assert [r.score for r in responses()] == [5]


@BOTH
def test_anonymous_feedback_leaves_no_link_to_the_person(app, client, event, mailbox):
    turn_on(event, anonymous=True)
    mark_attended(event)
    send_when_due(app, event)
    clock.travel(clock.now() + timedelta(hours=3, minutes=17))
    for address, score in (("sara@example.fi", "2"), ("pekka@example.fi", "5")):
        answer(client, link_of(mailbox, address), score=score, comment=f"from {address}")
    answer(client, link_of(mailbox, "sara@example.fi"), score="3", comment="changed")
    rows = responses()
    assert [(r.score, r.comment) for r in rows] == [(3, "changed"), (5, "from pekka@example.fi")]
    assert all(r.registration_id is None for r in rows)
    assert all(r.response_key and len(r.response_key) == 64 for r in rows)
    tokens = db.session.scalars(sa.select(Token).where(Token.purpose == TokenPurpose.FEEDBACK))
    hashes = set()
    for token in tokens:
        assert token.used_at is None
        hashes.add(token.hash)
    assert not hashes & {r.response_key for r in rows}
    for row in rows:  # to the day: no moment that matches the person's mail or link
        assert (row.created_at.hour, row.created_at.minute, row.created_at.second) == (0, 0, 0)
        assert (row.updated_at.hour, row.updated_at.minute) == (0, 0)


def test_a_mail_sent_again_ends_the_earlier_link(app, client, event, mailbox):
    turn_on(event, anonymous=True)
    mark_attended(event)
    send_when_due(app, event)
    first = link_of(mailbox, "sara@example.fi")
    # As after a failure the worker retries: the mail is rendered again, with a new link.
    db.session.execute(
        sa.update(OutboundEmail)
        .where(OutboundEmail.recipient == "sara@example.fi", OutboundEmail.kind == "feedback")
        .values(status=EmailStatus.PENDING, sent_at=None)
    )
    db.session.commit()
    deliver_mail(app)
    second = link_of(mailbox, "sara@example.fi")
    assert second != first
    assert client.get(first).status_code == 404
    answer(client, second, score="5")
    assert [r.score for r in responses()] == [5]


def test_anonymity_cannot_change_once_anyone_has_answered(app, client, event, mailbox):
    turn_on(event, anonymous=True)
    mark_attended(event)
    send_when_due(app, event)
    answer(client, link_of(mailbox, "sara@example.fi"))
    stored = db.session.get(FeedbackSettings, event.id)
    with pytest.raises(settings.SettingsRefused):
        settings.save_settings(
            event,
            enabled=True,
            anonymous=False,
            audience=stored.audience,
            sends_at=stored.sends_at,
            closes_at=stored.closes_at,
        )


def test_a_wrong_link_is_not_found_and_a_bad_answer_is_refused_at_its_field(
    app, client, event, mailbox
):
    assert client.get("/feedback/" + "x" * 43).status_code == 404
    assert client.get("/feedback/short").status_code == 404
    turn_on(event)
    mark_attended(event)
    send_when_due(app, event)
    link = link_of(mailbox, "pekka@example.fi")
    page = client.get(link)
    assert '<html lang="sv"' in page.get_data(as_text=True)  # Pekka's own language
    client.get(f"/language/en?next={link}")  # the language switcher
    assert '<html lang="en"' in client.get(link).get_data(as_text=True)
    client.get(f"/language/sv?next={link}")
    refused = submit(client, link, {"score": "9", "comment": "x" * 4001})
    shown = text_of(refused)
    assert refused.status_code == 200 and shown.startswith("Fel:")
    assert 'value="9"' not in refused.get_data(as_text=True)
    assert responses() == []


# --- results and export ------------------------------------------------------------------------


@BOTH
def test_results_show_counts_average_distribution_and_named_comments(
    app, client, login, event, mailbox
):
    turn_on(event, questions=[(FeedbackQuestionKind.SINGLE_CHOICE, "Paras?", ["A", "B"])])
    mark_attended(event)
    send_when_due(app, event)
    answer(client, link_of(mailbox, "sara@example.fi"), score="5", comment="Kiitos!", q_1="A")
    answer(client, link_of(mailbox, "pekka@example.fi"), score="2", would_recommend="no")
    login(event.owner)
    page = text_of(client.get(f"/organiser/events/{event.id}/feedback"))
    assert "Asked 2 Answered 2 Response rate 100 % Average score 3.5" in page
    assert "Score 1 0 Score 2 1 Score 3 0 Score 4 0 Score 5 1" in page
    assert "Kiitos! Score 5 · Sara Löyttyjärvi" in page
    assert "A 1 B 0" in page
    viewed = db.session.scalars(
        sa.select(AuditEntry).where(AuditEntry.action == AuditAction.VIEWED_FEEDBACK)
    ).all()
    assert len(viewed) == 1
    download = client.get(f"/organiser/events/{event.id}/feedback.csv")
    rows = list(
        csv.reader(io.StringIO(download.get_data(as_text=True).lstrip("\ufeff")), delimiter=";")
    )
    assert rows[0] == ["Name", "Score (1–5)", "Would recommend", "Comment", "Paras?", "Answered on"]
    assert [row[:5] for row in rows[1:]] == [
        ["Sara Löyttyjärvi", "5", "", "Kiitos!", "A"],
        ["Pekka Perälä", "2", "No", "", ""],
    ]


def test_a_formula_in_a_comment_is_neutralised_in_the_export(app, client, login, event, mailbox):
    turn_on(event, anonymous=True)
    mark_attended(event)
    send_when_due(app, event)
    answer(client, link_of(mailbox, "sara@example.fi"), comment="=HYPERLINK(1)")
    login(event.owner)
    download = client.get(f"/organiser/events/{event.id}/feedback.csv")
    body = download.get_data(as_text=True)
    assert "'=HYPERLINK(1)" in body
    assert "Name" not in body.splitlines()[0]
    workbook = client.get(f"/organiser/events/{event.id}/feedback.xlsx")
    assert workbook.status_code == 200 and workbook.get_data()[:2] == b"PK"
    exported = db.session.scalars(
        sa.select(AuditEntry.detail).where(AuditEntry.action == AuditAction.EXPORTED_FEEDBACK)
    ).all()
    assert exported == ["csv anonymous: complete, 1 rows", "xlsx anonymous: complete, 1 rows"]
    # Anonymous: the results name no one, so looking at them is no look at personal data.
    client.get(f"/organiser/events/{event.id}/feedback")
    viewed = sa.select(AuditEntry).where(AuditEntry.action == AuditAction.VIEWED_FEEDBACK)
    assert db.session.scalars(viewed).all() == []


@BOTH
def test_feedback_scores_for_reports_count_each_event(app, client, event, mailbox):
    turn_on(event)
    mark_attended(event)
    send_when_due(app, event)
    answer(client, link_of(mailbox, "sara@example.fi"), score="5", would_recommend="yes")
    answer(client, link_of(mailbox, "pekka@example.fi"), score="2", would_recommend="no")
    scores = services.feedback_scores([event.id, event.id + 1])
    assert scores == {event.id: services.Scores(2, 3.5, 1, 1)}


# --- forgetting --------------------------------------------------------------------------------


@BOTH
def test_the_purge_unlinks_responses_and_removes_texts_but_keeps_scores(
    app, client, event, mailbox
):
    turn_on(
        event,
        questions=[
            (FeedbackQuestionKind.SINGLE_CHOICE, "Paras?", ["A", "B"]),
            (FeedbackQuestionKind.SHORT_TEXT, "Toive?", []),
        ],
    )
    mark_attended(event)
    send_when_due(app, event)
    answer(client, link_of(mailbox, "sara@example.fi"), comment="Minä, Sara", q_1="B", q_2="Lisää")
    clock.travel(event.ends_at + timedelta(days=event.retention_days + 1))
    run_retention(clock.now())
    db.session.commit()
    [response] = responses()
    assert response.registration_id is None
    assert (response.score, response.comment, response.answers) == (4, "", {"1": "B"})
    assert services.feedback_scores([event.id])[event.id].responses == 1


def test_a_persons_data_export_holds_their_named_feedback_but_no_anonymous_one(
    app, client, make_event, mailbox
):
    from app.privacy.export import export_person

    named, anonymous = make_event(title="Nimellinen"), make_event(title="Nimetön")
    for event, is_anonymous in ((named, False), (anonymous, True)):
        sign_up(client, event)
        turn_on(
            event,
            anonymous=is_anonymous,
            questions=[(FeedbackQuestionKind.SHORT_TEXT, "Toive?", [])],
        )
        mark_attended(event, ("sara@example.fi",))
        send_when_due(app, event)
        answer(client, link_of(mailbox, "sara@example.fi"), score="5", comment="Hyvä", q_1="Lisää")
        clock.reset()
    exported = {
        row["event"]["title"]: row["feedback"]
        for row in export_person("sara@example.fi", clock.now())["registrations"]
    }
    assert exported["Nimetön"] is None
    given = exported["Nimellinen"]
    assert (given["score"], given["comment"], given["answers"]) == (5, "Hyvä", {"Toive?": "Lisää"})


@BOTH
def test_a_persons_erasure_removes_their_link_and_texts(app, client, event, mailbox):
    turn_on(event)
    mark_attended(event)
    send_when_due(app, event)
    answer(client, link_of(mailbox, "sara@example.fi"), comment="Sara kirjoitti")
    answer(client, link_of(mailbox, "pekka@example.fi"), comment="Pekka kirjoitti")
    erase_person("sara@example.fi")
    db.session.commit()
    rows = responses()
    assert [(r.registration_id is None, r.comment) for r in rows] == [
        (True, ""),
        (False, "Pekka kirjoitti"),
    ]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboundEmail)) >= 1


def test_a_fault_while_planning_is_logged_and_the_mail_goes_on(app, monkeypatch, caplog):
    from app.feedback import sending

    def broken() -> int:
        raise RuntimeError("a fault in Kutsu")

    monkeypatch.setattr(sending, "plan_due_feedback", broken)
    sending.plan_due_feedback_safely()  # does not raise: the worker's round goes on
    assert "feedback: planning the feedback mail failed" in caplog.text
