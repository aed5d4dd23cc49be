"""Standing contact lists: adding people, who may use a list, inviting it to an event or a
series, leaving it by the link in its mail, and its retention and erasure."""

import io
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.invitations.services import Invitee, invite_list
from app.lists import services
from app.lists.inviting import invite_contact_list
from app.models import (
    AuditAction,
    AuditEntry,
    ContactList,
    EmailStatus,
    Invitation,
    InvitationStatus,
    ListMember,
    OutboundEmail,
    Participation,
    Series,
    Token,
)
from app.privacy.export import export_person
from app.privacy.services import erase_person, run_retention
from tests import bombs
from tests.conftest import csrf_token_in, deliver_mail, sign_up, submit, text_of
from tests.test_rate_limits import limited_app
from tests.test_uploads import xlsx

pytestmark = pytest.mark.both_databases


@pytest.fixture
def owner(make_organiser):
    return make_organiser(email="sara@example.fi", name="Sara Koordinaattori")


def make_list(owner, *people, name="Järjestöjen sote-ryhmä", purpose="Sote-ryhmän jäsenet"):
    contact_list = services.create_list(owner, name=name, purpose=purpose)
    services.add_members(
        contact_list,
        [Invitee(*person) if isinstance(person, tuple) else person for person in people],
        locale="fi",
    )
    db.session.commit()
    return contact_list


def make_series(owner, make_event, *, count=3, **details):
    """A monthly series as app.series would make it: occurrences are events of their own."""
    series = Series(slug=f"sote-{count}", title="Sote-ryhmän kuukausitapaaminen", rule={})
    db.session.add(series)
    db.session.flush()
    meetings = [
        make_event(
            owner, title=f"Sote-ryhmä {n + 1}", starts_in=timedelta(days=30 * (n + 1)), **details
        )
        for n in range(count)
    ]
    for meeting in meetings:
        meeting.series_id = series.id
    db.session.commit()
    return series, meetings


def members_of(contact_list):
    return db.session.scalars(
        sa.select(ListMember).where(ListMember.list_id == contact_list.id).order_by(ListMember.id)
    ).all()


# --- adding people -------------------------------------------------------------------------


def test_a_pasted_list_with_problems_adds_nobody_and_names_each_bad_line(client, login, owner):
    contact_list = make_list(owner)
    login(owner)
    pasted = "\n".join(
        [
            "Aino Aalto; aino@example.fi; Hämeen Setlementti ry; fi",
            "Bertil; bertil@@example.fi",
            "Aino again; AINO@example.fi",
            f"{'N' * 201}; long@example.fi",
            "Carl; carl@example.fi; Folkhälsan; klingon",
        ]
    )
    page = submit(
        client, f"/organiser/lists/{contact_list.id}/add", {"pasted": pasted, "language": "fi"}
    )

    text = text_of(page)
    assert "4 lines to correct" in text
    assert "Line 2: bertil@@example.fi is not an email address" in text
    assert "Line 3: this email address is already on the list" in text
    assert "Line 4: a value is too long" in text
    assert "Line 5: klingon is not a language: use fi, sv or en" in text
    assert "Bertil; bertil@@example.fi" in page.get_data(as_text=True)  # the typed list is kept
    assert members_of(contact_list) == []


def test_an_uploaded_workbook_adds_members_with_organisation_and_language(client, login, owner):
    contact_list = make_list(owner, ("Aino Aalto", "aino@example.fi"))
    login(owner)
    workbook = xlsx(
        ["Nimi", "Sähköposti", "Organisaatio", "Kieli"],
        ["Aino Aalto", "aino@example.fi", "SOSTE ry", "fi"],
        ["Bertil Berg", "bertil@example.fi", "Folkhälsan", "svenska"],
        ["Chris Coe", "chris@example.org", "", "en"],
        ["Dora Dahl", "dora@example.fi", "Mielenterveysseura"],
    )
    page = submit(
        client,
        f"/organiser/lists/{contact_list.id}/add",
        {"upload": (io.BytesIO(workbook), "jasenet.xlsx"), "language": "sv"},
        content_type="multipart/form-data",
        follow_redirects=True,
    )

    assert "3 people were added to the list. 1 was on the list already." in text_of(page)
    added = {m.email: (m.organisation, m.locale) for m in members_of(contact_list)}
    assert added == {
        "aino@example.fi": ("", "fi"),
        "bertil@example.fi": ("Folkhälsan", "sv"),
        "chris@example.org": ("", "en"),
        "dora@example.fi": ("Mielenterveysseura", "sv"),  # the language chosen on the form
    }


def test_a_hostile_workbook_is_refused_at_the_file_field(client, login, owner, tmp_path):
    contact_list = make_list(owner)
    login(owner)
    path = tmp_path / "pommi.xlsx"
    bombs.many_members(path, members=300, huge=50_000_000)
    page = submit(
        client,
        f"/organiser/lists/{contact_list.id}/add",
        {"upload": (io.BytesIO(path.read_bytes()), "pommi.xlsx"), "language": "fi"},
        content_type="multipart/form-data",
    )
    assert page.status_code == 200
    assert "Error: Add people" in text_of(page)
    assert members_of(contact_list) == []


# --- who may use a list --------------------------------------------------------------------


def test_a_co_organiser_uses_the_list_but_not_its_sharing_and_a_stranger_finds_nothing(
    client, login, owner, make_organiser
):
    co = make_organiser(email="co@example.fi", name="Co Organiser")
    stranger = make_organiser(email="stranger@example.fi", name="Stranger")
    contact_list = make_list(owner, ("Aino Aalto", "aino@example.fi"))
    login(owner)
    shared = submit(
        client,
        f"/organiser/lists/{contact_list.id}/sharing",
        {"email": "CO@example.fi"},
        follow_redirects=True,
    )
    assert "Co Organiser may now use the list." in text_of(shared)
    client.post("/logout", data={"csrf_token": csrf_token_in(shared.get_data(as_text=True))})

    login(co)
    lists = text_of(client.get("/organiser/lists/"))
    assert "Järjestöjen sote-ryhmä" in lists and "Sara Koordinaattori" in lists
    assert "Aino Aalto" in text_of(client.get(f"/organiser/lists/{contact_list.id}"))
    added = submit(
        client,
        f"/organiser/lists/{contact_list.id}/add",
        {"pasted": "Bertil; bertil@example.fi", "language": "sv"},
        follow_redirects=True,
    )
    assert "1 person was added to the list." in text_of(added)
    assert client.get(f"/organiser/lists/{contact_list.id}/sharing").status_code == 404
    assert client.get(f"/organiser/lists/{contact_list.id}/delete").status_code == 404
    page = client.get("/organiser/lists/")
    client.post("/logout", data={"csrf_token": csrf_token_in(page.get_data(as_text=True))})

    login(stranger)
    assert "Järjestöjen sote-ryhmä" not in text_of(client.get("/organiser/lists/"))
    for path in ("", "/add", "/invite", "/edit", f"/members/{members_of(contact_list)[0].id}"):
        assert client.get(f"/organiser/lists/{contact_list.id}{path}").status_code == 404
    # Viewing the members is in the audit log, as viewing attendees is.
    viewers = db.session.scalars(
        sa.select(AuditEntry.actor).where(AuditEntry.action == AuditAction.VIEWED_LIST_MEMBERS)
    ).all()
    assert set(viewers) == {"Co Organiser <co@example.fi>"}


def test_the_owner_deletes_the_list_after_confirming_and_its_planned_invitations_go(
    client, login, owner, make_event
):
    contact_list = make_list(owner, ("Aino Aalto", "aino@example.fi"))
    meeting = make_event(owner, starts_in=timedelta(days=30))
    invite_contact_list(contact_list, [meeting], now=clock.now(), days_before=7)
    db.session.commit()
    login(owner)
    page = client.get(f"/organiser/lists/{contact_list.id}/delete")
    assert "The list and its 1 member are deleted for good." in text_of(page)
    done = submit(client, f"/organiser/lists/{contact_list.id}/delete", {}, follow_redirects=True)
    assert "The list Järjestöjen sote-ryhmä was deleted." in text_of(done)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ListMember)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Invitation)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(OutboundEmail)) == 0


# --- inviting a list -----------------------------------------------------------------------


def test_a_list_invited_to_a_series_gets_one_invitation_per_member_per_coming_meeting(
    client, login, owner, make_event
):
    series, meetings = make_series(owner, make_event, count=3)
    cancelled = make_event(owner, title="Peruttu", starts_in=timedelta(days=120))
    cancelled.series_id = series.id
    cancelled.status = "cancelled"
    contact_list = make_list(
        owner,
        Invitee("Aino Aalto", "aino@example.fi", "SOSTE ry", "fi"),
        Invitee("Bertil Berg", "bertil@example.fi", "Folkhälsan", "sv"),
        Invitee("Chris Coe", "chris@example.org", "", "en"),
        Invitee("Dora Dahl", "dora@example.fi"),
    )
    members = {m.email: m for m in members_of(contact_list)}
    members["dora@example.fi"].left_at = clock.now()  # she left the list
    invite_list(meetings[0], [Invitee("Aino Aalto", "aino@example.fi")], send_at=None)
    db.session.commit()
    sign_up(client, meetings[1], email="bertil@example.fi", name="Bertil Berg")
    login(owner)

    page = submit(
        client,
        f"/organiser/lists/{contact_list.id}/invite",
        {"target": f"series-{series.id}", "when": "before", "days_before": "7"},
        follow_redirects=True,
    )

    text = text_of(page)
    assert "7 invitations were planned for 3 meetings." in text
    assert (
        "Not invited: 1 member who left the list; 1 time someone was already invited to the "
        "meeting; 1 time someone was already registered for the meeting." in text
    )
    invitations = db.session.scalars(
        sa.select(Invitation).where(Invitation.list_member_id.is_not(None))
    ).all()
    planned = {(i.event_id, i.email) for i in invitations}
    assert planned == {
        (meetings[0].id, "bertil@example.fi"),
        (meetings[0].id, "chris@example.org"),
        (meetings[1].id, "aino@example.fi"),
        (meetings[1].id, "chris@example.org"),
        (meetings[2].id, "aino@example.fi"),
        (meetings[2].id, "bertil@example.fi"),
        (meetings[2].id, "chris@example.org"),
    }
    for invitation in invitations:
        assert invitation.send_at == invitation.event.starts_at - timedelta(days=7)
        assert invitation.locale == members[invitation.email].locale
        assert invitation.status == InvitationStatus.PLANNED


def test_a_list_invitation_to_an_open_meeting_arrives_in_the_members_language_and_is_accepted(
    app, client, owner, make_event, mailbox
):
    meeting = make_event(owner, title="Avoin kahvihetki", participation=Participation.OPEN)
    contact_list = make_list(owner, Invitee("Bertil Berg", "bertil@example.fi", "", "sv"))
    invite_contact_list(contact_list, [meeting], now=clock.now(), days_before=None)
    db.session.commit()
    deliver_mail(app)

    [message] = mailbox.to("bertil@example.fi")
    body = mailbox.text(message)
    leave = re.search(r"http://kutsu\.test(/lists/leave/[\w-]+)", body).group(1)
    assert message["List-Unsubscribe"] == f"<http://kutsu.test{leave}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert (
        "Du får detta eftersom du finns på listan Järjestöjen sote-ryhmä (Sote-ryhmän jäsenet)."
        in body
    )
    assert leave in mailbox.html(message)
    accept = re.search(r"http://kutsu\.test(/invitations/[\w-]+/accept)", body).group(1)
    done = submit(client, accept, {"name": "Bertil Berg", "consent": "y"}, follow_redirects=True)
    assert done.status_code == 200
    assert db.session.scalar(sa.select(Invitation.status)) == InvitationStatus.ACCEPTED


# --- leaving -------------------------------------------------------------------------------


def _leave_link(app, mailbox, contact_list, event, address):
    invite_contact_list(contact_list, [event], now=clock.now(), days_before=None)
    db.session.commit()
    deliver_mail(app)
    [message] = mailbox.to(address)
    return re.search(r"http://kutsu\.test(/lists/leave/[\w-]+)", mailbox.text(message)).group(1)


def test_opening_the_link_only_asks_and_the_button_leaves_and_cancels_planned_invitations(
    app, client, owner, make_event, mailbox
):
    first = make_event(owner, title="Tammikuu", starts_in=timedelta(days=20))
    later = make_event(owner, title="Helmikuu", starts_in=timedelta(days=50))
    contact_list = make_list(owner, ("Aino Aalto", "aino@example.fi"))
    link = _leave_link(app, mailbox, contact_list, first, "aino@example.fi")
    # An invitation to the later meeting is planned for 7 days before it: not sent yet.
    invite_contact_list(contact_list, [later], now=clock.now(), days_before=7)
    db.session.commit()

    page = client.get(link)
    assert "Leave the list Järjestöjen sote-ryhmä" in text_of(page)
    assert members_of(contact_list)[0].left_at is None  # a scanner's GET leaves no one

    done = submit(client, link, {}, follow_redirects=True)
    text = text_of(done)
    assert "You were removed from the list Järjestöjen sote-ryhmä." in text
    assert "1 invitation not yet sent to you was cancelled." in text
    db.session.expire_all()
    assert members_of(contact_list)[0].left_at is not None
    remaining = db.session.scalars(sa.select(Invitation.event_id)).all()
    assert remaining == [first.id]  # the one already sent still works
    assert client.get(link).status_code == 404  # the link has done its work

    shown = client.get(f"/organiser/lists/{contact_list.id}")
    assert shown.status_code in (302, 401)  # the list page is for organisers only


def test_a_mail_clients_one_click_post_needs_no_csrf_token_but_any_other_post_does(
    app, client, owner, make_event, mailbox
):
    event = make_event(owner)
    contact_list = make_list(owner, ("Aino Aalto", "aino@example.fi"))
    link = _leave_link(app, mailbox, contact_list, event, "aino@example.fi")

    forged = client.post(link, data={"something": "else"})
    assert forged.status_code == 400
    db.session.expire_all()
    assert members_of(contact_list)[0].left_at is None

    one_click = client.post(link, data={"List-Unsubscribe": "One-Click"})
    assert one_click.status_code == 303
    db.session.expire_all()
    assert members_of(contact_list)[0].left_at is not None


def test_the_link_of_a_removed_member_dies_with_them(
    app, client, login, owner, make_event, mailbox
):
    event = make_event(owner)
    contact_list = make_list(owner, ("Aino Aalto", "aino@example.fi"))
    link = _leave_link(app, mailbox, contact_list, event, "aino@example.fi")
    assert client.get(link).status_code == 200
    login(owner)
    member = members_of(contact_list)[0]
    done = submit(
        client,
        f"/organiser/lists/{contact_list.id}/members/{member.id}/remove",
        {},
        follow_redirects=True,
    )
    assert "Aino Aalto was removed from the list." in text_of(done)
    assert client.get(link).status_code == 404
    assert (
        db.session.scalar(
            sa.select(sa.func.count()).select_from(Token).where(Token.purpose == "list_unsubscribe")
        )
        == 0
    )


def test_the_list_page_shows_who_left_and_when(client, login, owner):
    contact_list = make_list(owner, ("Aino Aalto", "aino@example.fi"), ("Bertil", "b@example.fi"))
    members_of(contact_list)[1].left_at = clock.now()
    db.session.commit()
    login(owner)
    text = text_of(client.get(f"/organiser/lists/{contact_list.id}"))
    members, left = text.split("Who left the list, and when")
    assert "Aino Aalto" in members and "Bertil" not in members.split("Left the list")[-1]
    assert "Bertil" in left


# --- retention and erasure -----------------------------------------------------------------


def test_a_member_who_left_is_erased_after_the_set_days_and_unused_lists_are_flagged(
    app, client, login, owner
):
    contact_list = make_list(owner, ("Aino Aalto", "aino@example.fi"), ("Bertil", "b@example.fi"))
    members_of(contact_list)[0].left_at = clock.now()
    db.session.commit()
    days = app.config["LIST_MEMBER_DAYS_AFTER_LEAVING"]

    assert run_retention(clock.now() + timedelta(days=days - 1)).list_members_who_left == 0
    assert run_retention(clock.now() + timedelta(days=days + 1)).list_members_who_left == 1
    db.session.commit()
    assert [m.email for m in members_of(contact_list)] == ["b@example.fi"]

    login(owner)
    assert "Not used for" not in text_of(client.get("/organiser/lists/"))
    clock.travel(clock.now() + timedelta(days=400))
    assert "Not used for 12 months" in text_of(client.get("/organiser/lists/"))


def test_a_persons_erasure_removes_them_from_every_list_and_their_export_lists_them(
    owner, make_organiser
):
    other = make_organiser(email="other@example.fi")
    first = make_list(owner, ("Aino Aalto", "aino@example.fi", "SOSTE ry"))
    second = make_list(other, ("Aino A.", "AINO@example.fi"), name="Toinen lista", purpose="")
    make_list(owner, ("Bertil", "b@example.fi"), name="Kolmas")

    exported = export_person("aino@example.fi", clock.now())
    assert {row["list"] for row in exported["contact_lists"]} == {
        "Järjestöjen sote-ryhmä",
        "Toinen lista",
    }
    erase_person("aino@example.fi")
    db.session.commit()
    assert members_of(first) == [] and members_of(second) == []
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ListMember)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ContactList)) == 3
    assert (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(OutboundEmail)
            .where(OutboundEmail.status == EmailStatus.PENDING)
        )
        == 0
    )


# --- demo data -----------------------------------------------------------------------------


def test_the_demo_organiser_has_the_sote_groups_list_once(runner):
    from app.demo.data import DEMO_EMAIL, SOTE_GROUP

    for _ in range(2):
        assert runner.invoke(args=["demo", "load"]).exit_code == 0
    db.session.rollback()
    [contact_list] = db.session.scalars(sa.select(ContactList)).all()
    assert (contact_list.name, contact_list.owner.email) == (SOTE_GROUP, DEMO_EMAIL)
    people = members_of(contact_list)
    assert len(people) == 25
    assert {person.locale for person in people} == {"fi", "sv", "en"}
    assert all(person.email.endswith("@example.org") for person in people)


def test_posts_to_leave_links_count_against_the_public_forms_limit(app, owner, make_event, mailbox):
    event = make_event(owner)
    contact_list = make_list(owner, ("Aino Aalto", "aino@example.fi"))
    link = _leave_link(app, mailbox, contact_list, event, "aino@example.fi")
    client = limited_app(app, RATELIMIT_PUBLIC_FORMS="2 per minute").test_client()

    guesses = [
        client.post(f"/lists/leave/guess{n}", data={"List-Unsubscribe": "One-Click"})
        for n in range(2)
    ]
    assert [guess.status_code for guess in guesses] == [404, 404]
    refused = client.post(link, data={"List-Unsubscribe": "One-Click"})
    assert refused.status_code == 429
    db.session.expire_all()
    assert members_of(contact_list)[0].left_at is None


def test_the_invite_page_plans_invitations_two_weeks_before_each_meeting_by_default(
    client, login, owner, make_event
):
    make_event(owner)
    contact_list = make_list(owner, ("Aino Aalto", "aino@example.fi"))
    login(owner)

    page = client.get(f"/organiser/lists/{contact_list.id}/invite").text

    assert re.search(r'<input[^>]*value="before"[^>]*checked', page)
    assert not re.search(r'<input[^>]*value="now"[^>]*checked', page)
    assert re.search(r'<input[^>]*id="days_before"[^>]*value="14"', page)
