"""Conditional questions: "Special diet?" yes -> "Which diet?". The follow-up is asked only
after a chosen answer, required only then, and its answer is never stored otherwise, on
every form that asks an event's questions; the question editor sets the condition, and a
copy of the event keeps it."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import Event, QuestionKind, Registration
from app.series.services import copy_event, details_of, update_this_and_later
from app.signup.conditions import Condition, applicable, without_inapplicable
from tests.conftest import sign_up, submit, text_of
from tests.test_event_form import error_summary
from tests.test_exports import csv_rows, download
from tests.test_organiser import NEW, edit_event, event_form, form_values

DIET = {"label": "Erityisruokavalio?", "kind": QuestionKind.YES_NO, "required": True}
WHICH = {
    "label": "Mikä ruokavalio?",
    "kind": QuestionKind.SHORT_TEXT,
    "required": True,
    "shown_if": 0,
    "shown_if_options": ["yes"],
}
TRANSPORT = {
    "label": "Miten tulet?",
    "kind": QuestionKind.SINGLE_CHOICE,
    "options": ["Autolla", "Junalla", "Kävellen"],
    "translations": {
        "sv": {"label": "Hur kommer du?", "options": ["Med bil", "Med tåg", "Till fots"]},
        "en": {"label": "How do you come?", "options": ["By car", "By train", "On foot"]},
    },
}
PARKING = {
    "label": "Tarvitsetko pysäköintiluvan?",
    "kind": QuestionKind.LONG_TEXT,
    "shown_if": 2,
    "shown_if_options": ["Autolla", "Junalla"],
    "translations": {"en": {"label": "Do you need a parking permit?"}},
}


@pytest.fixture
def event(make_event):
    return make_event(capacity=10, questions=[DIET, WHICH, TRANSPORT, PARKING])


def field(event, position: int) -> str:
    return f"q_{event.questions[position].id}"


def answers_of(event, email: str) -> dict[str, object]:
    db.session.rollback()
    person = db.session.scalar(
        sa.select(Registration).where(
            Registration.event_id == event.id, Registration.email == email
        )
    )
    return {answer.question.label: answer.value for answer in person.answers}


def condition_hint(html: str, name: str) -> str:
    found = re.search(rf'<p class="hint" id="{name}-condition">(.*?)</p>', html)
    assert found, f"no condition hint for {name}"
    return re.sub(r"<[^>]+>", "", found.group(1))


# --- the rule -----------------------------------------------------------------------------


def test_a_follow_up_applies_only_after_a_chosen_answer_of_a_question_that_applies():
    conditions = {2: Condition(1, frozenset({"yes"})), 3: Condition(2, frozenset({"A", "B"}))}
    assert applicable(conditions, {1: True, 2: "A", 3: "x"}) == {1, 2, 3}
    assert applicable(conditions, {1: True, 2: "C", 3: "x"}) == {1, 2}
    # "no" to the first: the second does not apply, nor the third that follows it.
    assert applicable(conditions, {1: False, 2: "A", 3: "x"}) == {1}
    assert applicable(conditions, {1: None, 2: ["B"], 3: "x"}) == {1}
    assert without_inapplicable(conditions, {1: False, 2: ["A"], 3: "x"}) == {
        1: False,
        2: [],
        3: "",
    }


# --- the public form ----------------------------------------------------------------------


@pytest.mark.both_databases
def test_the_follow_up_is_stored_only_when_it_applies_whatever_the_browser_sent(
    client, event, login, make_organiser
):
    sign_up(
        client,
        event,
        email="kylla@example.fi",
        **{field(event, 0): "yes", field(event, 1): "gluteeniton", field(event, 2): "Autolla"},
        **{field(event, 3): "Yksi lupa"},
    )
    sign_up(
        client,
        event,
        email="ei@example.fi",
        # The hidden follow-ups were filled, then the answers above them changed.
        **{field(event, 0): "no", field(event, 1): "vegaani", field(event, 2): "Kävellen"},
        **{field(event, 3): "Kaksi lupaa"},
    )
    assert answers_of(event, "kylla@example.fi") == {
        "Erityisruokavalio?": True,
        "Mikä ruokavalio?": "gluteeniton",
        "Miten tulet?": "Autolla",
        "Tarvitsetko pysäköintiluvan?": "Yksi lupa",
    }
    assert answers_of(event, "ei@example.fi") == {
        "Erityisruokavalio?": False,
        "Mikä ruokavalio?": "",
        "Miten tulet?": "Kävellen",
        "Tarvitsetko pysäköintiluvan?": "",
    }
    # The organiser's list and file leave them empty.
    login(event.organiser_links[0].organiser)
    _, data = download(client, f"/organiser/events/{event.id}/attendees.csv?sensitive=1")
    rows = {row[1]: row for row in csv_rows(data)[1:]}
    header = csv_rows(data)[0]
    which = header.index("Mikä ruokavalio?")
    assert rows["kylla@example.fi"][which] == "gluteeniton"
    assert rows["ei@example.fi"][which] == ""
    summary = text_of(client.get(f"/organiser/events/{event.id}/attendees"))
    assert "vegaani" not in summary and "Kaksi lupaa" not in summary


def test_a_required_follow_up_is_required_only_when_it_applies(client, event):
    page = sign_up(client, event, **{field(event, 0): "yes", field(event, 1): ""})
    assert page.status_code == 200
    assert [message for _target, message in error_summary(page)] == ["Answer this question"]
    assert error_summary(page)[0][0] == field(event, 1)

    done = sign_up(client, event, **{field(event, 0): "no", field(event, 1): ""})
    assert "You are registered" in text_of(done)
    # What they sent leaves out the question that was not theirs to answer.
    assert "Erityisruokavalio? No" in text_of(done)
    assert "Mikä ruokavalio?" not in text_of(done)
    assert answers_of(event, "sara@example.fi")["Mikä ruokavalio?"] == ""


@pytest.mark.parametrize(
    "language, diet_hint, parking_hint",
    [
        (
            "fi",
            "Vastaa vain, jos vastasit ”Kyllä” kysymykseen ”Erityisruokavalio?”.",
            "Vastaa vain, jos vastasit ”Autolla” tai ”Junalla” kysymykseen ”Miten tulet?”.",
        ),
        (
            "sv",
            "Svara bara om du svarade ”Ja” på frågan ”Erityisruokavalio?”.",
            "Svara bara om du svarade ”Med bil” eller ”Med tåg” på frågan ”Hur kommer du?”.",
        ),
        (
            "en",
            "Answer only if you answered “Yes” to “Erityisruokavalio?”.",
            "Answer only if you answered “By car” or “By train” to “How do you come?”.",
        ),
    ],
)
def test_without_javascript_the_follow_up_says_when_to_answer_it_in_the_pages_language(
    client, event, language, diet_hint, parking_hint
):
    page = client.get(f"/events/{event.slug}/register", headers={"Accept-Language": language})
    html = page.get_data(as_text=True)
    which = field(event, 1)
    assert condition_hint(html, which) == diet_hint
    assert condition_hint(html, field(event, 3)) == parking_hint
    # The hint describes the follow-up's own input.
    assert f'aria-describedby="{which}-condition"' in html
    if language != "fi":  # the organiser's Finnish words are marked as such
        assert '<span lang="fi">Erityisruokavalio?</span>' in html
    assert 'src="/static/conditions.js"' in html
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy


def test_a_plain_event_sends_no_script(client, make_event):
    plain = make_event(questions=[DIET])
    page = client.get(f"/events/{plain.slug}/register")
    assert "conditions.js" not in page.get_data(as_text=True)
    assert "Answer only if" not in text_of(page)


def test_the_manage_link_empties_a_follow_up_that_no_longer_applies(app, client, event, mailbox):
    from tests.conftest import deliver_mail, link_in

    sign_up(client, event, **{field(event, 0): "yes", field(event, 1): "laktoositon"})
    deliver_mail(app)
    manage = link_in(mailbox.messages[0], "/manage/")
    values = form_values(client.get(manage), "name")
    values.update({field(event, 0): "no"})
    response = submit(client, manage, values, follow_redirects=True)
    assert "Your details have been saved." in text_of(response)
    assert answers_of(event, "sara@example.fi")["Mikä ruokavalio?"] == ""


def test_an_organiser_adding_a_person_stores_no_answer_that_does_not_apply(client, event, login):
    login(event.organiser_links[0].organiser)
    url = f"/organiser/events/{event.id}/attendees/new"
    typed = {
        "name": "Pirkko Puhelin",
        "email": "pirkko@example.fi",
        "locale": "fi",
        field(event, 0): "no",
        field(event, 1): "kasvis",
    }
    page = submit(client, url, typed, follow_redirects=True)
    assert page.status_code == 200
    assert answers_of(event, "pirkko@example.fi")["Mikä ruokavalio?"] == ""


def test_a_series_sign_up_stores_no_answer_that_does_not_apply_on_any_meeting(
    client, make_occurrences
):
    from tests.test_series_signup import choose, registrations_of

    series, events = make_occurrences(2, questions=[DIET, WHICH])
    first = events[0]
    page = choose(client, series, events, **{field(first, 0): "no", field(first, 1): "vegaani"})
    assert "Your registrations" in text_of(page)
    people = registrations_of()
    assert len(people) == 2
    for person in people:
        assert {answer.value for answer in person.answers} == {False, ""}


def test_accepting_an_invitation_stores_no_answer_that_does_not_apply(
    app, client, make_event, mailbox
):
    from app.invitations import services as invitations
    from app.models import Participation
    from tests.conftest import deliver_mail, link_in

    workshop = make_event(
        capacity=5,
        participation=Participation.INVITATION,
        nominations_close_at=clock.now() + timedelta(days=5),
        starts_in=timedelta(days=30),
        questions=[DIET, WHICH],
    )
    invitee = invitations.Invitee("Aino", "aino@example.fi")
    invitations.invite_list(workshop, [invitee], send_at=clock.now())
    db.session.commit()
    deliver_mail(app)
    accept = link_in(mailbox.to("aino@example.fi")[0], "/invitations/")
    form = client.get(accept)
    assert condition_hint(form.get_data(as_text=True), field(workshop, 1)) == (
        "Answer only if you answered “Yes” to “Erityisruokavalio?”."
    )
    typed = {"name": "Aino", "consent": "y", field(workshop, 0): "no", field(workshop, 1): "x"}
    submit(client, accept, typed, follow_redirects=True)
    assert answers_of(workshop, "aino@example.fi") == {
        "Erityisruokavalio?": False,
        "Mikä ruokavalio?": "",
    }


# --- the question editor ------------------------------------------------------------------


def questions_typed(**more) -> dict:
    return {
        "questions-0-label": "Erityisruokavalio?",
        "questions-0-kind": "yes_no",
        "questions-1-label": "Mikä ruokavalio?",
        "questions-1-kind": "short_text",
        **more,
    }


def test_the_editor_offers_the_answers_of_earlier_questions_and_saves_the_condition(
    client, login, make_organiser
):
    login(make_organiser())
    page = submit(client, NEW, {**event_form(), **questions_typed(), "add_question": "1"})
    html = page.get_data(as_text=True)
    assert "Ask this question only after some answers" in text_of(page)
    assert "Question 1: Erityisruokavalio?" in text_of(page)
    assert 'name="questions-1-shown_if" type="checkbox" value="1:yes"' in html
    assert 'name="questions-0-shown_if"' not in html  # nothing earlier to depend on

    saved = client.post(
        NEW,
        data={
            **form_values(page, "title"),
            **questions_typed(**{"questions-1-shown_if": "1:yes"}),
            "save": "1",
        },
    )
    assert saved.status_code == 303, text_of(saved)
    edit = client.get(saved.headers["Location"] + "/edit")
    assert 'value="1:yes" checked' in edit.get_data(as_text=True)
    event = db.session.scalars(db.select(Event).order_by(Event.id.desc())).first()
    diet, which = event.questions
    assert (which.shown_if_question_id, which.shown_if_options) == (diet.id, ["yes"])


@pytest.mark.parametrize(
    "typed, message",
    [
        (
            {"questions-1-shown_if": ["1:yes", "2:x"]},
            "Tick the answers of one earlier question only",
        ),
        ({"questions-0-shown_if": "2:x"}, "Tick the answers of an earlier question"),
        ({"questions-1-shown_if": "1:maybe"}, "Question 1 no longer has the answer “maybe”"),
        (
            {"questions-1-shown_if": "1:yes", "questions-0-kind": "short_text"},
            "Question 1 has no answers to choose from",
        ),
        ({"questions-1-shown_if": ["1:yes"] * 1001}, "Choose from the answers listed"),
    ],
)
def test_a_condition_that_does_not_fit_is_refused_at_its_field_and_nothing_saved(
    client, login, make_organiser, typed, message
):
    login(make_organiser())
    before = db.session.scalar(db.select(db.func.count(Event.id)))
    page = submit(client, NEW, {**event_form(), **questions_typed(**typed), "save": "1"})
    assert page.status_code == 200
    assert any(message in shown for _target, shown in error_summary(page))
    assert message in text_of(page)
    assert db.session.scalar(db.select(db.func.count(Event.id))) == before


def test_a_condition_added_later_empties_the_answers_it_rules_out(client, login, make_event):
    unconditional = {key: value for key, value in WHICH.items() if not key.startswith("shown")}
    event = make_event(capacity=10, questions=[DIET, unconditional])
    sign_up(
        client,
        event,
        email="kylla@example.fi",
        **{field(event, 0): "yes", field(event, 1): "gluteeniton"},
    )
    sign_up(
        client, event, email="ei@example.fi", **{field(event, 0): "no", field(event, 1): "vegaani"}
    )
    assert answers_of(event, "ei@example.fi")["Mikä ruokavalio?"] == "vegaani"

    login(event.organiser_links[0].organiser)
    saved = edit_event(client, event.id, **{"questions-1-shown_if": "1:yes"})
    assert saved.status_code == 200, text_of(saved)

    assert answers_of(event, "kylla@example.fi") == {
        "Erityisruokavalio?": True,
        "Mikä ruokavalio?": "gluteeniton",
    }
    assert answers_of(event, "ei@example.fi") == {"Erityisruokavalio?": False}


def test_removing_the_question_a_condition_depends_on_is_refused(client, login, event):
    login(event.organiser_links[0].organiser)
    url = f"/organiser/events/{event.id}/edit"
    values = form_values(client.get(url), "title")
    values["questions-0-remove"] = "y"
    page = client.post(url, data={**values, "save": "1"})
    assert "Question 1 is being removed: tick again" in text_of(page)
    db.session.expire_all()
    assert len(db.session.get(Event, event.id).questions) == 4


# --- copies -------------------------------------------------------------------------------


@pytest.mark.both_databases
def test_a_copy_keeps_each_condition_on_its_own_new_questions(event):
    owner = event.organiser_links[0].organiser
    starts = event.starts_at + timedelta(days=7)
    copy = copy_event(event, owner, starts, starts + timedelta(hours=2))
    db.session.commit()
    diet, which, transport, parking = copy.questions
    assert diet.id != event.questions[0].id
    assert (which.shown_if_question_id, which.shown_if_options) == (diet.id, ["yes"])
    assert parking.shown_if_question_id == transport.id
    assert parking.shown_if_options == ["Autolla", "Junalla"]


@pytest.mark.both_databases
def test_a_condition_changed_on_this_and_later_meetings_goes_to_each_own_question(
    make_occurrences,
):
    _series, (first, second) = make_occurrences(2, questions=[DIET, TRANSPORT, WHICH])
    owner = first.organiser_links[0].organiser
    details = details_of(first)
    details.questions[2].shown_if_options = ["no"]
    update_this_and_later(first, details, owner)
    db.session.commit()
    for meeting in (first, second):
        diet, _transport, which = meeting.questions
        assert (which.shown_if_question_id, which.shown_if_options) == (diet.id, ["no"])
    assert clock.now() < second.starts_at
