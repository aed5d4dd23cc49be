"""A workshop by invitation: a nominator proposes two people, both are told; the organiser
selects them; the invitations go out at the workshop's set time (the clock of every
process moved past it), and one accepts through the link in her email while the other
declines. Over HTTP, as the pages are plain forms."""

import re
import time
from datetime import timedelta

import pytest

from app import clock
from app.models import Participation
from tests.conftest import Mailbox
from tests.journeys.conftest import Kutsu, page_text
from tests.journeys.mail import calendar_in

pytestmark = pytest.mark.both_databases

TITLE = "Tulevaisuuden sote-keskus: sidosryhmätyöpaja"
NOMINEES = {"aino@example.fi": "Aino Aalto", "bertta@example.fi": "Bertta Berg"}


@pytest.fixture
def workshop(kutsu, make_event, make_organiser):
    now = clock.now()
    owner = make_organiser(email="olli@example.fi", name="Olli Organiser")
    return make_event(
        owner,
        title=TITLE,
        capacity=10,
        participation=Participation.INVITATION,
        nominations_close_at=now + timedelta(days=10),
        invitations_send_at=(now + timedelta(days=20)).replace(second=0, microsecond=0),
        reply_by=now + timedelta(days=30),
        starts_in=timedelta(days=40),
        contact_email="olli@example.fi",
    )


def test_nominees_are_told_selected_invited_at_the_set_time_and_accept_or_decline(
    kutsu: Kutsu, workshop
):
    send_at = workshop.invitations_send_at
    slug, event_id = workshop.slug, workshop.id

    # Nina proposes two people from the workshop's page.
    nina = kutsu.visitor()
    assert "Nominate" in page_text(nina.get(f"/events/{slug}").text)
    form = {"name": "Nina Nominator", "email": "nina@soste.example", "organisation": "SOSTE ry"}
    for index, (email, name) in enumerate(NOMINEES.items()):
        form |= {
            f"nominees-{index}-name": name,
            f"nominees-{index}-email": email,
            f"nominees-{index}-organisation": "Hämeen Setlementti ry",
            f"nominees-{index}-justification": f"{name.split()[0]} knows the field.",
        }
    done = nina.submit(f"/events/{slug}/nominate", {**form, "confirm": "y"})
    assert done.url.endswith(f"/events/{slug}/nominated"), done.url
    assert all(name in page_text(done.text) for name in NOMINEES.values())

    # Nina gets the list of whom she proposed; each of them is told who proposed them.
    [thanks] = kutsu.wait_for_mail("nina@soste.example")
    assert thanks["Subject"] == f"Thank you for your nominations: {TITLE}"
    assert all(f"- {name}" in Mailbox.text(thanks) for name in NOMINEES.values())
    for email, name in NOMINEES.items():
        [told] = kutsu.wait_for_mail(email)
        assert told["Subject"] == f"You have been nominated: {TITLE}"
        text = Mailbox.text(told)
        assert text.startswith(f"{name},")
        assert "Nina Nominator (SOSTE ry)" in text

    # The nominations close; the organiser selects both and invites them.
    kutsu.clock.travel(workshop.nominations_close_at + timedelta(hours=1))
    olli = kutsu.visitor()
    olli.sign_in("olli@example.fi")
    nominations = f"/organiser/events/{event_id}/nominations"
    listed = olli.get(nominations).text
    ids = re.findall(r'name="candidates" value="(\d+)"', listed)
    assert len(ids) == 2 and all(name in page_text(listed) for name in NOMINEES.values())
    applied = olli.submit(nominations, {"candidates": ids, "new_status": "selected"})
    assert "2 nominees are now: Selected." in page_text(applied.text)

    invitations = f"/organiser/events/{event_id}/invitations"
    planned = olli.submit(f"{invitations}/selected", {}, form_page=invitations)
    shown = page_text(planned.text)
    assert "2 invitations will go out on" in shown
    assert re.search(r"Planned\s+2", shown), shown

    # Nothing goes out before the set time.
    time.sleep(1.5)  # the worker looks every 0.2 s
    assert not kutsu.mail_to("aino@example.fi", subject="Invitation")

    # At the set time the worker sends both invitations.
    kutsu.clock.travel(send_at + timedelta(minutes=1))
    invitation = {}
    for email, name in NOMINEES.items():
        [invitation[email]] = kutsu.wait_for_mail(email, subject="Invitation")
        assert invitation[email]["Subject"] == f"Invitation: {TITLE}"
        assert Mailbox.text(invitation[email]).startswith(f"{name},")
    assert len(kutsu.mail_to("aino@example.fi")) == 2  # told, then invited: nothing else

    # Aino accepts through her link, and is registered.
    aino = kutsu.visitor()
    accept = kutsu.link_in(invitation["aino@example.fi"], "/invitations/", "/accept")
    accepted = aino.submit(
        accept, {"name": "Aino Aalto", "organisation": "Hämeen Setlementti ry", "consent": "y"}
    )
    assert "You are registered" in page_text(accepted.text)
    [confirmation] = kutsu.wait_for_mail("aino@example.fi", subject="You are registered")
    assert confirmation["Subject"] == f"You are registered: {TITLE}"
    assert calendar_in(confirmation).decoded("DTSTART") == workshop.starts_at
    manage = aino.get(kutsu.link_in(confirmation, "/manage/"))
    assert "Confirmed: you have a place" in page_text(manage.text)

    # Bertta declines through hers.
    bertta = kutsu.visitor()
    decline = kutsu.link_in(invitation["bertta@example.fi"], "/invitations/", "/decline")
    declined = bertta.submit(decline, {"reason": "Another meeting that day."})
    assert "You declined the invitation" in page_text(declined.text)

    # The organiser sees where the invitations stand, and who is coming: days after he
    # planned them, so he signs in again (a session unused for 8 hours has ended).
    assert "/login" in olli.get(invitations).url
    olli.sign_in("olli@example.fi")
    standing = page_text(olli.get(invitations).text)
    assert re.search(r"Accepted\s+1 / 10", standing), standing
    assert re.search(r"Declined\s+1", standing), standing
    attendees = page_text(olli.get(f"/organiser/events/{event_id}/attendees").text)
    assert "Aino Aalto" in attendees and "Bertta Berg" not in attendees
