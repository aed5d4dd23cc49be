"""The demo's past evening with its follow-up (app.followup): "Hyvinvointi ja sote
Kanta-Hämeessä", whose page ends with the evening's materials and notes. Those who came
and those who did not each got their message; the slides are a small PDF made here."""

from datetime import datetime, time, timedelta

from app import clock
from app.extensions import db
from app.followup.files import PDF
from app.followup.sending import queue_due_follow_ups
from app.followup.services import Draft, default_send_time, save_follow_up
from app.models import (
    AttendanceSource,
    EventFormat,
    FollowUpAudience,
    Material,
    Registration,
    RegistrationSource,
)
from app.organiser.services import EventDetails, create_event, publish_event
from app.signup.services import enrol

TITLE = "Hyvinvointi ja sote Kanta-Hämeessä"
# Who signed up, and whether they came (None: not marked, so neither message).
PEOPLE = [
    ("Marja Virtanen", "Hämeen Setlementti ry", "fi", True),
    ("Timo Nieminen", "Hämeenlinnan Seudun Omaishoitajat ry", "fi", True),
    ("Anna-Karin Berg", "Folkhälsan i Tavastland", "sv", True),
    ("Helena Koskinen", "Kanta-Hämeen Mielenterveysseura ry", "fi", True),
    ("Petri Laine", "Riihimäen Seudun Invalidit ry", "fi", False),
    ("Sanna Heikkilä", "Forssan Seudun Kehitysvammaisten Tuki ry", "fi", False),
    ("Olli Mäkinen", "Hämeen liitto", "fi", None),
]
THANKS = Draft(
    subject="Kiitos osallistumisesta",
    body=(
        "Kiitos, että olit mukana keskustelemassa hyvinvoinnista ja sotesta Kanta-Hämeessä!\n\n"
        "Illan diat ja muistiinpanot ovat alla olevan linkin takana. Keskustelua "
        "hyödynnetään Tulevaisuuden sotekeskus -hankkeen suunnittelussa."
    ),
    translations={
        "sv": {
            "subject": "Tack för att du deltog",
            "body": "Tack för att du var med och diskuterade välfärd och social- och "
            "hälsovård i Egentliga Tavastland!\n\nKvällens bilder och anteckningar "
            "finns bakom länken nedan.",
        }
    },
    include_materials=True,
)
MISSED = Draft(
    subject="Harmi, ettet päässyt paikalle",
    body=(
        "Kaipasimme sinua keskustelutilaisuuteen. Illan diat ja muistiinpanot ovat "
        "alla olevan linkin takana; kommentit voi lähettää järjestöpäällikölle."
    ),
    translations={},
    include_materials=True,
)


def demo_follow_up(organiser) -> None:
    """A discussion evening two weeks ago: attendance marked, its materials, and both
    follow-up messages queued for the mail worker (due the next morning, long past)."""
    from app.demo.data import _demo_address  # here: app.demo.data calls this module

    day = clock.to_local(clock.now()).date() - timedelta(days=14)
    starts = clock.from_local(datetime.combine(day, time(17, 0)))
    event = create_event(
        organiser,
        EventDetails(
            title=TITLE,
            starts_at=starts,
            ends_at=starts + timedelta(hours=2),
            format=EventFormat.IN_PERSON,
            venue_name="Kumppanuustalo, auditorio",
            venue_address="Viipurintie 1, Hämeenlinna",
            description="Keskustelutilaisuus maakunnallisen sotekuntayhtymäselvityksen pohjalta.",
            registration_closes_at=starts,
        ),
    )
    publish_event(event)
    for name, organisation, locale, came in PEOPLE:
        result = enrol(
            event,
            name=name,
            email=_demo_address(name),
            organisation=organisation,
            answers={},
            locale=locale,
            source=RegistrationSource.SIGNUP,
            send_mail=False,
        )
        if came is not None:
            registration = db.session.get(Registration, result.registration_id)
            registration.attended = came
            registration.attendance_source = AttendanceSource.BY_HAND
            registration.attendance_marked_at = event.ends_at + timedelta(hours=1)
    _add_materials(event)
    drafts = {FollowUpAudience.ATTENDED: THANKS, FollowUpAudience.ABSENT: MISSED}
    save_follow_up(event, organiser, drafts, default_send_time(event))
    db.session.commit()
    queue_due_follow_ups()


def _add_materials(event) -> None:
    slides = notes_pdf(TITLE, "Illan diat ja muistiinpanot")
    db.session.add_all(
        [
            Material(
                event_id=event.id,
                position=1,
                title="Illan diat ja muistiinpanot (PDF)",
                filename="illan-diat-ja-muistiinpanot.pdf",
                content_type=PDF.content_type,
                size=len(slides),
                data=slides,
            ),
            Material(
                event_id=event.id,
                position=2,
                title="Tulevaisuuden sotekeskus -ohjelma (soteuudistus.fi)",
                url="https://soteuudistus.fi/",
            ),
        ]
    )


def notes_pdf(*lines: str) -> bytes:
    """A one-page PDF with a few lines of text (Latin-1, the standard Helvetica)."""
    text = "".join(
        f"BT /F1 {18 if n == 0 else 12} Tf 56 {780 - 30 * n} Td ({_pdf_text(line)}) Tj ET\n"
        for n, line in enumerate(lines)
    ).encode("latin-1")
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</Font<</F1 4 0 R>>>>"
        b"/Contents 5 0 R>>",
        b"<</Type/Font/Subtype/Type1/BaseFont/Helvetica/Encoding/WinAnsiEncoding>>",
        b"<</Length %d>>stream\n" % len(text) + text + b"endstream",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def _pdf_text(line: str) -> str:
    return line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
