"""A workshop by invitation, end to end: nominate, merge, select, invite closer to the
date, reply, remind; with a real SMTP server and a clock that tests move."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.invitations import services as invitations
from app.models import (
    Candidate,
    InvitationStatus,
    NominationStatus,
    Participation,
    Registration,
    RegistrationSource,
    RegistrationStatus,
)
from app.nominations import services as nominations
from tests.conftest import DIET_QUESTION, Mailbox, deliver_mail, link_in, submit, text_of


@pytest.fixture
def workshop(make_event):
    starts_in = timedelta(days=60)
    now = clock.now()
    return make_event(
        title="Tulevaisuuden sote-keskus: kansallinen sidosryhmätyöpaja",
        capacity=2,
        participation=Participation.INVITATION,
        nominations_close_at=now + timedelta(days=20),
        nominees_per_organisation=2,
        themes=["Mielenterveys", "Ikäihmiset", "Lapset ja perheet"],
        invitations_send_at=now + timedelta(days=39),
        reply_by=now + timedelta(days=50),
        invitation_reminder_days=3,
        starts_in=starts_in,
        contact_email="sara@example.fi",
        questions=[DIET_QUESTION],
    )


def nominate(event, organisation, *people, nominator="Nina Nominator"):
    made = nominations.submit_nominations(
        event,
        nominator_name=nominator,
        nominator_email=f"{nominator.split()[0].lower()}@nominators.example",
        nominator_organisation=organisation,
        nominees=[
            nominations.NomineeDetails(
                name=name, email=email, region="Kanta-Häme", themes=["Mielenterveys"]
            )
            for name, email in people
        ],
        locale="en",
    )
    db.session.commit()
    return made


def test_the_whole_path_from_nomination_to_registration(app, client, workshop, mailbox):
    nominate(
        workshop,
        "Hämeen Setlementti ry",
        ("Aino Aalto", "aino@example.fi"),
        ("Bertta Berg", "bertta@example.fi"),
    )
    nominate(
        workshop,
        "SOSTE ry",
        ("AINO Aalto", "Aino@EXAMPLE.fi"),
        ("Cecilia Carlsson", "cecilia@example.fi"),
        nominator="Olli Other",
    )
    deliver_mail(app)

    # The nominators get a list; each nominee is told who proposed them.
    [thanks] = mailbox.to("nina@nominators.example")
    assert "Aino Aalto" in Mailbox.text(thanks) and "Bertta Berg" in Mailbox.text(thanks)
    informed = mailbox.to("aino@example.fi")
    assert len(informed) == 2, "one information email per nomination"
    assert "SOSTE ry" in " ".join(Mailbox.text(m) for m in informed)

    # Duplicates merged: Aino is one candidate with both nominators.
    people = nominations.candidates(workshop)
    assert [c.name for c in people] == ["Aino Aalto", "Bertta Berg", "Cecilia Carlsson"]
    aino = people[0]
    assert {n.nominator_organisation for n in aino.nominations} == {
        "Hämeen Setlementti ry",
        "SOSTE ry",
    }

    nominations.set_status(workshop, [aino.id, people[2].id], NominationStatus.SELECTED)
    nominations.set_status(workshop, [people[1].id], NominationStatus.NOT_SELECTED)
    invitations.invite_selected(workshop, send_at=None)
    nominations.send_not_selected(workshop)
    db.session.commit()
    mailbox.clear()

    # Invitations go out at the set time, not before.
    deliver_mail(app)
    assert mailbox.to("aino@example.fi") == []
    [polite] = mailbox.to("bertta@example.fi")
    assert "Not selected" in polite["Subject"]
    clock.travel(workshop.invitations_send_at + timedelta(minutes=1))
    deliver_mail(app)
    [invitation_mail] = mailbox.to("aino@example.fi")
    assert "Invitation:" in invitation_mail["Subject"]

    # Aino accepts: a confirmed registration with the confirmation email and calendar.
    accept = link_in(invitation_mail, "/invitations/")
    assert accept.endswith("/accept")
    diet = f"q_{workshop.questions[0].id}"
    page = submit(
        client,
        accept,
        {
            "name": "Aino Aalto",
            "organisation": "Hämeen Setlementti ry",
            "consent": "y",
            diet: "keliakia",
            "sensitive_consent": "y",
        },
        follow_redirects=True,
    )
    assert "You are registered" in text_of(page)
    registration = db.session.scalar(sa.select(Registration))
    assert registration.status == RegistrationStatus.CONFIRMED
    assert registration.source == RegistrationSource.NOMINATION
    # The diet is a sensitive answer: the moment of its explicit consent is kept.
    assert registration.sensitive_consent_at is not None
    deliver_mail(app)
    confirmation = mailbox.to("aino@example.fi")[-1]
    assert "You are registered" in confirmation["Subject"]
    assert [p.get_filename() for p in confirmation.iter_attachments()] == ["invite.ics"]

    # Using the link again is refused clearly.
    again = client.get(accept)
    assert again.status_code == 409
    assert "You have already replied" in text_of(again)

    # Cecilia has not replied: she is reminded three days before the reply-by date.
    mailbox.clear()
    clock.travel(workshop.reply_by - timedelta(days=3) + timedelta(minutes=1))
    deliver_mail(app)
    assert mailbox.to("aino@example.fi") == []
    [reminder] = mailbox.to("cecilia@example.fi")
    assert "Please reply" in reminder["Subject"]

    # After the reply-by date, the link says so and nothing changes.
    clock.travel(workshop.reply_by + timedelta(minutes=1))
    late = client.get(link_in(reminder, "/invitations/"))
    assert late.status_code == 409
    assert "The time to reply has passed" in text_of(late)


def test_declining_takes_one_click_with_an_optional_reason(app, client, workshop, mailbox):
    nominate(workshop, "SOSTE ry", ("Aino Aalto", "aino@example.fi"))
    nominations.set_status(
        workshop, [nominations.candidates(workshop)[0].id], NominationStatus.SELECTED
    )
    invitations.invite_selected(workshop, send_at=clock.now())
    deliver_mail(app)
    [invitation_mail] = [m for m in mailbox.to("aino@example.fi") if "Invitation" in m["Subject"]]
    decline = link_in(invitation_mail, "/invitations/").replace("/accept", "/decline")

    page = submit(client, decline, {"reason": "Lomalla"}, follow_redirects=True)

    assert "You declined the invitation" in text_of(page)
    [invitation] = invitations.invitations(workshop)
    assert invitation.status == InvitationStatus.DECLINED
    assert invitation.decline_reason == "Lomalla"
    assert db.session.scalar(sa.select(sa.func.count(Registration.id))) == 0


def test_an_invitation_to_a_full_event_without_a_waiting_list_says_so_before_the_form(
    app, client, make_event, mailbox
):
    now = clock.now()
    workshop = make_event(
        capacity=1,
        waiting_list=False,
        participation=Participation.INVITATION,
        nominations_close_at=now + timedelta(days=5),
        starts_in=timedelta(days=30),
    )
    people = [invitations.Invitee(name, f"{name.lower()}@example.fi") for name in ("Aino", "Ville")]
    first, _ = invitations.invite_list(workshop, people, send_at=now)
    invitations.accept_invitation(first, name="Aino", organisation="", answers={}, locale="fi")
    db.session.commit()  # the one place is Aino's
    deliver_mail(app)
    ville = link_in(mailbox.to("ville@example.fi")[0], "/invitations/").removesuffix("/accept")

    invited = text_of(client.get(ville))
    form = client.get(ville + "/accept")

    assert "All places have been taken and there is no waiting list." in invited
    assert "Accept" not in invited.replace("Accepted", "")
    assert "Decline" in invited
    assert form.status_code == 409
    assert "The event is full" in text_of(form)
    assert 'name="name"' not in form.get_data(as_text=True)


def test_refusals_write_nothing(app, workshop):
    with pytest.raises(nominations.DuplicateNominee):
        nominate(workshop, "SOSTE ry", ("Aino", "aino@example.fi"), ("Aino A", "AINO@example.fi"))
    db.session.rollback()
    with pytest.raises(nominations.SelfNomination):
        nominate(workshop, "SOSTE ry", ("Nina", "nina@nominators.example"))
    db.session.rollback()
    nominate(workshop, "SOSTE ry", ("A", "a@example.fi"), ("B", "b@example.fi"))
    with pytest.raises(nominations.TooManyFromOrganisation):
        nominate(workshop, "soste RY", ("C", "c@example.fi"))
    db.session.rollback()
    clock.travel(workshop.nominations_close_at + timedelta(minutes=1))
    with pytest.raises(nominations.NominationsClosed):
        nominate(workshop, "Muu ry", ("D", "d@example.fi"))
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(Candidate.id))) == 2


def test_invitation_list_reports_bad_rows_by_line_and_imports_nothing_half():
    people, problems = invitations.read_pasted_list(
        "Aino Aalto; aino@example.fi; SOSTE ry\n"
        "Bertta <bertta@example.fi> Hämeen Setlementti\n"
        "not an address\n"
        "cecilia@example.fi\n"
        "Aino again; AINO@example.fi\n"
        "Äiti; äiti@example.fi\n"
        "Domain with letters; dora@exämple.fi\n"
    )
    assert [p.email for p in people] == [
        "aino@example.fi",
        "bertta@example.fi",
        "cecilia@example.fi",
        "dora@exämple.fi",  # the domain is written in ASCII when mail is sent
    ]
    assert [(p.line, p.message) for p in problems] == [
        (3, "no email address"),
        (5, "this email address is already on the list"),
        (6, "äiti@example.fi has letters like ä or ö before the @"),
    ]
    assert people[1].organisation == "Hämeen Setlementti"


def test_moving_the_send_time_moves_invitations_not_yet_sent(
    app, client, login, make_organiser, make_event, mailbox
):
    from tests.conftest import typed_at
    from tests.test_organiser import edit_event

    owner = make_organiser()
    now = clock.now()
    workshop = make_event(
        owner,
        capacity=10,
        participation=Participation.INVITATION,
        nominations_close_at=now + timedelta(days=10),
        invitations_send_at=now + timedelta(days=20),
        reply_by=now + timedelta(days=30),
        starts_in=timedelta(days=40),
    )
    nominate(workshop, "SOSTE ry", ("Aino Aalto", "aino@example.fi"))
    nominations.set_status(
        workshop, [nominations.candidates(workshop)[0].id], NominationStatus.SELECTED
    )
    invitations.invite_selected(workshop, send_at=None)
    db.session.commit()
    login(owner)
    later = clock.to_local(workshop.invitations_send_at) + timedelta(days=5)

    edit_event(client, workshop.id, **typed_at("invitations_send_at", later))

    def invitations_received():
        return [m for m in mailbox.to("aino@example.fi") if "Invitation:" in m["Subject"]]

    clock.travel(now + timedelta(days=21))
    deliver_mail(app)
    assert invitations_received() == [], "not at the old time"
    clock.travel(now + timedelta(days=25, hours=1))
    deliver_mail(app)
    assert len(invitations_received()) == 1
