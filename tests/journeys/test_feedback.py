"""Anonymous feedback through the real server, in Chromium: the organiser turns feedback on,
anonymous, with a question of their own; the event ends, two of the three people are
marked attended, and the clock moves past the send time: each of the two gets the mail,
follows its link and answers, one changes their answer; the results page shows both, the
average, the distribution and the comments, the CSV holds every answer and no name, and
no stored response is linked to a person."""

import csv
import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from app.database import writing
from app.extensions import db
from app.feedback.settings import default_times
from app.models import FeedbackResponse, Registration
from app.signup.services import register_for_event
from tests.journeys.conftest import Kutsu, download, page_text, sign_in

pytestmark = pytest.mark.both_databases

ORGANISER = "olli@example.fi"
PEOPLE = {"Aino": "aino@example.fi", "Bertil": "bertil@example.fi", "Cecilia": "cecilia@example.fi"}


def test_anonymous_feedback_from_the_mail_to_the_results_and_the_export(
    kutsu: Kutsu, new_page, make_event, make_organiser
):
    event = make_event(make_organiser(email=ORGANISER), title="Sote-verkoston aamupäivä")
    for name, email in PEOPLE.items():
        register_for_event(event, name=name, email=email, organisation="", answers={}, locale="en")
    event_id, ends_at = event.id, event.ends_at
    sends_at = default_times(event)[0]
    db.session.commit()

    # The organiser turns feedback on from the event's overview: anonymous, one question.
    organiser = new_page()
    sign_in(organiser, ORGANISER)
    organiser.goto(f"/organiser/events/{event_id}")
    organiser.get_by_role("link", name="Ask for feedback after the event").click()
    expect(organiser.get_by_role("heading", level=1)).to_have_text("Feedback settings")
    organiser.get_by_label("Send a feedback form after the event").check()
    organiser.get_by_label("Yes: answers are not linked to people").check()
    organiser.get_by_label("Those marked as attended").check()
    organiser.get_by_role("button", name="Save the settings").click()
    expect(organiser.get_by_text("The feedback settings have been saved.")).to_be_visible()
    organiser.get_by_label("Question", exact=True).fill("Mikä oli parasta?")
    organiser.get_by_label("Type of answer").select_option("single_choice")
    organiser.get_by_label("Options, one per line", exact=True).fill("Puheenvuorot\nKeskustelu")
    organiser.get_by_role("button", name="Add the question").click()
    expect(organiser.get_by_text("The question has been added.")).to_be_visible()

    # The event ends; Aino and Bertil came, Cecilia did not.
    kutsu.clock.travel(ends_at + timedelta(hours=2))
    with writing():
        db.session.execute(
            sa.update(Registration)
            .where(Registration.event_id == event_id)
            .values(attended=Registration.email != PEOPLE["Cecilia"])
        )
        db.session.commit()

    # The next morning the form goes, to the two who came, each with their own link.
    kutsu.clock.travel(sends_at + timedelta(minutes=1))
    answers = {"Aino": ("4", "Yes", "Hyvä aamupäivä, kiitos!"), "Bertil": ("2", "No", "")}
    for name, (score, recommend, comment) in answers.items():
        [mail] = kutsu.wait_for_mail(PEOPLE[name], subject="How was it?")
        assert "Your answers are anonymous" in page_text(mail.get_body().get_content())
        person = new_page()
        person.goto(kutsu.link_in(mail, "/feedback/"))
        expect(person.get_by_role("heading", level=1)).to_have_text("How was it?")
        person.get_by_label(score if score not in "15" else f"{score} –").check()
        person.get_by_role("group", name="Would you recommend").get_by_label(recommend).check()
        person.get_by_label("What would you like to tell the organisers?").fill(comment)
        person.get_by_label("Keskustelu").check()
        person.get_by_role("button", name="Send my feedback").click()
        expect(person.get_by_text("Thank you! Your feedback has been saved.")).to_be_visible()
        if name == "Bertil":  # he thinks again: his answer is there to change
            expect(person.get_by_label("2", exact=True)).to_be_checked()
            person.get_by_label("3", exact=True).check()
            person.get_by_role("button", name="Change my answers").click()
            expect(person.get_by_text("Thank you! Your feedback has been saved.")).to_be_visible()
            expect(person.get_by_label("3", exact=True)).to_be_checked()
    assert not kutsu.mail_to(PEOPLE["Cecilia"], subject="How was it?")

    # The results (signed in again: a day has passed): two answers of two asked, the
    # average, the distribution, the comment.
    sign_in(organiser, ORGANISER)
    organiser.goto(f"/organiser/events/{event_id}/feedback")
    shown = page_text(organiser.content())
    assert "Asked 2 Answered 2 Response rate 100 % Average score 3.5 Would recommend 50 %" in shown
    assert "Score 1 0 Score 2 0 Score 3 1 Score 4 1 Score 5 0" in shown
    assert "Puheenvuorot 0 Keskustelu 2" in shown
    assert "Hyvä aamupäivä, kiitos! Score 4" in shown
    for name in PEOPLE:
        assert name not in shown
    rows = list(
        csv.reader(
            io.StringIO(download(organiser, "Download CSV").decode("utf-8-sig")), delimiter=";"
        )
    )
    answered = rows[1][4]
    assert rows == [
        ["Score (1–5)", "Would recommend", "Comment", "Mikä oli parasta?", "Answered on"],
        ["4", "Yes", "Hyvä aamupäivä, kiitos!", "Keskustelu", answered],
        ["3", "No", "", "Keskustelu", answered],
    ]
    assert answered == f"{sends_at:%Y-%m-%d}"  # the day only

    # Nothing stored ties an answer to a person.
    db.session.rollback()
    linked = sa.select(sa.func.count()).where(FeedbackResponse.registration_id.is_not(None))
    assert db.session.scalar(linked) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(FeedbackResponse)) == 2
