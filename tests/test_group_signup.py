"""Signing up a group: one contact person and the people they add, each with a place of
their own, taken together by the event's group rule; as the people and the organisers see
it (pages, mail, the attendee list and its download)."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import GroupRule, Registration, RegistrationStatus
from app.places.services import cancel_registration
from app.signup.group_services import (
    AlreadyRegistered,
    GroupDoesNotFit,
    GroupPerson,
    register_group,
)
from app.signup.services import EventFull, register_for_event
from tests.conftest import (
    COFFEE_QUESTION,
    Mailbox,
    deliver_mail,
    link_in,
    submit,
    text_of,
)

# Where the database matters (places taken, the unique index), on both.
both_databases = pytest.mark.both_databases

CONFIRMED = RegistrationStatus.CONFIRMED
WAITING = RegistrationStatus.WAITING
CANCELLED = RegistrationStatus.CANCELLED
CONTACT = GroupPerson("Kaisa Kontakti", "kaisa@example.fi", "Setlementti ry")


def members(count: int, *, emails: bool = True) -> list[GroupPerson]:
    return [
        GroupPerson(f"Jäsen {n}", f"jasen{n}@example.fi" if emails else "", "Setlementti ry")
        for n in range(1, count + 1)
    ]


def fill(event, taken: int) -> None:
    for n in range(taken):
        register_for_event(
            event,
            name=f"Ennen {n}",
            email=f"ennen{n}@example.fi",
            organisation="",
            answers={},
            locale="fi",
        )
    db.session.commit()


def statuses(lead) -> list[RegistrationStatus]:
    db.session.expire_all()
    people = db.session.scalars(
        sa.select(Registration)
        .where(sa.or_(Registration.id == lead.id, Registration.group_lead_id == lead.id))
        .order_by(Registration.id)
    )
    return [person.status for person in people]


def confirmed_count(event) -> int:
    db.session.expire_all()
    return event.confirmed_count


def sign_up_group(event, size: int) -> Registration:
    lead = register_group(event, CONTACT, members(size - 1), locale="en")
    db.session.commit()
    return lead


# --- the rule at its edges ------------------------------------------------------------


@both_databases
@pytest.mark.parametrize("rule", [GroupRule.TOGETHER, GroupRule.SPLIT])
def test_a_group_that_exactly_fits_all_get_a_place(make_event, rule):
    event = make_event(capacity=5, group_size_max=5, group_rule=rule)
    fill(event, 2)
    lead = sign_up_group(event, 3)
    assert statuses(lead) == [CONFIRMED] * 3
    assert confirmed_count(event) == 5


@both_databases
def test_together_one_too_many_the_whole_group_waits(make_event):
    event = make_event(capacity=5, group_size_max=5, group_rule=GroupRule.TOGETHER)
    fill(event, 3)
    lead = sign_up_group(event, 3)
    assert statuses(lead) == [WAITING] * 3
    assert confirmed_count(event) == 3


@both_databases
def test_split_one_too_many_those_who_fit_get_a_place_in_the_order_given(make_event):
    event = make_event(capacity=5, group_size_max=5, group_rule=GroupRule.SPLIT)
    fill(event, 3)
    lead = sign_up_group(event, 3)
    assert statuses(lead) == [CONFIRMED, CONFIRMED, WAITING]
    assert confirmed_count(event) == 5


@both_databases
@pytest.mark.parametrize("rule", [GroupRule.TOGETHER, GroupRule.SPLIT])
def test_without_a_waiting_list_a_group_that_does_not_fit_is_refused(make_event, rule):
    event = make_event(capacity=5, waiting_list=False, group_size_max=5, group_rule=rule)
    fill(event, 3)
    with pytest.raises(GroupDoesNotFit) as refused:
        register_group(event, CONTACT, members(2), locale="fi")
    db.session.rollback()
    assert refused.value.places == 2
    assert confirmed_count(event) == 3
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 3


def test_without_a_waiting_list_a_full_event_refuses_the_group(make_event):
    event = make_event(capacity=2, waiting_list=False, group_size_max=5)
    fill(event, 2)
    with pytest.raises(EventFull):
        register_group(event, CONTACT, members(1), locale="fi")
    db.session.rollback()


def test_unlimited_places_take_any_group(make_event):
    event = make_event(capacity=None, group_size_max=4)
    assert statuses(sign_up_group(event, 4)) == [CONFIRMED] * 4


@both_databases
def test_a_freed_place_goes_to_the_first_member_waiting_one_by_one(make_event, mailbox, app):
    """A group that waited together is promoted person by person, first come first served:
    a freed place never stays empty while the group waits for enough at once."""
    event = make_event(capacity=3, group_size_max=3, group_rule=GroupRule.TOGETHER)
    fill(event, 3)
    lead = sign_up_group(event, 2)
    assert statuses(lead) == [WAITING, WAITING]
    deliver_mail(app)
    mailbox.clear()
    first = db.session.scalar(sa.select(Registration).where(Registration.name == "Ennen 0"))
    cancel_registration(first)
    db.session.commit()
    assert statuses(lead) == [CONFIRMED, WAITING]
    assert confirmed_count(event) == 3
    deliver_mail(app)
    assert [m["Subject"] for m in mailbox.to(CONTACT.email)] == [
        f"A place became free – you are registered: {event.title}"
    ]


def test_someone_already_registered_is_named(make_event):
    event = make_event(capacity=10, group_size_max=5)
    fill(event, 1)
    with pytest.raises(AlreadyRegistered) as refused:
        register_group(event, CONTACT, [GroupPerson("Ennen", "Ennen0@example.fi")], locale="fi")
    db.session.rollback()
    assert refused.value.addresses == {"ennen0@example.fi"}
    assert confirmed_count(event) == 1


# --- the form, the mail, the manage page ------------------------------------------------


def group_form(client, event, data: dict):
    return submit(client, f"/events/{event.slug}/register", data, follow_redirects=True)


BASE = {
    "name": "Kaisa Kontakti",
    "email": "kaisa@example.fi",
    "organisation": "Setlementti ry",
    "consent": "y",
}


def test_the_form_says_the_rule_and_adds_a_row_keeping_what_was_typed(client, make_event):
    event = make_event(capacity=10, group_size_max=3, group_rule=GroupRule.SPLIT)
    page = text_of(client.get(f"/events/{event.slug}/register"))
    assert "You can sign up a group of up to 3 people, you included." in page
    assert "as many people as fit get a place, in the order given on this form" in page
    assert "Person 2" in page and "Person 3" not in page

    added = group_form(client, event, {**BASE, "members-0-name": "Pekka Jäsen", "add_member": "y"})
    page = text_of(added)
    assert "Person 3" in page and "There is a problem" not in page
    html = added.get_data(as_text=True)
    assert 'value="Pekka Jäsen"' in html and 'value="kaisa@example.fi"' in html
    # As large as it may be: no button for a fourth.
    assert "Add a person" not in page and "as large as it can be" in page


def test_duplicate_and_registered_addresses_are_told_at_the_field(client, make_event):
    event = make_event(capacity=10, group_size_max=4)
    fill(event, 1)
    page = text_of(
        group_form(
            client,
            event,
            {
                **BASE,
                "members-0-name": "Pekka",
                "members-0-email": "KAISA@example.fi",
                "members-1-name": "Ennen",
                "members-1-email": "ennen0@example.fi",
            },
        )
    )
    assert "This address is already given for another person in the group" in page
    assert confirmed_count(event) == 1
    page = text_of(
        group_form(
            client,
            event,
            {**BASE, "members-0-name": "Ennen", "members-0-email": "ennen0@example.fi"},
        )
    )
    assert "Error:" in page and "This person is already registered for this event" in page
    assert confirmed_count(event) == 1


def test_bad_rows_are_told_and_nothing_is_written(client, make_event):
    event = make_event(capacity=10, group_size_max=4)
    page = text_of(group_form(client, event, {**BASE, "members-0-email": "not an address"}))
    assert "Enter the person’s full name, or leave the whole row empty" in page
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0


def test_a_group_that_does_not_fit_without_waiting_list_is_told_the_places_left(client, make_event):
    event = make_event(capacity=3, waiting_list=False, group_size_max=4)
    fill(event, 1)
    data = {**BASE, "members-0-name": "Pekka", "members-1-name": "Liisa"}
    data |= {"add_member": ""}
    response = submit(
        client,
        f"/events/{event.slug}/register",
        {**data, "members-2-name": "Ville"},
        follow_redirects=True,
    )
    assert "Only 2 places are left" in text_of(response)
    assert confirmed_count(event) == 1


def test_answers_for_everyone_are_copied_to_each_member(client, make_event):
    event = make_event(capacity=10, group_size_max=3, questions=[COFFEE_QUESTION])
    question = event.questions[0]
    done = group_form(
        client,
        event,
        {
            **BASE,
            f"q_{question.id}": "yes",
            "answer_for_all": "y",
            "members-0-name": "Pekka Jäsen",
        },
    )
    assert done.status_code == 200, text_of(done)
    db.session.expire_all()
    people = db.session.scalars(sa.select(Registration).order_by(Registration.id)).all()
    assert [[a.value for a in person.answers] for person in people] == [[True], [True]]
    assert people[1].group_lead_id == people[0].id


def test_each_member_answers_their_own_questions_when_asked(client, make_event):
    event = make_event(capacity=10, group_size_max=3, questions=[COFFEE_QUESTION])
    question = event.questions[0]
    missing = group_form(
        client, event, {**BASE, f"q_{question.id}": "yes", "members-0-name": "Pekka Jäsen"}
    )
    assert "Choose yes or no" in text_of(missing)
    done = group_form(
        client,
        event,
        {
            **BASE,
            f"q_{question.id}": "yes",
            "members-0-name": "Pekka Jäsen",
            f"members-0-q_{question.id}": "no",
        },
    )
    assert "There is a problem" not in text_of(done)
    db.session.expire_all()
    people = db.session.scalars(sa.select(Registration).order_by(Registration.id)).all()
    assert [[a.value for a in person.answers] for person in people] == [[True], [False]]


def test_mail_and_manage_page_of_a_group(client, app, make_event, mailbox):
    event = make_event(capacity=2, group_size_max=4, group_rule=GroupRule.SPLIT)
    done = group_form(
        client,
        event,
        {
            **BASE,
            "members-0-name": "Pekka Jäsen",
            "members-0-email": "pekka@example.fi",
            "members-1-name": "Liisa Ilman",
        },
    )
    assert "There is a problem" not in text_of(done)
    assert deliver_mail(app) == 2  # the contact's list and Pekka's own; Liisa has no address
    (contact_mail,) = mailbox.to("kaisa@example.fi")
    text = Mailbox.text(contact_mail)
    assert "Kaisa Kontakti (you): confirmed, has a place" in text
    assert "Pekka Jäsen: confirmed, has a place" in text
    assert "Liisa Ilman: on the waiting list, place 1 in the queue" in text
    (member_mail,) = mailbox.to("pekka@example.fi")
    assert "Your place is confirmed" in Mailbox.text(member_mail)
    assert link_in(member_mail, "/manage/") != link_in(contact_mail, "/manage/")

    manage = link_in(contact_mail, "/manage/")
    page = text_of(client.get(manage))
    assert "Your group" in page and "Liisa Ilman No email address Waiting list" in page
    member_page = text_of(client.get(link_in(member_mail, "/manage/")))
    assert "Your group" not in member_page

    pekka = db.session.scalar(sa.select(Registration).where(Registration.name == "Pekka Jäsen"))
    cancel = f"{manage}/group/{pekka.id}/cancel"
    assert "Cancel the registration of Pekka Jäsen?" in text_of(client.get(cancel))
    submit(client, cancel, {}, follow_redirects=True)
    page = text_of(client.get(manage))
    assert "Pekka Jäsen pekka@example.fi Cancelled" in page
    # Pekka's place went to Liisa, who waited.
    assert "Liisa Ilman No email address Confirmed" in page
    mailbox.clear()
    deliver_mail(app)
    assert [m["Subject"] for m in mailbox.to("pekka@example.fi")] == [
        f"Your registration was cancelled: {event.title}"
    ]

    submit(client, f"{manage}/group/cancel", {}, follow_redirects=True)
    db.session.expire_all()
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Registration.id)).where(Registration.status != CANCELLED)
        )
        == 0
    )
    assert confirmed_count(event) == 0


def test_a_member_cannot_be_cancelled_through_someone_elses_link(client, app, make_event, mailbox):
    event = make_event(capacity=5, group_size_max=2)
    lead = sign_up_group(event, 2)
    other = register_group(event, GroupPerson("Toinen", "toinen@example.fi"), [], locale="fi")
    db.session.commit()
    deliver_mail(app)
    manage = link_in(mailbox.to("toinen@example.fi")[0], "/manage/")
    member = db.session.scalar(sa.select(Registration).where(Registration.group_lead_id == lead.id))
    submit(client, f"{manage}/group/{member.id}/cancel", {}, form_page=manage)
    assert statuses(lead) == [CONFIRMED, CONFIRMED]
    assert other.group_lead_id is None


@both_databases
def test_a_race_on_the_same_address_is_told_not_a_server_error(client, make_event, monkeypatch):
    """Signed up between the look-up and the writing: the unique index refuses the row."""
    from app.signup import group_services

    event = make_event(capacity=10, group_size_max=3)
    fill(event, 1)
    monkeypatch.setattr(group_services, "_refuse_registered", lambda event, people: None)
    for data in (
        {**BASE, "email": "ennen0@example.fi"},
        {**BASE, "members-0-name": "Ennen", "members-0-email": "ennen0@example.fi"},
    ):
        response = group_form(client, event, data)
        assert response.status_code == 200
        assert "Someone in the group signed up just now. Send the form again." in text_of(response)
    assert confirmed_count(event) == 1
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 1


def test_each_members_follow_up_question_applies_by_their_own_answer(client, make_event):
    from tests.test_conditional_questions import DIET, WHICH

    event = make_event(capacity=10, group_size_max=3, questions=[DIET, WHICH])
    diet, which = (question.id for question in event.questions)
    page = text_of(client.get(f"/events/{event.slug}/register"))
    assert "Answer only if you answered" in page  # the follow-up in the person's row too
    # Pekka's "which diet" is required only because he answered yes; Kaisa's is not kept.
    missing = group_form(
        client,
        event,
        {
            **BASE,
            f"q_{diet}": "no",
            f"q_{which}": "ei kuulu tänne",
            "members-0-name": "Pekka Jäsen",
            f"members-0-q_{diet}": "yes",
        },
    )
    assert "Error:" in text_of(missing)
    done = group_form(
        client,
        event,
        {
            **BASE,
            f"q_{diet}": "no",
            f"q_{which}": "ei kuulu tänne",
            "members-0-name": "Pekka Jäsen",
            f"members-0-q_{diet}": "yes",
            f"members-0-q_{which}": "gluteeniton",
        },
    )
    assert "There is a problem" not in text_of(done)
    db.session.expire_all()
    people = db.session.scalars(sa.select(Registration).order_by(Registration.id)).all()
    answers = [{a.question_id: a.value for a in person.answers} for person in people]
    assert answers == [{diet: False, which: ""}, {diet: True, which: "gluteeniton"}]
