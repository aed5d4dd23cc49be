"""A person's request (export or erase by email), and the audit log of who saw what."""

import json

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEntry, Registration, RegistrationStatus
from app.organiser.services import QuestionDetails
from tests.conftest import DIET_QUESTION, deliver_mail, sign_up, submit, text_of


def audit_lines(client) -> str:
    return text_of(client.get("/admin/audit"))


def test_viewing_and_downloading_attendees_and_adding_organisers_are_logged(
    client, login, make_organiser, make_event
):
    owner = make_organiser(email="olli@example.fi", name="Olli Organiser")
    admin = make_organiser(email="admin@example.fi", name="Ada Admin", admin=True)
    make_organiser(email="co@example.fi", name="Coco")
    event = make_event(owner, title="Kevätpäivä")
    login(owner)

    client.get(f"/organiser/events/{event.id}/attendees?q=Sara")
    assert client.get(f"/organiser/events/{event.id}/attendees.csv").data  # read to the end
    client.get(f"/organiser/events/{event.id}/door-list")
    submit(
        client,
        f"/organiser/events/{event.id}/organisers",
        {"email": "co@example.fi"},
    )

    entries = db.session.scalars(sa.select(AuditEntry).order_by(AuditEntry.id)).all()
    assert [(entry.action.value, entry.detail) for entry in entries] == [
        ("viewed_attendees", "search"),  # that they searched; not for whom
        ("exported_attendees", "csv: complete, 0 rows"),
        ("viewed_door_list", ""),
        ("added_organiser", "co@example.fi co_organiser"),
    ]
    assert {entry.actor for entry in entries} == {"Olli Organiser <olli@example.fi>"}

    # Only an admin reads the log.
    assert client.get("/admin/audit").status_code == 404
    login(admin)
    log = audit_lines(client)
    assert (
        "Downloaded the attendees" in log and "Kevätpäivä" in log and "Added a co-organiser" in log
    )


def test_the_admin_pages_are_not_for_organisers_or_the_public(client, login, make_organiser):
    for path in ["/admin/people", "/admin/audit"]:
        assert client.get(path).status_code == 302  # to sign in
    login(make_organiser())
    for path in ["/admin/people", "/admin/audit"]:
        assert client.get(path).status_code == 404


def test_an_admin_exports_everything_held_about_an_address(
    app, client, login, make_organiser, make_event
):
    event = make_event(title="Kevätpäivä", questions=[QuestionDetails(id=None, **DIET_QUESTION)])
    other = make_event(title="Syysseminaari")
    sign_up(client, event, email="Sara@Example.fi", **{f"q_{event.questions[0].id}": "vegaani"})
    sign_up(client, other, email="sara@example.fi")
    sign_up(client, other, email="pekka@example.fi", name="Pekka")
    deliver_mail(app)
    login(make_organiser(email="admin@example.fi", admin=True))

    found = client.get("/admin/people?email=SARA@example.fi")
    assert "Registration: Kevätpäivä" in text_of(found)
    assert "Registration: Syysseminaari" in text_of(found)
    download = submit(
        client, "/admin/people/export", {"email": "sara@example.fi"}, form_page=found.request.url
    )

    assert download.headers["Content-Disposition"].endswith('.json"')
    data = json.loads(download.data)
    assert data["email"] == "sara@example.fi"
    assert [r["event"]["title"] for r in data["registrations"]] == ["Kevätpäivä", "Syysseminaari"]
    assert data["registrations"][0]["answers"] == {"Erityisruokavalio": "vegaani"}
    # When they accepted the privacy notice, and consented to the sensitive answer.
    first, second = data["registrations"]
    assert first["privacy_notice_accepted_at"] and first["sensitive_answers_consented_at"]
    assert second["privacy_notice_accepted_at"] and second["sensitive_answers_consented_at"] is None
    assert "pekka" not in download.data.decode()
    assert [e["kind"] for e in data["emails"] if e["status"] == "sent"] == [
        "registration_confirmed",
        "registration_confirmed",
    ]
    assert "Exported one person's data" in audit_lines(client)


def test_an_admin_erases_an_address_and_its_place_goes_to_the_next_in_line(
    app, client, login, make_organiser, make_event, mailbox
):
    event = make_event(title="Kevätpäivä", capacity=1)
    sign_up(client, event, email="sara@example.fi", name="Sara Löyttyjärvi")
    sign_up(client, event, email="pekka@example.fi", name="Pekka Waiting")
    deliver_mail(app)
    mailbox.clear()
    login(make_organiser(email="admin@example.fi", admin=True))
    found = "/admin/people?email=sara@example.fi"

    unconfirmed = submit(
        client, "/admin/people/erase", {"email": "sara@example.fi"}, form_page=found
    )
    assert "Tick the box to confirm the erasure" in text_of(unconfirmed)
    assert db.session.scalar(sa.select(Registration.name).where(Registration.id == 1))

    done = submit(
        client,
        "/admin/people/erase",
        {"email": "sara@example.fi", "confirm": "y"},
        form_page=found,
        follow_redirects=True,
    )

    assert (
        "Erased: 1 registration, 0 nominations of them, 0 nominations by them, 0 invitations."
        in text_of(done)
    )
    db.session.commit()
    people = db.session.scalars(sa.select(Registration).order_by(Registration.id)).all()
    assert [(p.name, p.email, p.status) for p in people] == [
        ("", "", RegistrationStatus.CANCELLED),
        ("Pekka Waiting", "pekka@example.fi", RegistrationStatus.CONFIRMED),
    ]
    assert "Nothing is held about this address." in text_of(client.get(found))
    deliver_mail(app)
    assert mailbox.to("sara@example.fi") == []  # no "you were cancelled" after erasure
    assert len(mailbox.to("pekka@example.fi")) == 1  # a place became free
    assert "Erased one person's data" in audit_lines(client)


def test_erasing_a_nominator_leaves_their_name_out_of_the_nominees_mail_still_to_go(
    app, make_event, mailbox
):
    from datetime import timedelta

    from app import clock
    from app.models import Participation
    from app.nominations.services import NomineeDetails, submit_nominations
    from app.privacy.services import erase_person

    workshop = make_event(
        title="Työpaja",
        participation=Participation.INVITATION,
        nominations_close_at=clock.now() + timedelta(days=5),
        starts_in=timedelta(days=20),
    )
    submit_nominations(
        workshop,
        nominator_name="Nomss Nominoija",
        nominator_email="Nomss@Straße.de",
        nominator_organisation="Straßen ry",
        nominees=[NomineeDetails(name="Cecilia", email="cecilia@example.fi")],
        locale="en",
    )
    db.session.commit()
    erase_person("NOMSS@STRASSE.DE")  # the same address, as the person may write it
    db.session.commit()
    deliver_mail(app)
    [told] = mailbox.to("cecilia@example.fi")
    text = mailbox.text(told)
    assert "You have been proposed as a participant in this event." in text
    assert "Nomss" not in text and "Straßen" not in text
    assert [m for m in mailbox.messages if "nomss" in m["To"].casefold()] == []
