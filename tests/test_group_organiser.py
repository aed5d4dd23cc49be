"""Groups as the organisers see them: the event form's group settings, the attendee list
and the downloads naming each person's group, and a member's own data export."""

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import Event, GroupRule, Participation
from app.privacy.export import export_person
from app.signup.group_services import GroupPerson, register_group
from app.signup.services import register_for_event
from tests.conftest import submit, text_of
from tests.test_exports import csv_rows, download, xlsx_rows, xlsx_sheet
from tests.test_organiser import NEW, create_event_through_form, event_form


def test_the_event_form_sets_groups_and_their_rule(client, login, make_organiser):
    login(make_organiser())
    event_id = create_event_through_form(client, group_size_max="6", group_rule="split")
    event = db.session.get(Event, event_id)
    assert (event.group_size_max, event.group_rule) == (6, GroupRule.SPLIT)
    edit = text_of(client.get(f"/organiser/events/{event_id}/edit"))
    assert "People may sign up as a group of up to" in edit

    plain = create_event_through_form(client)
    assert db.session.get(Event, plain).group_size_max == 1


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("51", "The largest group must be from 2 to 50 people, or empty"),
        ("99999999999999999999999", "The largest group must be from 2 to 50 people, or empty"),
        ("kolme", "Enter the largest group as a whole number, for example 5"),
    ],
)
def test_a_bad_group_size_is_told_at_the_field(client, login, make_organiser, typed, message):
    login(make_organiser())
    response = submit(client, NEW, {**event_form(group_size_max=typed), "save": "1"})
    assert response.status_code == 200
    page = text_of(response)
    assert page.startswith("Error:") or "There is a problem" in page
    assert message in page
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0


@pytest.mark.parametrize(
    ("other", "message"),
    [
        ({"format": "hybrid"}, "A hybrid event cannot take groups: leave this empty"),
        (
            {"requires_approval": "y"},
            "An event whose sign-ups need approval cannot take groups: leave this empty",
        ),
    ],
)
def test_groups_are_refused_with_hybrid_places_or_approval(
    client, login, make_organiser, other, message
):
    login(make_organiser())
    response = submit(client, NEW, {**event_form(group_size_max="4", **other), "save": "1"})
    assert response.status_code == 200
    assert message in text_of(response)
    assert db.session.scalar(sa.select(sa.func.count(Event.id))) == 0


def test_an_event_by_invitation_takes_no_groups(make_event):
    from app.places.group_settings import GroupSettings

    class Typed(GroupSettings):
        class _Field:
            def __init__(self, data):
                self.data = data

        group_size_max = _Field(8)
        group_rule = _Field("together")
        participation = _Field(Participation.INVITATION)

    assert Typed().group_details()["group_size_max"] == 1


@pytest.mark.both_databases  # the group column's SQL
def test_attendee_list_and_downloads_show_each_persons_group(client, login, make_event):
    event = make_event(capacity=10, group_size_max=3)
    register_for_event(
        event,
        name="Yksin Tullut",
        email="yksin@example.fi",
        organisation="",
        answers={},
        locale="fi",
    )
    register_group(
        event,
        GroupPerson("Kaisa Kontakti", "kaisa@example.fi", "Setlementti ry"),
        [GroupPerson("=Pekka Jäsen", "", "Setlementti ry")],
        locale="fi",
    )
    db.session.commit()
    owner = event.organiser_links[0].organiser
    login(owner)

    page = text_of(client.get(f"/organiser/events/{event.id}/attendees"))
    assert "Kaisa Kontakti Group of Kaisa Kontakti" in page
    assert "=Pekka Jäsen Group of Kaisa Kontakti" in page
    assert "Yksin Tullut Group of" not in page
    assert "3 people" in page  # counted per person

    _response, data = download(client, f"/organiser/events/{event.id}/attendees.csv")
    rows = csv_rows(data)
    column = rows[0].index("Group contact person")
    assert [(row[0], row[column]) for row in rows[1:]] == [
        ("Yksin Tullut", ""),
        ("Kaisa Kontakti", "Kaisa Kontakti"),
        ("'=Pekka Jäsen", "Kaisa Kontakti"),  # safe for Excel
    ]
    _response, data = download(client, f"/organiser/events/{event.id}/attendees.xlsx")
    sheet = xlsx_rows(xlsx_sheet(data), len(rows[0]))
    assert [row[column] for row in sheet] == [row[column] for row in rows]


def test_a_plain_events_download_has_no_group_column(client, login, make_event):
    event = make_event(capacity=10)
    login(event.organiser_links[0].organiser)
    _response, data = download(client, f"/organiser/events/{event.id}/attendees.csv")
    assert "Group contact person" not in csv_rows(data)[0]


def test_a_members_export_says_who_signed_them_up(make_event):
    event = make_event(capacity=10, group_size_max=3)
    register_group(
        event,
        GroupPerson("Kaisa Kontakti", "kaisa@example.fi"),
        [GroupPerson("Pekka Jäsen", "pekka@example.fi")],
        locale="fi",
    )
    db.session.commit()
    (registration,) = export_person("pekka@example.fi", clock.now())["registrations"]
    assert registration["signed_up_by"] == "Kaisa Kontakti"
    (own,) = export_person("kaisa@example.fi", clock.now())["registrations"]
    assert own["signed_up_by"] == ""
