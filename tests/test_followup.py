"""Follow-up and materials (app.followup): what a file really is, the organisers' pages,
the follow-up messages chosen by attendance when they are due, and the personal links
to the materials."""

import time
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask import current_app

from app import clock
from app.extensions import db
from app.followup import files, services
from app.followup.sending import queue_due_follow_ups
from app.models import (
    FollowUpAudience,
    FollowUpMessage,
    Material,
    OutboundEmail,
    Registration,
    Token,
    TokenPurpose,
)
from app.privacy.services import purge_expired
from app.signup.services import register_for_event
from app.uploads import UploadRefused
from tests import followup_files as sample
from tests.conftest import Mailbox, deliver_mail, link_in, submit, text_of

# --- what a file is ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("Diat.pdf", sample.PDF, "application/pdf"),
        ("kuva.PNG", sample.PNG, "image/png"),
        ("muistio.docx", sample.docx(), files.DOCX.content_type),
        ("muistio.odt", sample.odt(), files.ODT.content_type),
        ("osallistujat.csv", "nimi;kunta\nÄijä;Hämeenlinna\n".encode(), "text/csv; charset=utf-8"),
        ("muistiinpanot.txt", b"Kiitos!\n", "text/plain; charset=utf-8"),
    ],
)
def test_a_file_is_known_by_its_content(name, data, content_type):
    assert files.identify(name, data).content_type == content_type


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("sivu.html", sample.HTML),
        ("kuva.svg", sample.SVG),
        ("ohjelma.exe", sample.EXE),
        ("diat.pdf", sample.EXE),  # a program named as a PDF
        ("diat.pdf", sample.HTML),
        ("diat.pdf", sample.PNG),  # a picture named as a PDF
        (
            "makrot.docx",
            sample.zipped({"[Content_Types].xml": b"<Types/>", "word/vbaProject.bin": b"x"}),
        ),
        ("arkisto.zip", sample.zipped({"a.txt": b"a"})),
    ],
)
def test_other_files_are_refused(name, data):
    with pytest.raises(UploadRefused):
        files.identify(name, data)


def test_a_zip_bomb_named_docx_is_refused_without_unpacking_it():
    bomb = sample.docx_bomb()
    started = time.monotonic()
    with pytest.raises(UploadRefused, match="too much data"):
        files.identify("muistio.docx", bomb)
    assert time.monotonic() - started < 0.5


def test_a_stored_name_is_safe_for_a_link_and_a_download():
    assert (
        files.safe_filename("../../Ääkköset ja <script>.pdf", files.PDF) == "Aakkoset-ja-script.pdf"
    )
    assert files.safe_filename("kuva.jpeg", files.JPEG) == "kuva.jpeg"
    assert files.safe_filename("...", files.PDF) == "file.pdf"


# --- the organisers' pages -------------------------------------------------------------


@pytest.fixture
def event(app, make_event, make_organiser, login):
    owner = make_organiser(email="olli@example.fi")
    login(owner)
    event = make_event(owner, title="Järjestöjen kevätpäivä")
    event.owner = owner
    return event


def materials_url(event) -> str:
    return f"/organiser/events/{event.id}/materials"


def upload(client, event, name: str, data: bytes, title="Diat"):
    import io

    return submit(
        client,
        f"{materials_url(event)}/file",
        {"file-title": title, "file-upload": (io.BytesIO(data), name)},
        form_page=materials_url(event),
        content_type="multipart/form-data",
    )


@pytest.mark.both_databases
def test_an_organiser_adds_files_and_links_and_orders_them(client, event):
    assert upload(client, event, "Diat kevätpäivältä.pdf", sample.PDF).status_code == 303
    link = submit(
        client,
        f"{materials_url(event)}/link",
        {"link-title": "Tallenne", "link-url": "https://video.example.fi/kevatpaiva"},
        form_page=materials_url(event),
    )
    assert link.status_code == 303
    stored = db.session.scalars(sa.select(Material).order_by(Material.position)).all()
    assert [(m.title, m.filename, m.url) for m in stored] == [
        ("Diat", "Diat-kevatpaivalta.pdf", None),
        ("Tallenne", "", "https://video.example.fi/kevatpaiva"),
    ]
    submit(
        client,
        f"{materials_url(event)}/{stored[1].id}/move",
        {"direction": "up"},
        form_page=materials_url(event),
    )
    page = text_of(client.get(materials_url(event)))
    assert page.index("Tallenne") < page.index("Diat-kevatpaivalta.pdf")
    submit(
        client, f"{materials_url(event)}/{stored[0].id}/delete", {}, form_page=materials_url(event)
    )
    db.session.expire_all()
    assert db.session.scalars(sa.select(Material.title)).all() == ["Tallenne"]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("diat.pdf", sample.EXE, "Choose a PDF, Word"),
        ("diat.pdf", sample.PNG, "does not match what it contains"),
        ("sivu.html", sample.HTML, "Choose a PDF, Word"),
        ("muistio.docx", sample.docx_bomb(), "unpacks to too much data"),
    ],
)
def test_hostile_uploads_are_refused_at_the_field(client, event, name, data, message):
    started = time.monotonic()
    response = upload(client, event, name, data)
    assert time.monotonic() - started < 2
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="file-upload-error"' in html and message in html
    assert "<title>Error:" in html
    assert db.session.scalar(sa.select(sa.func.count(Material.id))) == 0


def test_a_file_over_the_limit_is_refused_at_the_field_and_far_over_it_unread(app, client, event):
    app.config["MATERIAL_MAX_FILE_BYTES"] = 1000
    response = upload(client, event, "diat.pdf", sample.PDF + b" " * 1000)
    assert response.status_code == 200
    assert "The file must be 0 MB or smaller" in text_of(response)
    # Far over the limit: refused from its length, before anything is read.
    response = client.post(
        f"{materials_url(event)}/file",
        data=b"-" * (2 * 1024 * 1024),
        content_type="multipart/form-data; boundary=x",
    )
    assert response.status_code == 413
    assert "Nothing was saved" in text_of(response)
    assert db.session.scalar(sa.select(sa.func.count(Material.id))) == 0


def test_the_events_files_together_are_bounded(app, client, event):
    app.config["MATERIAL_MAX_EVENT_BYTES"] = len(sample.PDF) + 10
    assert upload(client, event, "eka.pdf", sample.PDF).status_code == 303
    response = upload(client, event, "toka.pdf", sample.PDF)
    assert response.status_code == 200
    assert "files may take" in text_of(response)


def test_a_link_must_be_http_or_https(client, event):
    for url in ("javascript:alert(1)", "ftp://example.fi/x", "example.fi", "https://"):
        response = submit(
            client,
            f"{materials_url(event)}/link",
            {"link-title": "X", "link-url": url},
            form_page=materials_url(event),
        )
        assert "Enter an address that starts with https://" in text_of(response), url
    assert db.session.scalar(sa.select(sa.func.count(Material.id))) == 0


def test_who_may_open_the_follow_up_pages(app, client, event, make_organiser, login):
    from app.accounts.services import add_co_organiser
    from app.models import OrganiserRole

    pages = [materials_url(event), f"/organiser/events/{event.id}/follow-up"]
    kaisa = make_organiser(email="kaisa@example.fi", name="Kaisa Kumppani")
    helper = make_organiser(email="helmi@example.fi", name="Helmi Apuri")
    add_co_organiser(event, "kaisa@example.fi")
    add_co_organiser(event, "helmi@example.fi", OrganiserRole.HELPER)
    db.session.commit()
    login(kaisa)
    assert [client.get(page).status_code for page in pages] == [200, 200]
    login(helper)  # a check-in helper sees names and marks arrival, nothing else
    assert [client.get(page).status_code for page in pages] == [404, 404]
    anonymous = app.test_client()
    for page in pages:
        response = anonymous.get(page)
        assert response.status_code == 302 and "/login" in response.location
        assert response.headers["Cache-Control"] == "no-store"


def test_another_organisers_event_has_no_materials_page(client, event, make_event):
    other = make_event(title="Toisen tapahtuma")
    assert client.get(materials_url(other)).status_code == 404
    assert client.get(f"/organiser/events/{other.id}/follow-up").status_code == 404


# --- follow-up messages ------------------------------------------------------------------


def people(event, mailbox=None):
    """Three who came (fi, sv, en), one who did not, one not marked; their confirmations
    delivered and, given the mailbox, cleared from it."""
    made = {}
    for name, locale, attended in [
        ("Aino", "fi", True),
        ("Sven", "sv", True),
        ("Emma", "en", True),
        ("Pekka", "fi", False),
        ("Liisa", "fi", None),
    ]:
        result = register_for_event(
            event,
            name=name,
            email=f"{name.lower()}@example.fi",
            organisation="",
            answers={},
            locale=locale,
        )
        result.registration.attended = attended
        made[name] = result.registration
    db.session.commit()
    deliver_mail(current_app)
    if mailbox is not None:
        mailbox.clear()
    return made


def add_slides(event) -> None:
    db.session.add(
        Material(
            event_id=event.id,
            title="Diat",
            filename="diat.pdf",
            content_type="application/pdf",
            size=len(sample.PDF),
            data=sample.PDF,
        )
    )
    db.session.commit()


def draft(subject, body="Kiitos osallistumisesta!", materials=True, **translations):
    return services.Draft(subject, body, translations, materials)


def write(event, attended=None, absent=None, send_after=None):
    services.save_follow_up(
        event,
        event.owner,
        {FollowUpAudience.ATTENDED: attended, FollowUpAudience.ABSENT: absent},
        send_after or services.default_send_time(event),
    )
    db.session.commit()


def test_the_default_time_is_nine_the_next_morning_in_helsinki(event):
    event.ends_at = clock.from_local(clock.to_local(event.ends_at).replace(hour=21, minute=30))
    due = clock.to_local(services.default_send_time(event))
    assert (due.date() - clock.to_local(event.ends_at).date()).days == 1
    assert (due.hour, due.minute) == (9, 0)


@pytest.mark.both_databases
def test_the_people_are_chosen_from_attendance_when_the_messages_are_due(app, event, mailbox):
    made = people(event, mailbox)
    add_slides(event)
    write(
        event,
        attended=draft("Kiitos", sv={"subject": "Tack", "body": "Tack för att du kom!"}),
        absent=draft("Harmi, ettet päässyt", "Ensi kerralla!", materials=False),
    )
    assert queue_due_follow_ups() == 0  # not due yet
    # Marked after writing: still counts.
    made["Liisa"].attended = False
    db.session.commit()
    clock.travel(services.default_send_time(event) + timedelta(minutes=1))
    assert queue_due_follow_ups() == 2
    assert queue_due_follow_ups() == 0  # once only
    deliver_mail(app)
    to = {message["To"].split("@")[0]: message for message in mailbox.messages}
    assert sorted(to) == ["aino", "emma", "liisa", "pekka", "sven"]
    assert to["aino"]["Subject"].startswith("Kiitos – ")
    assert to["sven"]["Subject"].startswith("Tack – ")
    assert "Tack för att du kom!" in Mailbox.text(to["sven"])
    # Emma reads English; no English version: the Finnish one, marked as Finnish.
    assert '<div lang="fi">' in Mailbox.html(to["emma"])
    assert "Materials" in Mailbox.text(to["emma"])
    assert "/materials/" not in Mailbox.text(to["pekka"])
    assert "Ensi kerralla!" in Mailbox.text(to["liisa"])
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Token.id)).where(Token.purpose == TokenPurpose.MATERIALS)
        )
        == 3
    )


@pytest.mark.both_databases
def test_a_follow_up_can_be_changed_or_cancelled_until_it_goes(app, client, event, mailbox):
    people(event, mailbox)
    write(event, attended=draft("Kiitos"))
    write(event, attended=draft("Kiitos paljon"), absent=draft("Harmi"))
    assert {m.subject for m in db.session.scalars(sa.select(FollowUpMessage))} == {
        "Kiitos paljon",
        "Harmi",
    }
    response = submit(
        client,
        f"/organiser/events/{event.id}/follow-up/cancel",
        {},
        form_page=f"/organiser/events/{event.id}/follow-up",
    )
    assert response.status_code == 303
    clock.travel(services.default_send_time(event) + timedelta(hours=1))
    assert queue_due_follow_ups() == 0
    assert deliver_mail(app) == 0
    # Written again after the cancel: it goes.
    write(event, attended=draft("Kiitos"), send_after=clock.now() + timedelta(minutes=5))
    clock.travel(clock.now() + timedelta(minutes=6))
    assert queue_due_follow_ups() == 1
    with pytest.raises(services.AlreadySent):
        write(event, attended=draft("Liian myöhään"))
    db.session.rollback()


def test_the_follow_up_form_keeps_what_was_typed_and_says_what_is_wrong(client, event):
    url = f"/organiser/events/{event.id}/follow-up"
    response = submit(
        client,
        url,
        {
            "attended-subject": "Kiitos",
            "attended-body": "",
            "absent-subject": "",
            "absent-body": "Teksti ilman otsikkoa",
            "send_at-date": "1.1.2020",
            "send_at-time": "9.00",
        },
    )
    assert response.status_code == 200
    page = text_of(response)
    assert page.startswith("Error:") or "<title>Error:" in response.get_data(as_text=True)
    assert "Enter the message, or leave the subject empty" in page
    assert "Enter the subject, or leave this message empty" in page
    assert "The date and time must be after the event has ended" in page
    assert 'value="Kiitos"' in response.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(FollowUpMessage.id))) == 0


def test_the_page_says_who_gets_neither(client, event):
    people(event)
    page = text_of(client.get(f"/organiser/events/{event.id}/follow-up"))
    assert "1 person's attendance is not marked: they get neither message" in page


# --- the personal link -----------------------------------------------------------------


@pytest.fixture
def sent(app, event, mailbox):
    made = people(event, mailbox)
    add_slides(event)
    write(event, attended=draft("Kiitos"))
    clock.travel(services.default_send_time(event) + timedelta(minutes=1))
    queue_due_follow_ups()
    deliver_mail(app)
    message = next(m for m in mailbox.messages if m["To"].startswith("aino@"))
    return made, link_in(message, "/materials/")


@pytest.mark.both_databases
def test_the_personal_link_serves_the_file_as_a_download(client, sent):
    _, link = sent
    page = client.get(link)
    assert page.status_code == 200 and "Diat" in text_of(page)
    material = db.session.scalar(sa.select(Material))
    download = client.get(f"{link}/{material.id}/diat.pdf")
    assert download.status_code == 200
    assert download.data == sample.PDF
    assert download.headers["Content-Type"] == "application/pdf"
    assert download.headers["Content-Disposition"] == "attachment; filename=diat.pdf"
    assert download.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in download.headers["Cache-Control"]


@pytest.mark.both_databases
def test_a_large_file_streams_out_whole_piece_by_piece(client, event):
    from app.followup.access import CHUNK_BYTES, issue_materials_token

    data = bytes(range(256)) * (CHUNK_BYTES // 256 * 2 + 3)  # two pieces and a bit
    notes = Material(
        event_id=event.id,
        title="Muistiinpanot",
        filename="muistiinpanot.csv",
        content_type="text/csv; charset=utf-8",
        size=len(data),
        data=data,
    )
    registration = register_for_event(
        event, name="Aino", email="aino@example.fi", organisation="", answers={}, locale="fi"
    ).registration
    db.session.add(notes)
    db.session.flush()
    raw = issue_materials_token(registration)
    db.session.commit()
    download = client.get(f"/materials/{raw}/{notes.id}/muistiinpanot.csv")
    assert download.status_code == 200
    assert download.data == data
    assert download.headers["Content-Length"] == str(len(data))
    assert download.headers["Content-Type"] == "text/csv; charset=utf-8"


@pytest.mark.both_databases
def test_a_wrong_token_another_events_material_or_a_purged_event_is_404(
    client, sent, event, make_event
):
    _, link = sent
    material_id = db.session.scalar(sa.select(Material.id))
    wrong = "/materials/" + "A" * 43
    assert client.get(wrong).status_code == 404
    assert client.get(f"{wrong}/{material_id}/diat.pdf").status_code == 404
    assert client.get(f"{link}/{material_id}/toinen.pdf").status_code == 404
    other = make_event(title="Toinen tapahtuma")
    theirs = Material(
        event_id=other.id,
        title="Muu",
        filename="muu.pdf",
        content_type="application/pdf",
        size=3,
        data=b"%PD",
    )
    db.session.add(theirs)
    db.session.commit()
    assert client.get(f"{link}/{theirs.id}/muu.pdf").status_code == 404
    clock.travel(event.ends_at + timedelta(days=event.retention_days, minutes=1))
    assert client.get(link).status_code == 404  # expired with the retention time
    purge_expired(clock.now())
    db.session.commit()
    assert (
        db.session.scalar(
            sa.select(sa.func.count(Material.id)).where(Material.event_id == event.id)
        )
        == 0
    )
    assert (
        db.session.scalar(
            sa.select(sa.func.count(FollowUpMessage.id)).where(FollowUpMessage.event_id == event.id)
        )
        == 0
    )
    assert client.get(f"{link}/{material_id}/diat.pdf").status_code == 404


@pytest.mark.both_databases
def test_a_persons_erasure_ends_their_link(client, sent):
    from app.privacy.services import erase_person

    made, link = sent
    erase_person("aino@example.fi")
    db.session.commit()
    assert client.get(link).status_code == 404
    assert db.session.get(Registration, made["Aino"].id).email == ""
    assert (
        db.session.scalar(
            sa.select(sa.func.count(OutboundEmail.id)).where(
                OutboundEmail.recipient == "aino@example.fi"
            )
        )
        == 0
    )


# --- the demo --------------------------------------------------------------------------


def test_the_demo_has_a_past_evening_with_its_materials_and_follow_up(app, runner):
    from app.demo.followup import TITLE

    assert runner.invoke(args=["demo", "load"]).exit_code == 0
    messages = db.session.scalars(sa.select(FollowUpMessage)).all()
    assert {(m.audience, m.queued_count) for m in messages} == {
        (FollowUpAudience.ATTENDED, 4),
        (FollowUpAudience.ABSENT, 2),
    }
    assert all(m.event.title == TITLE and m.event.ends_at < clock.now() for m in messages)
    slides, link = db.session.scalars(sa.select(Material).order_by(Material.position)).all()
    pdf = db.session.scalar(sa.select(Material.data).where(Material.id == slides.id))
    assert files.identify(slides.filename, pdf) is files.PDF and pdf.endswith(b"%%EOF\n")
    assert link.url.startswith("https://")
    assert deliver_mail(app) >= 6
