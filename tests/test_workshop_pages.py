"""The organisers' workshop pages, through the pages: setting a workshop up in the event
form, reviewing and selecting nominees, inviting them (or a list) at a set time, telling
those not chosen, seeing who never replied, exports, and who may open what.

A real SMTP server receives the mail; app.clock.travel moves time."""

import csv
import io
import re
import sqlite3
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app import clock
from app.extensions import db
from app.invitations import services as invitation_services
from app.invitations.services import invitations as invitations_of
from app.models import (
    Candidate,
    Event,
    Invitation,
    InvitationStatus,
    NominationStatus,
    OutboundEmail,
    Participation,
)
from app.nominations import services as nominations
from app.templating import local_datetime
from tests.conftest import (
    Mailbox,
    csrf_token_in,
    deliver_mail,
    link_in,
    submit,
    text_of,
    typed_moment,
)
from tests.test_organiser import (
    NEXT_YEAR,
    WINTER_DAY,
    create_event_through_form,
    edit_event,
    event_count,
    event_form,
    form_values,
)

TITLE = "Tulevaisuuden sote-keskus: kansallinen sidosryhmätyöpaja"


@pytest.fixture
def owner(make_organiser):
    return make_organiser(email="sara@example.fi", name="Sara Suunnittelija")


@pytest.fixture
def workshop(make_event, owner):
    now = clock.now()
    return make_event(
        owner,
        title=TITLE,
        capacity=2,
        participation=Participation.INVITATION,
        nominations_close_at=now + timedelta(days=20),
        nominees_per_organisation=2,
        themes=["Mielenterveys", "Ikäihmiset", "Lapset ja perheet"],
        invitations_send_at=now + timedelta(days=39),
        reply_by=now + timedelta(days=50),
        invitation_reminder_days=3,
        starts_in=timedelta(days=60),
    )


def nominee(name, email, region="Kanta-Häme", themes=("Mielenterveys",), justification=""):
    return nominations.NomineeDetails(
        name=name,
        email=email,
        organisation=f"{name.split()[1]} ry",
        role="Toiminnanjohtaja",
        region=region,
        themes=list(themes),
        justification=justification,
    )


def propose(event, organisation, nominator, *nominees):
    nominations.submit_nominations(
        event,
        nominator_name=nominator,
        nominator_email=f"{nominator.split()[0].lower()}@nominators.example",
        nominator_organisation=organisation,
        nominees=list(nominees),
        locale="en",
    )
    db.session.commit()


@pytest.fixture
def nominated(workshop):
    """Four nominees from three organisations; Aino is nominated twice."""
    propose(
        workshop,
        "Hämeen Setlementti ry",
        "Nina Nominoija",
        nominee("Aino Aalto", "aino@example.fi", justification="Pitkä kokemus vertaistuesta"),
        nominee("Bertta Berg", "bertta@example.fi", "Pirkanmaa", ["Ikäihmiset"]),
    )
    propose(
        workshop,
        "SOSTE ry",
        "Olli Ojala",
        nominee("Aino Aalto", "AINO@example.fi", themes=["Lapset ja perheet"]),
        nominee("Cecilia Carlsson", "cecilia@example.fi", "Helsinki", ["Lapset ja perheet"]),
    )
    # The same organisation written differently: one organisation for the limit.
    propose(workshop, "soste RY", "Pia Pekkala", nominee("Aino Aalto", "aino@example.fi"))
    propose(
        workshop,
        "Mielenterveyden keskusliitto",
        "Maija Mattila",
        nominee(
            "Daniel Dahl", "daniel@example.fi", "Varsinais-Suomi", ["Mielenterveys", "Ikäihmiset"]
        ),
    )
    return {c.name.split()[0]: c for c in nominations.candidates(workshop)}


def url(event, path=""):
    return f"/organiser/events/{event.id}{path}"


def names_listed(response) -> list[str]:
    return re.findall(r'/nominations/\d+">([^<]+)</a><br>', response.get_data(as_text=True))


def set_status(client, event, people, status):
    return submit(
        client,
        url(event, "/nominations"),
        {"candidates": [person.id for person in people], "new_status": status},
        follow_redirects=True,
    )


def statuses() -> dict[str, NominationStatus]:
    db.session.expire_all()
    return {c.name: c.status for c in db.session.scalars(sa.select(Candidate))}


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def download(client, path: str):
    with client.get(path) as response:
        assert response.status_code == 200, path
        return response, response.get_data()


def planned_invitations(event) -> list[tuple[str, InvitationStatus]]:
    db.session.expire_all()
    return [(i.email, i.status) for i in invitations_of(event)]


# --- the event form -------------------------------------------------------------------

WORKSHOP_FORM = {
    "participation": "invitation",
    **typed_moment("nominations_open_at", f"1.10.{NEXT_YEAR}", "9.00"),
    **typed_moment("nominations_close_at", f"1.11.{NEXT_YEAR}", "16.00"),
    "nominees_per_organisation": "2",
    "self_nomination": "y",
    "themes": "Mielenterveys\r\n  Ikäihmiset \r\n\r\nMielenterveys\r\nLapset ja perheet",
    **typed_moment("invitations_send_at", f"26.11.{NEXT_YEAR}", "9.00"),
    **typed_moment("reply_by", f"5.12.{NEXT_YEAR}", "16.00"),
    "invitation_reminder_days": "5",
}


def test_a_workshop_is_set_up_through_the_event_form_and_its_settings_are_kept(
    client, login, owner
):
    login(owner)
    new_form = client.get("/organiser/events/new")
    assert "Workshop settings Only for participation by invitation" in text_of(new_form)
    assert form_values(new_form, "title")["participation"] == "open"
    assert form_values(new_form, "title")["invitation_reminder_days"] == "3"

    event_id = create_event_through_form(client, **WORKSHOP_FORM)

    event = db.session.get(Event, event_id)
    assert event.participation == Participation.INVITATION
    # Helsinki is UTC+3 until late October, UTC+2 after: typed as Finnish wall-clock time.
    assert (event.nominations_open_at.month, event.nominations_open_at.hour) == (10, 6)
    assert (event.nominations_close_at.day, event.nominations_close_at.hour) == (1, 14)
    assert clock.to_local(event.invitations_send_at).strftime("%m-%d %H:%M") == "11-26 09:00"
    assert clock.to_local(event.reply_by).strftime("%m-%d %H:%M") == "12-05 16:00"
    assert event.nominees_per_organisation == 2
    assert event.self_nomination is True
    assert event.themes == ["Mielenterveys", "Ikäihmiset", "Lapset ja perheet"]
    assert event.invitation_reminder_days == 5

    # The edit form shows what was saved; saving it unchanged changes nothing.
    shown = form_values(client.get(url(event, "/edit")), "title")
    for name, value in WORKSHOP_FORM.items():
        if name != "themes":
            assert shown[name] == value, name
    assert shown["themes"].split("\n") == ["Mielenterveys", "Ikäihmiset", "Lapset ja perheet"]
    saved = edit_event(client, event_id, nominees_per_organisation="3")
    assert "Your changes were saved." in text_of(saved)
    db.session.expire_all()
    assert event.nominees_per_organisation == 3
    assert event.themes == ["Mielenterveys", "Ikäihmiset", "Lapset ja perheet"]
    # Only a workshop has the Nominations and Invitations pages in its menu.
    assert "Overview Nominations Invitations Attendees" in text_of(saved)


def test_workshop_dates_are_checked_against_each_other_and_the_event(client, login, owner):
    login(owner)

    page = submit(
        client,
        "/organiser/events/new",
        {
            **event_form(),
            **WORKSHOP_FORM,
            **typed_moment("nominations_close_at", f"30.9.{NEXT_YEAR}", "9.00"),  # before they open
            **typed_moment(
                "reply_by", f"20.11.{NEXT_YEAR}", "9.00"
            ),  # before the invitations go out
            "nominees_per_organisation": "0",
            "invitation_reminder_days": "",
            "save": "1",
        },
    )

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for target, message in [
        ("#nominations_close_at-date", "Nominations must close after they open"),
        ("#nominees_per_organisation", "The nominees per organisation must be from 1 to 1000"),
        ("#reply_by-date", "The reply-by date must be after the invitations go out"),
        (
            "#invitation_reminder_days",
            "Enter the days before the reply-by date for the reminder, or 0 for none",
        ),
    ]:
        assert f'<a href="{target}">{message}</a>' in html
    assert event_count() == 0

    late = submit(
        client,
        "/organiser/events/new",
        {
            **event_form(),
            **WORKSHOP_FORM,
            **typed_moment("nominations_close_at", WINTER_DAY, "18.00"),  # after the start at 17.00
            **typed_moment("invitations_send_at", WINTER_DAY, "17.00"),
            **typed_moment("reply_by", WINTER_DAY, "17.30"),
            "save": "1",
        },
    )
    html = late.get_data(as_text=True)
    for target, message in [
        ("#nominations_close_at-date", "Nominations must close before the event starts"),
        ("#invitations_send_at-date", "The invitations must go out before the event starts"),
        ("#reply_by-date", "The reply-by date must be before the event starts"),
    ]:
        assert f'<a href="{target}">{message}</a>' in html
    assert event_count() == 0


def test_an_open_event_ignores_the_workshop_settings(client, login, owner):
    login(owner)

    event_id = create_event_through_form(
        client,
        **{
            **WORKSHOP_FORM,
            "participation": "open",
            **typed_moment("nominations_close_at", "not a date", "17.00"),
            **typed_moment("reply_by", f"1.1.{NEXT_YEAR}", "0.00"),
            "invitation_reminder_days": "",
        },
    )

    event = db.session.get(Event, event_id)
    assert event.participation == Participation.OPEN
    assert event.nominations_close_at is None and event.reply_by is None
    # Themes are every event's (the public calendar filters by them); the rest is a
    # workshop's only.
    assert event.themes == ["Mielenterveys", "Ikäihmiset", "Lapset ja perheet"]
    assert event.nominees_per_organisation is None
    assert event.invitation_reminder_days == 3
    overview = text_of(client.get(url(event)))
    assert "Nominations" not in overview and "Invitations" not in overview


# --- reviewing nominees ---------------------------------------------------------------


@pytest.mark.both_databases
def test_the_review_table_filters_and_changes_statuses_in_bulk(client, login, owner, nominated):
    workshop = nominated["Aino"].event
    login(owner)
    page = client.get(url(workshop, "/nominations"))

    assert names_listed(page) == ["Aino Aalto", "Bertta Berg", "Cecilia Carlsson", "Daniel Dahl"]
    shown = text_of(page)
    assert (
        "Aino Aalto aino@example.fi Aalto ry Toiminnanjohtaja Kanta-Häme "
        "Mielenterveys, Lapset ja perheet "
        "Hämeen Setlementti ry , Nina Nominoija: Pitkä kokemus vertaistuesta "
        "SOSTE ry , Olli Ojala soste RY , Pia Pekkala Received"
    ) in shown
    for filters, found in [
        ({"region": "Pirkanmaa"}, ["Bertta Berg"]),
        ({"organisation": "SOSTE ry"}, ["Aino Aalto", "Cecilia Carlsson"]),
        ({"organisation": "Hämeen Setlementti ry"}, ["Aino Aalto", "Bertta Berg"]),
        ({"theme": "Ikäihmiset"}, ["Bertta Berg", "Daniel Dahl"]),
        ({"theme": "Lapset ja perheet", "region": "Helsinki"}, ["Cecilia Carlsson"]),
        ({"status": "selected"}, []),
        ({"status": "nonsense"}, ["Aino Aalto", "Bertta Berg", "Cecilia Carlsson", "Daniel Dahl"]),
    ]:
        filtered = client.get(url(workshop, "/nominations"), query_string=filters)
        assert filtered.status_code == 200, filters
        assert names_listed(filtered) == found, filters
    assert "No nominees found." in text_of(
        client.get(url(workshop, "/nominations?status=selected"))
    )

    # Ticked rows get the chosen status; the filters stay as they were.
    filtered = f"{url(workshop, '/nominations')}?theme=Ikäihmiset"
    done = submit(
        client,
        filtered,
        {
            "candidates": [nominated["Bertta"].id, nominated["Daniel"].id],
            "new_status": "shortlisted",
        },
    )
    assert done.status_code == 303
    assert parse_qs(urlsplit(done.headers["Location"]).query) == {"theme": ["Ikäihmiset"]}
    after = client.get(done.headers["Location"])
    assert "2 nominees are now: Shortlisted." in text_of(after)
    assert statuses() == {
        "Aino Aalto": NominationStatus.RECEIVED,
        "Bertta Berg": NominationStatus.SHORTLISTED,
        "Cecilia Carlsson": NominationStatus.RECEIVED,
        "Daniel Dahl": NominationStatus.SHORTLISTED,
    }
    assert names_listed(client.get(url(workshop, "/nominations?status=shortlisted"))) == [
        "Bertta Berg",
        "Daniel Dahl",
    ]

    # Nothing ticked: an error at the checkboxes, nothing changed.
    nothing = submit(client, url(workshop, "/nominations"), {"new_status": "selected"})
    html = nothing.get_data(as_text=True)
    assert nothing.status_code == 200
    assert '<a href="#candidates-0">Tick at least one nominee</a>' in html
    assert 'id="candidates-0"' in html
    assert statuses()["Aino Aalto"] == NominationStatus.RECEIVED


@pytest.mark.parametrize(
    ("language", "warning"),
    [
        ("en", "2 nominees are selected for 1 place."),
        ("sv", "2 personer har valts till 1 plats."),
    ],
)
def test_more_selected_than_the_one_place_says_one_place(
    client, login, owner, nominated, language, warning
):
    workshop = nominated["Aino"].event
    workshop.capacity = 1
    db.session.commit()
    login(owner)
    set_status(client, workshop, [nominated["Aino"], nominated["Daniel"]], "selected")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language

    page = text_of(client.get(url(workshop, "/nominations")))

    assert warning in page


@pytest.mark.both_databases
def test_counts_show_each_organisation_against_the_limit_and_selected_against_places(
    client, login, owner, nominated
):
    workshop = nominated["Aino"].event
    login(owner)
    set_status(client, workshop, [nominated["Aino"], nominated["Daniel"]], "selected")
    set_status(client, workshop, [nominated["Bertta"]], "not_selected")

    page = text_of(client.get(url(workshop, "/nominations")))

    assert "Received 1 Shortlisted 0 Selected 2 / 2 Not selected 1" in page
    assert "are selected for" not in page  # no more than there are places
    assert "Nominees per nominating organisation (at most 2 each)" in page
    # "SOSTE ry" and "soste RY" are one organisation, named as first written.
    assert (
        "Organisation Nominated Selected Hämeen Setlementti ry 2 / 2 1 "
        "Mielenterveyden keskusliitto 1 / 2 1 SOSTE ry 2 / 2 1"
    ) in page
    assert "soste RY 1" not in page
    assert (
        "Region Nominated Selected Helsinki 1 0 Kanta-Häme 1 1 Pirkanmaa 1 0 Southwest Finland 1 1"
    ) in page
    set_status(client, workshop, [nominated["Cecilia"]], "selected")
    over = text_of(client.get(url(workshop, "/nominations")))
    assert "Selected 3 / 2" in over
    assert "3 nominees are selected for 2 places." in over
    # The limit holds for the organisation however it is written.
    with pytest.raises(nominations.TooManyFromOrganisation):
        propose(workshop, "Soste Ry", "Uusi Ihminen", nominee("Eero Esa", "eero@example.fi"))


def test_notes_are_saved_and_seen_only_by_the_events_organisers(
    app, client, login, owner, nominated, make_organiser, mailbox
):
    workshop = nominated["Aino"].event
    aino = nominated["Aino"]
    page = url(workshop, f"/nominations/{aino.id}")
    note = "Vahva kokemus; kysy saavutettavuustarpeista ennen kutsua."
    other = make_organiser(email="other@example.fi")
    login(owner)

    shown = text_of(client.get(page))
    assert "3 nominations" in shown  # Aino was nominated three times
    assert "Nina Nominoija (nina@nominators.example)" in shown
    assert "Pitkä kokemus vertaistuesta" in shown
    saved = submit(client, page, {"status": "shortlisted", "notes": f"  {note}\r\n"})

    assert saved.status_code == 303
    listing = client.get(saved.headers["Location"])
    assert "Saved: Aino Aalto." in text_of(listing)
    # A link to the notes on Aino's row only.
    html = listing.get_data(as_text=True)
    assert f'{aino.id}">Notes<span class="visually-hidden">: Aino Aalto</span>' in html
    assert html.count(">Notes<span") == 1
    again = client.get(page)
    assert f">{note}</textarea>" in again.get_data(as_text=True)
    assert re.search(r'value="shortlisted"\s+checked', again.get_data(as_text=True))
    db.session.refresh(aino)
    assert aino.notes == note and aino.status == NominationStatus.SHORTLISTED

    # Not another organiser, not the public event page, not any email.
    login(other)
    assert client.get(page).status_code == 404
    assert note not in client.get(url(workshop, "/nominations")).get_data(as_text=True)
    assert note not in client.get(f"/events/{workshop.slug}").get_data(as_text=True)
    deliver_mail(app)
    assert mailbox.messages
    assert not [m for m in mailbox.messages if "saavutettavuus" in Mailbox.text(m)]


# --- invitations ----------------------------------------------------------------------


def test_invitations_planned_for_the_set_time_go_out_then_and_not_before(
    app, client, login, owner, nominated, mailbox
):
    workshop = nominated["Aino"].event
    login(owner)
    set_status(client, workshop, [nominated["Aino"], nominated["Cecilia"]], "selected")
    deliver_mail(app)
    mailbox.clear()
    when = local_datetime(workshop.invitations_send_at)

    page = text_of(client.get(url(workshop, "/invitations")))
    assert "2 selected nominees have not been invited yet: Aino Aalto, Cecilia Carlsson." in page
    assert f"Their invitations will go out on {when}, the time set for this workshop." in page

    done = submit(
        client,
        url(workshop, "/invitations/selected"),
        {},
        form_page=url(workshop, "/invitations"),
        follow_redirects=True,
    )

    assert f"2 invitations will go out on {when}." in text_of(done)
    assert "Aino Aalto aino@example.fi Aalto ry Nomination : Aino Aalto Planned goes out" in (
        text_of(done)
    )
    assert "Planned 2 Sent, no reply yet 0" in text_of(done)
    assert "No selected nominees are waiting for an invitation." in text_of(done)
    assert planned_invitations(workshop) == [
        ("aino@example.fi", InvitationStatus.PLANNED),
        ("cecilia@example.fi", InvitationStatus.PLANNED),
    ]

    clock.travel(workshop.invitations_send_at - timedelta(minutes=1))
    deliver_mail(app)
    assert mailbox.messages == []

    clock.travel(workshop.invitations_send_at + timedelta(minutes=1))
    assert deliver_mail(app) == 2
    for address in ("aino@example.fi", "cecilia@example.fi"):
        [message] = mailbox.to(address)
        assert message["Subject"].startswith("Invitation: Tulevaisuuden sote-keskus")
    sent = text_of(client.get(url(workshop, "/invitations")))
    assert "Planned 0 Sent, no reply yet 2" in sent
    assert "Cecilia Carlsson cecilia@example.fi Carlsson ry Nomination : Cecilia Carlsson Sent" in (
        sent
    )


def test_send_now_sends_the_invitations_at_once(app, client, login, owner, nominated, mailbox):
    workshop = nominated["Aino"].event
    login(owner)
    set_status(client, workshop, [nominated["Daniel"]], "selected")
    deliver_mail(app)
    mailbox.clear()

    done = submit(
        client,
        url(workshop, "/invitations/selected"),
        {"send_now": "y"},
        form_page=url(workshop, "/invitations"),
        follow_redirects=True,
    )

    assert "1 invitation is being sent now." in text_of(done)
    assert deliver_mail(app) == 1
    [message] = mailbox.to("daniel@example.fi")
    assert message["Subject"].startswith("Invitation: Tulevaisuuden sote-keskus")
    assert link_in(message, "/invitations/").endswith("/accept")
    assert planned_invitations(workshop) == [("daniel@example.fi", InvitationStatus.SENT)]


PASTED = (
    "Aino Aalto; aino@example.fi; SOSTE ry\n"
    "Bertta <bertta@example.fi> Hämeen Setlementti\n"
    "Ville Virtanen, not-an-address\n"
    "cecilia@example.fi\n"
    "Aino taas; AINO@example.fi\n"
)


def test_a_pasted_list_with_bad_lines_shows_every_problem_and_imports_nothing(
    app, client, login, owner, workshop
):
    login(owner)
    page = url(workshop, "/invitations/list")

    refused = submit(client, page, {"pasted": PASTED})

    assert refused.status_code == 200
    shown = text_of(refused)
    assert "There is a problem" in shown
    assert "2 lines have a problem. Nothing was imported" in shown
    assert "Line 3: no email address" in shown
    assert "Line 5: this email address is already on the list" in shown
    several = submit(client, page, {"pasted": "aino@example.fi, bertta@example.fi"})
    assert "Line 1: more than one email address" in text_of(several)
    assert PASTED.replace("<", "&lt;").replace(">", "&gt;") in refused.get_data(as_text=True)
    assert planned_invitations(workshop) == []
    assert db.session.scalar(sa.select(sa.func.count(OutboundEmail.id))) == 0

    corrected = PASTED.replace("Ville Virtanen, not-an-address\n", "").replace(
        "Aino taas; AINO@example.fi\n", ""
    )
    done = submit(client, page, {"pasted": corrected}, follow_redirects=True)

    when = local_datetime(workshop.invitations_send_at)
    assert f"3 invitations will go out on {when}." in text_of(done)
    assert "Bertta bertta@example.fi Hämeen Setlementti List Planned" in text_of(done)
    assert planned_invitations(workshop) == [
        ("aino@example.fi", InvitationStatus.PLANNED),
        ("bertta@example.fi", InvitationStatus.PLANNED),
        ("cecilia@example.fi", InvitationStatus.PLANNED),
    ]

    # The same people again are not invited twice.
    twice = submit(
        client, page, {"pasted": "aino@example.fi\ndora@example.fi"}, follow_redirects=True
    )
    assert (
        f"1 invitation will go out on {when}. 1 person on the list had been invited already."
    ) in text_of(twice)
    assert len(planned_invitations(workshop)) == 4


def test_nothing_pasted_or_both_pasted_and_uploaded_is_refused(client, login, owner, workshop):
    login(owner)
    page = url(workshop, "/invitations/list")

    empty = submit(client, page, {"pasted": "  "})
    both = submit(
        client,
        page,
        {"pasted": "aino@example.fi", "upload": (io.BytesIO(b"bertta@example.fi"), "a.csv")},
    )
    wrong_type = submit(client, page, {"upload": (io.BytesIO(b"aino@example.fi"), "lista.txt")})
    # Encoded here: the test client would spool a body this big to a file it never closes.
    boundary, body = encode_multipart(
        {
            "csrf_token": csrf_token_in(empty.get_data(as_text=True)),
            "upload": FileStorage(io.BytesIO(b"a@example.fi\n" * 90_000), "lista.csv"),
        }
    )
    too_big = client.post(page, data=body, content_type=f"multipart/form-data; boundary={boundary}")

    assert "Paste the addresses, or choose a file to upload" in text_of(empty)
    assert "Paste a list or upload a file, not both" in text_of(both)
    assert "Choose a .csv or .xlsx file" in text_of(wrong_type)
    assert "The file must be 1 MB or smaller" in text_of(too_big)
    assert planned_invitations(workshop) == []


def test_an_uploaded_csv_and_xlsx_become_planned_invitations(
    app, client, login, owner, workshop, mailbox
):
    login(owner)
    page = url(workshop, "/invitations/list")
    # As Finnish Excel saves "CSV UTF-8": a BOM, semicolons, a header row.
    csv_file = (
        "\ufeffNimi;Sähköposti;Organisaatio\r\n"
        "Aino Aalto;aino@example.fi;Hämeen Setlementti ry\r\n"
        "Bertta Berg;bertta@example.fi;SOSTE ry\r\n"
    ).encode()
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Nimi", "Sähköposti", "Organisaatio"])
    sheet.append(["Cecilia Carlsson", "cecilia@example.fi", "Mielenterveyden keskusliitto"])
    sheet.append(["Daniel Dahl", "daniel@example.fi", None])
    xlsx_file = io.BytesIO()
    workbook.save(xlsx_file)

    from_csv = submit(
        client, page, {"upload": (io.BytesIO(csv_file), "jasenet.csv")}, follow_redirects=True
    )
    from_xlsx = submit(
        client,
        page,
        {"upload": (io.BytesIO(xlsx_file.getvalue()), "Postituslista.XLSX"), "send_now": "y"},
        follow_redirects=True,
    )

    when = local_datetime(workshop.invitations_send_at)
    assert f"2 invitations will go out on {when}." in text_of(from_csv)
    assert "2 invitations are being sent now." in text_of(from_xlsx)
    db.session.expire_all()
    assert [(i.name, i.organisation, i.status) for i in invitations_of(workshop)] == [
        ("Aino Aalto", "Hämeen Setlementti ry", InvitationStatus.PLANNED),
        ("Bertta Berg", "SOSTE ry", InvitationStatus.PLANNED),
        ("Cecilia Carlsson", "Mielenterveyden keskusliitto", InvitationStatus.PLANNED),
        ("Daniel Dahl", "", InvitationStatus.PLANNED),
    ]
    assert deliver_mail(app) == 2
    assert {m["To"] for m in mailbox.messages} == {"cecilia@example.fi", "daniel@example.fi"}

    # A bad row in an upload is reported by its line in the file.
    bad = submit(
        client,
        page,
        {
            "upload": (
                io.BytesIO(b"name;email\nEero;eero@example.fi\nFiia;fiia(at)example\n"),
                "x.csv",
            )
        },
    )
    assert "Line 3: no email address" in text_of(bad)
    assert "1 line has a problem. Nothing was imported" in text_of(bad)
    assert len(invitations_of(workshop)) == 4


def test_an_uploaded_list_is_read_while_others_can_write(
    app, client, login, owner, workshop, database_url, monkeypatch
):
    """On SQLite the post's transaction takes the one write lock (BEGIN IMMEDIATE): the
    file must be read before it begins, or sign-ups wait for the parse."""
    others_could_write = []

    def reading_the_file(filename, data):
        other = sqlite3.connect(database_url.removeprefix("sqlite:///"), timeout=0)
        try:
            other.execute("BEGIN IMMEDIATE")
            other.rollback()
            others_could_write.append(True)
        except sqlite3.OperationalError:  # database is locked
            others_could_write.append(False)
        finally:
            other.close()
        return read_the_file(filename, data)

    read_the_file = invitation_services.read_uploaded_list
    monkeypatch.setattr(invitation_services, "read_uploaded_list", reading_the_file)
    login(owner)

    done = submit(
        client,
        url(workshop, "/invitations/list"),
        {"upload": (io.BytesIO(b"aino@example.fi\n"), "a.csv")},
        follow_redirects=True,
    )

    assert "1 invitation will go out on" in text_of(done)
    assert others_could_write == [True]


def test_nominees_not_chosen_are_told_once(app, client, login, owner, nominated, mailbox):
    workshop = nominated["Aino"].event
    login(owner)
    set_status(client, workshop, [nominated["Bertta"], nominated["Daniel"]], "not_selected")
    deliver_mail(app)
    mailbox.clear()

    page = text_of(client.get(url(workshop, "/invitations")))
    assert "2 nominees marked “Not selected” have not been told yet." in page
    confirm = text_of(client.get(url(workshop, "/invitations/not-selected")))
    assert "2 nominees marked “Not selected” get a polite email" in confirm
    assert deliver_mail(app) == 0, "nothing is sent before the organiser confirms"

    done = submit(client, url(workshop, "/invitations/not-selected"), {}, follow_redirects=True)

    assert "2 nominees will get the email “Not selected this time”." in text_of(done)
    assert "0 nominees marked “Not selected” have not been told yet. 2 have been told" in (
        text_of(done)
    )
    assert deliver_mail(app) == 2
    assert {m["To"] for m in mailbox.messages} == {"bertta@example.fi", "daniel@example.fi"}
    assert all(m["Subject"].startswith("Not selected this time: ") for m in mailbox.messages)
    again = submit(client, url(workshop, "/invitations/not-selected"), {}, follow_redirects=True)
    assert "0 nominees will get the email" in text_of(again)
    assert deliver_mail(app) == 0


@pytest.mark.both_databases
def test_after_the_reply_by_date_the_page_lists_who_never_replied(
    app, client, login, owner, nominated, mailbox
):
    workshop = nominated["Aino"].event
    login(owner)
    set_status(client, workshop, [nominated["Aino"], nominated["Cecilia"]], "selected")
    set_status(client, workshop, [nominated["Bertta"]], "shortlisted")
    submit(
        client,
        url(workshop, "/invitations/selected"),
        {"send_now": "y"},
        form_page=url(workshop, "/invitations"),
    )
    deliver_mail(app)
    [invitation] = [m for m in mailbox.to("aino@example.fi") if "Invitation" in m["Subject"]]
    accepted = submit(
        client,
        link_in(invitation, "/invitations/"),
        {"name": "Aino Aalto", "organisation": "Aalto ry", "consent": "y"},
        follow_redirects=True,
    )
    assert "You are registered" in text_of(accepted)
    before = text_of(client.get(url(workshop, "/invitations")))
    assert "No reply by the reply-by date" not in before

    clock.travel(workshop.reply_by + timedelta(minutes=1))
    page = client.get(url(workshop, "/invitations"))

    shown = text_of(page)
    assert "Accepted 1 / 2 Declined 0 No reply 1" in shown
    section = shown.split("No reply by the reply-by date")[1].split("Invite the selected")[0]
    assert "Cecilia Carlsson, Carlsson ry (cecilia@example.fi)" in section
    assert "Aino" not in section
    html = page.get_data(as_text=True)
    assert f'href="/organiser/events/{workshop.id}/nominations?status=shortlisted"' in html
    assert "Set a new reply-by date for them first" in shown
    # Inviting more now would give them a reply-by date already past: refused, said why.
    set_status(client, workshop, [nominated["Bertta"]], "selected")
    refused = submit(
        client,
        url(workshop, "/invitations/selected"),
        {"send_now": "y"},
        form_page=url(workshop, "/invitations"),
        follow_redirects=True,
    )
    assert "The reply-by date has passed" in text_of(refused)
    assert "bertta@example.fi" not in [email for email, _ in planned_invitations(workshop)]


# --- attendees and exports ------------------------------------------------------------


@pytest.mark.both_databases
def test_the_attendee_list_and_csv_show_the_way_in_and_who_nominated(
    app, client, login, owner, nominated, mailbox, make_event
):
    workshop = nominated["Aino"].event
    login(owner)
    set_status(client, workshop, [nominated["Aino"]], "selected")
    submit(
        client,
        url(workshop, "/invitations/selected"),
        {"send_now": "y"},
        form_page=url(workshop, "/invitations"),
    )
    submit(
        client,
        url(workshop, "/invitations/list"),
        {
            "pasted": "Ville Virtanen; ville@example.fi; Kumppanuustalo",
            "language": "en",
            "send_now": "y",
        },
    )
    deliver_mail(app)
    for address, name in [("aino@example.fi", "Aino Aalto"), ("ville@example.fi", "Ville V")]:
        [invitation] = [m for m in mailbox.to(address) if "Invitation" in m["Subject"]]
        submit(
            client,
            link_in(invitation, "/invitations/"),
            {"name": name, "organisation": "Oma ry", "consent": "y"},
        )

    attendees = text_of(client.get(url(workshop, "/attendees")))
    csv_data = download(client, url(workshop, "/attendees.csv"))[1]

    assert "Name Email Organisation Status Way in Nominated by" in attendees
    assert (
        "Aino Aalto aino@example.fi Oma ry Confirmed Nomination Hämeen Setlementti ry, SOSTE ry"
        in attendees
    )
    assert "Ville V ville@example.fi Oma ry Confirmed Invitation" in attendees
    rows = csv_rows(csv_data)
    assert rows[0][:9] == [
        "Name",
        "Email",
        "Organisation",
        "Status",
        "Registered",
        "Checked in",
        "Attended",
        "Way in",
        "Nominated by",
    ]
    by_name = {row[0]: row for row in rows[1:]}
    assert by_name["Aino Aalto"][7:9] == ["Nomination", "Hämeen Setlementti ry, SOSTE ry"]
    assert by_name["Ville V"][7:9] == ["Invitation", ""]

    # An open event where everyone signed up has no such columns.
    open_event = make_event(owner, title="Avoin tilaisuus")
    assert "Way in" not in text_of(client.get(url(open_event, "/attendees")))
    assert "Way in" not in download(client, url(open_event, "/attendees.csv"))[1].decode()


@pytest.mark.both_databases
def test_the_nominations_export_opens_as_csv_and_in_excel(client, login, owner, nominated):
    workshop = nominated["Aino"].event
    propose(
        workshop,
        "Kaappaajat ry",
        "Hanna Hakkeri",
        nominee("=HYPERLINK(1) Hakkeri", "hack@example.fi", justification="@SUM(1)"),
    )
    login(owner)
    aino = nominated["Aino"]
    submit(client, url(workshop, f"/nominations/{aino.id}"), {"status": "selected", "notes": "+1"})

    with client.get(url(workshop, "/nominations.csv")) as streamed:
        assert streamed.is_streamed
    response, csv_data = download(client, url(workshop, "/nominations.csv"))
    xlsx_response, xlsx_data = download(client, url(workshop, "/nominations.xlsx"))

    assert response.mimetype == "text/csv"
    assert response.headers["Cache-Control"] == "no-store"
    assert re.fullmatch(
        r'attachment; filename="[a-z0-9-]+-nominations-\d{8}\.csv"'
        r"(; filename\*=UTF-8''\S+-nominations-\d{8}\.csv)?",
        response.headers["Content-Disposition"],
    )
    rows = csv_rows(csv_data)
    assert rows[0] == [
        "Name",
        "Email",
        "Organisation",
        "Role",
        "Region",
        "Themes",
        "Status",
        "Nominating organisations",
        "Nominators and justifications",
        "First nominated",
    ]
    assert [row[0] for row in rows[1:]] == [
        "Aino Aalto",
        "Bertta Berg",
        "Cecilia Carlsson",
        "Daniel Dahl",
        "'=HYPERLINK(1) Hakkeri",
    ]
    aino_row = rows[1]
    assert aino_row[1:9] == [
        "aino@example.fi",
        "Aalto ry",
        "Toiminnanjohtaja",
        "Kanta-Häme",
        "Mielenterveys, Lapset ja perheet",
        "Selected",
        "Hämeen Setlementti ry, SOSTE ry",
        "Nina Nominoija (Hämeen Setlementti ry, nina@nominators.example): "
        "Pitkä kokemus vertaistuesta\n"
        "Olli Ojala (SOSTE ry, olli@nominators.example)\n"
        "Pia Pekkala (soste RY, pia@nominators.example)",
    ]
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d", aino_row[9])
    assert "+1" not in csv_data.decode("utf-8-sig")  # the notes only when asked for
    assert rows[5][8] == "Hanna Hakkeri (Kaappaajat ry, hanna@nominators.example): @SUM(1)"

    assert xlsx_response.mimetype.endswith("spreadsheetml.sheet")
    sheet = openpyxl.load_workbook(io.BytesIO(xlsx_data)).active
    assert sheet.title == "Nominations"
    cells = [
        ["" if value is None else value for value in row]
        for row in sheet.iter_rows(max_col=10, values_only=True)
    ]
    assert cells == rows
    assert not [c for row in sheet.iter_rows() for c in row if c.data_type == "f"]

    page = client.get(url(workshop, "/nominations"))
    assert "Your notes on the nominees are not in these downloads" in text_of(page)
    assert 'nominations.csv?notes=1"' in page.get_data(as_text=True)
    _, with_notes = download(client, url(workshop, "/nominations.csv?notes=1"))
    noted = csv_rows(with_notes)
    assert noted[0][9:] == ["Notes", "First nominated"]
    assert noted[1][9] == "'+1"  # neutralised, like every cell
    _, xlsx_with_notes = download(client, url(workshop, "/nominations.xlsx?notes=1"))
    noted_sheet = openpyxl.load_workbook(io.BytesIO(xlsx_with_notes)).active
    assert [cell.value for cell in noted_sheet[1]][9] == "Notes"
    assert noted_sheet.cell(row=2, column=10).value == "'+1"


# --- who may open what ----------------------------------------------------------------

PAGES = [
    "/nominations",
    "/nominations/{candidate}",
    "/nominations.csv",
    "/nominations.xlsx",
    "/invitations",
    "/invitations/list",
    "/invitations/not-selected",
]
POSTS = [
    ("/nominations", {"candidates": "{candidate}", "new_status": "selected"}),
    ("/nominations/{candidate}", {"status": "selected", "notes": "Kaapattu"}),
    ("/invitations/selected", {"send_now": "y"}),
    ("/invitations/list", {"pasted": "intruder@example.fi", "send_now": "y"}),
    ("/invitations/not-selected", {}),
]


def _fill(path: str, candidate: Candidate) -> str:
    return path.format(candidate=candidate.id)


def _nothing_changed(workshop, aino):
    db.session.expire_all()
    assert aino.status == NominationStatus.NOT_SELECTED
    assert aino.notes == ""
    assert db.session.scalar(sa.select(sa.func.count(Invitation.id))) == 0
    kinds = set(db.session.scalars(sa.select(OutboundEmail.kind)))
    assert kinds <= {"nomination_received", "nominee_informed"}


def test_every_workshop_page_is_closed_to_other_organisers_and_anonymous_visitors(
    client, login, owner, nominated, make_organiser, make_event
):
    workshop = nominated["Aino"].event
    aino = nominated["Aino"]
    nominations.set_status(workshop, [aino.id], NominationStatus.NOT_SELECTED)
    db.session.commit()
    token = csrf_token_in(client.get("/login").get_data(as_text=True))

    for path in PAGES:
        response = client.get(url(workshop, _fill(path, aino)))
        assert response.status_code == 302, path
        location = urlsplit(response.headers["Location"])
        assert location.path == "/login", path
    for path, data in POSTS:
        filled = {name: _fill(value, aino) for name, value in data.items()}
        response = client.post(
            url(workshop, _fill(path, aino)), data={"csrf_token": token, **filled}
        )
        assert response.status_code == 302, path
        assert urlsplit(response.headers["Location"]).path == "/login", path
    _nothing_changed(workshop, aino)

    login(make_organiser(email="intruder@example.fi"))
    token = csrf_token_in(client.get("/organiser/").get_data(as_text=True))
    for path in PAGES:
        response = client.get(url(workshop, _fill(path, aino)))
        assert response.status_code == 404, path
        assert "Aino" not in response.get_data(as_text=True), path
    for path, data in POSTS:
        filled = {name: _fill(value, aino) for name, value in data.items()}
        response = client.post(
            url(workshop, _fill(path, aino)), data={"csrf_token": token, **filled}
        )
        assert response.status_code == 404, path
    _nothing_changed(workshop, aino)

    # The owner: a nominee of another event is not found through this one.
    login(owner)
    other = make_event(owner, title="Toinen työpaja", participation=Participation.INVITATION)
    assert client.get(url(other, f"/nominations/{aino.id}")).status_code == 404
    assert client.get(url(workshop, "/nominations/999999")).status_code == 404
    # And every form needs its CSRF token.
    for path, data in POSTS:
        filled = {name: _fill(value, aino) for name, value in data.items()}
        response = client.post(url(workshop, _fill(path, aino)), data=filled)
        assert response.status_code == 400, path
        assert "The form had expired" in text_of(response), path
    _nothing_changed(workshop, aino)
    for path in PAGES:
        with client.get(url(workshop, _fill(path, aino))) as response:
            assert response.status_code == 200, path
            assert response.headers["Cache-Control"] == "no-store", path
