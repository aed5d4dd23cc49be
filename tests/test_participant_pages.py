"""What a participant reads on the sign-up, confirmation and manage pages: the words on
each page, taken apart by element where it matters how they are set out."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import icalendar
import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.invitations import services as invitations
from app.invitations.services import Invitee
from app.models import EventFormat, Participation, QuestionKind, Token
from app.organiser.services import cancel_event
from tests.conftest import (
    COFFEE_QUESTION,
    DIET_QUESTION,
    csrf_token_in,
    deliver_mail,
    link_in,
    sign_up,
    submit,
    text_of,
)


class _Element(HTMLParser):
    """The text and attributes of the element with one id, and of what it holds."""

    def __init__(self, wanted_id: str):
        super().__init__(convert_charrefs=True)
        self.wanted_id = wanted_id
        self.depth = 0
        self.attributes: dict | None = None
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("id") == self.wanted_id and self.attributes is None:
            self.attributes = dict(attrs)
            self.depth = 1

    def handle_endtag(self, tag):
        if self.depth:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.parts.append(data)


def element(html: str, element_id: str) -> tuple[str, dict]:
    """The element's text (whitespace collapsed) and its attributes; fails when absent."""
    parser = _Element(element_id)
    parser.feed(html)
    assert parser.attributes is not None, f"the page has no element with id {element_id!r}"
    return " ".join("".join(parser.parts).split()), parser.attributes


def test_a_sensitive_questions_note_stands_apart_from_its_hint(client, make_event):
    """The organiser's hint "vegaaninen" has no full stop and is in Finnish: the note is a
    paragraph of its own, in the page's language, and the field is described by both."""
    event = make_event(
        questions=[
            {
                "label": "Erityisruokavalio",
                "hint": "esimerkiksi vegaaninen",
                "kind": QuestionKind.SHORT_TEXT,
                "sensitive": True,
            }
        ]
    )
    field = f"q_{event.questions[0].id}"

    html = client.get(f"/events/{event.slug}/register").get_data(as_text=True)

    hint, hint_attributes = element(html, f"{field}-hint")
    note, note_attributes = element(html, f"{field}-sensitive")
    assert hint == "esimerkiksi vegaaninen"
    assert hint_attributes.get("lang") == "fi"  # the organiser's words, on an English page
    assert note == "Sensitive: answered only if you agree below."
    assert "lang" not in note_attributes
    _, box = element(html, field)
    assert box["aria-describedby"].split() == [f"{field}-hint", f"{field}-sensitive"]


def test_a_sensitive_question_without_a_hint_still_shows_its_note(client, make_event):
    event = make_event(
        questions=[{"label": "Esteettömyys", "kind": QuestionKind.LONG_TEXT, "sensitive": True}]
    )
    field = f"q_{event.questions[0].id}"

    page = client.get(f"/events/{event.slug}/register")

    html = page.get_data(as_text=True)
    assert element(html, f"{field}-sensitive")[0] == (
        "Sensitive: answered only if you agree below."
    )
    assert f'id="{field}-hint"' not in html
    assert "You are registered" in text_of(sign_up(client, event))


def manage_link(app, mailbox, address="sara@example.fi") -> str:
    """The manage link from the first email to the address."""
    deliver_mail(app)
    return link_in(mailbox.to(address)[0], "/manage/")


@pytest.mark.parametrize("capacity", [10, 1])
def test_the_manage_page_of_a_cancelled_event_promises_no_place(
    client, app, make_event, mailbox, capacity
):
    event = make_event(capacity=capacity)
    sign_up(client, event, email="first@example.fi")
    sign_up(client, event)  # confirmed, or waiting when the one place is taken
    cancel_event(event)
    db.session.commit()

    page = text_of(client.get(manage_link(app, mailbox)))

    assert "This event has been cancelled." in page
    assert "Status No place: the event will not take place" in page
    assert "Confirmed" not in page
    assert "waiting list" not in page
    assert "Cancel my registration" not in page


@pytest.mark.both_databases
def test_the_manage_link_corrects_the_name_and_organisation(
    client, app, make_event, make_organiser, login, mailbox
):
    owner = make_organiser()
    event = make_event(owner, questions=[DIET_QUESTION])
    diet = f"q_{event.questions[0].id}"
    sign_up(client, event, name="Sara Löyttyjärvi", **{diet: "vegaaninen"})
    manage = manage_link(app, mailbox)
    form = client.get(manage).get_data(as_text=True)
    assert element(form, "name")[1]["value"] == "Sara Löyttyjärvi"
    assert element(form, "organisation")[1]["value"] == "Hämeen Setlementti ry"

    corrected = {
        "name": "Sara Löyttyjärvi-Virtanen",
        "organisation": "Kanta-Hämeen Setlementti ry",
        "email": "someone.else@example.fi",  # not a field of the form: ignored
        diet: "vegaaninen",
        "sensitive_consent": "y",
    }
    saved = submit(client, manage, corrected, follow_redirects=True)

    assert "Your details have been saved." in text_of(saved)
    html = saved.get_data(as_text=True)
    assert element(html, "name")[1]["value"] == "Sara Löyttyjärvi-Virtanen"
    assert element(html, "organisation")[1]["value"] == "Kanta-Hämeen Setlementti ry"
    assert element(html, diet)[1]["value"] == "vegaaninen"
    assert "Email sara@example.fi" in text_of(saved)
    login(owner)
    attendees = text_of(client.get(f"/organiser/events/{event.id}/attendees"))
    assert "Sara Löyttyjärvi-Virtanen" in attendees
    assert "Kanta-Hämeen Setlementti ry" in attendees
    assert "someone.else@example.fi" not in attendees
    assert "sara@example.fi" in attendees


@pytest.mark.parametrize(
    "name, message",
    [
        ("", "Enter your full name"),
        ("   ", "Enter your full name"),  # was saved as an empty name
        ("x" * 201, "Name must be 200 characters or fewer"),
    ],
)
def test_a_correction_is_checked_as_the_sign_up_was(
    client, app, make_event, mailbox, name, message
):
    event = make_event()
    sign_up(client, event)
    manage = manage_link(app, mailbox)

    refused = submit(client, manage, {"name": name, "organisation": "Uusi yhdistys"})

    html = refused.get_data(as_text=True)
    assert "<title>Error:" in html
    assert "There is a problem" in text_of(refused)
    assert element(html, "name-error")[0] == f"Error: {message}"
    assert element(html, "organisation")[1]["value"] == "Uusi yhdistys"  # kept as typed
    assert element(client.get(manage).get_data(as_text=True), "name")[1]["value"] == (
        "Sara Löyttyjärvi"
    )


def cancel(client, manage: str):
    return submit(client, manage + "/cancel", {}, follow_redirects=True)


@pytest.mark.both_databases
def test_after_cancelling_a_person_may_sign_up_again_while_places_are_left(
    client, app, make_event, mailbox
):
    event = make_event(capacity=10)
    sign_up(client, event)
    manage = manage_link(app, mailbox)

    cancelled = cancel(client, manage)

    assert "Your registration has been cancelled." in text_of(cancelled)
    assert "Changed your mind? There are still places: you can sign up again." in (
        text_of(cancelled)
    )
    again = re.search(r'href="([^"]+)">\s*Sign up again', cancelled.get_data(as_text=True))
    assert again and again.group(1) == f"/events/{event.slug}/register"
    assert "You are registered" in text_of(sign_up(client, event))


def test_after_cancelling_a_full_event_offers_its_waiting_list(client, app, make_event, mailbox):
    event = make_event(capacity=1)
    sign_up(client, event, email="first@example.fi")
    sign_up(client, event)  # waiting
    manage = manage_link(app, mailbox)

    cancelled = text_of(cancel(client, manage))

    assert "All places have been taken, but you can join the waiting list." in cancelled
    assert "Join the waiting list" in cancelled
    assert "Sign up again" not in cancelled


def test_the_cancel_page_says_what_cancelling_gives_up(client, app, make_event, mailbox):
    with_list = make_event(capacity=1)
    sign_up(client, with_list, email="first@example.fi")
    sign_up(client, with_list)  # waiting
    without_list = make_event(title="Ilman jonoa", capacity=5, waiting_list=False)
    sign_up(client, without_list, email="third@example.fi")
    deliver_mail(app)

    def cancel_page(address: str, event) -> str:
        [mail] = [m for m in mailbox.to(address) if event.title in m["Subject"]]
        return text_of(client.get(link_in(mail, "/manage/") + "/cancel"))

    assert "You leave the waiting list and lose your place in its queue." in cancel_page(
        "sara@example.fi", with_list
    )
    confirmed = cancel_page("first@example.fi", with_list)
    assert "Your place goes to the next person on the waiting list." in confirmed
    freed = cancel_page("third@example.fi", without_list)
    assert "Your place is freed for someone else." in freed
    assert "waiting list" not in freed


@pytest.mark.parametrize("why", ["full", "closed"])
def test_after_cancelling_nothing_is_offered_that_cannot_be_had(
    client, app, make_event, mailbox, why
):
    event = make_event(capacity=1, waiting_list=False)
    sign_up(client, event)
    manage = manage_link(app, mailbox)
    cancel(client, manage)
    if why == "full":
        sign_up(client, event, email="next@example.fi")  # takes the place given up
    else:
        clock.travel(event.starts_at)

    page = text_of(client.get(manage))

    assert "Status Cancelled" in page
    assert "Changed your mind?" not in page
    assert "Sign up again" not in page
    assert "waiting list" not in page


def title_and_heading(response) -> tuple[str, str]:
    """The page's <title> without the service's name, and its h1, as read."""
    html = response.get_data(as_text=True)
    title = re.search(r"<title>(.*?)</title>", html, flags=re.S).group(1)
    heading = re.search(r"<h1[^>]*>(.*?)</h1>", html, flags=re.S).group(1)

    def read(part: str) -> str:
        return " ".join(re.sub(r"<[^>]+>", " ", part).split()).replace("&#39;", "'")

    return read(title).removesuffix(" – Kutsu"), read(heading)


@pytest.mark.both_databases
def test_a_full_event_without_a_waiting_list_says_so_before_the_form(client, make_event):
    event = make_event(capacity=1, waiting_list=False)
    assert client.get(f"/events/{event.slug}/register").status_code == 200  # kept, one place
    sign_up(client, event, email="first@example.fi")

    shown = text_of(client.get(f"/events/{event.slug}"))
    form = client.get(f"/events/{event.slug}/register")

    assert "Places Full" in shown
    assert "All places have been taken and there is no waiting list." in shown
    assert "Sign up" not in shown
    assert form.status_code == 409
    assert title_and_heading(form) == (f"The event is full: {event.title}", "The event is full")
    assert "All places have been taken and there is no waiting list." in text_of(form)
    assert 'id="name"' not in form.get_data(as_text=True)


def test_a_form_sent_with_errors_after_the_places_went_says_full(client, make_event):
    event = make_event(capacity=1, waiting_list=False)
    form = client.get(f"/events/{event.slug}/register")  # opened while the place was free
    sign_up(client, event, email="first@example.fi")

    sent = client.post(
        f"/events/{event.slug}/register",
        data={"csrf_token": csrf_token_in(form.get_data(as_text=True)), "name": "Pekka"},
    )

    assert sent.status_code == 409
    assert "The event is full" in text_of(sent)
    assert "There is a problem" not in text_of(sent)


def test_each_participant_page_has_the_title_of_its_heading(client, app, make_event, mailbox):
    event = make_event(capacity=1, contact_email="info@example.fi")
    slug = event.slug
    full = make_event(title="Täysi tapahtuma", capacity=1, waiting_list=False)
    sign_up(client, full, email="first@example.fi")
    later = make_event(title="Syysseminaari", registration_opens_at=clock.now() + timedelta(days=7))
    closed = make_event(title="Kevätpäivä", registration_closes_at=clock.now() - timedelta(hours=1))
    gone = make_event(title="Peruttu seminaari")
    cancel_event(gone)
    db.session.commit()

    pages = {
        "events": (client.get("/"), "Upcoming events"),
        "event": (client.get(f"/events/{slug}"), event.title),
        "form": (client.get(f"/events/{slug}/register"), "Sign up"),
        "form with errors": (sign_up(client, event, name=""), "Error: Sign up"),
        "confirmed": (sign_up(client, event), "You are registered"),
        "again": (sign_up(client, event), "Check your email"),
        "waiting": (
            sign_up(client, event, email="second@example.fi"),
            "You are on the waiting list",
        ),
        "full": (client.get(f"/events/{full.slug}/register"), "The event is full"),
        "not yet": (
            client.get(f"/events/{later.slug}/register"),
            "Registration has not opened yet",
        ),
        "closed": (client.get(f"/events/{closed.slug}/register"), "Registration has closed"),
        "cancelled": (client.get(f"/events/{gone.slug}/register"), "The event has been cancelled"),
        "privacy": (client.get(f"/events/{slug}/privacy"), "Privacy notice"),
    }
    manage = manage_link(app, mailbox)
    pages["manage"] = (client.get(manage), "Your registration")
    pages["cancel"] = (client.get(manage + "/cancel"), "Cancel your registration?")
    pages["link not valid"] = (client.get("/manage/" + "A" * 43), "This link is not valid.")

    for name, (response, expected) in pages.items():
        title, heading = title_and_heading(response)
        assert title.startswith(expected), (name, title, heading)
        assert title.removeprefix("Error: ").startswith(heading), (name, title, heading)


OPTIONAL_QUESTION = {"label": "Terveisiä järjestäjille", "kind": QuestionKind.LONG_TEXT}


@pytest.mark.both_databases
def test_the_confirmation_page_repeats_what_was_sent(client, make_event):
    event = make_event(questions=[COFFEE_QUESTION, DIET_QUESTION, OPTIONAL_QUESTION])
    coffee, diet, _ = (f"q_{question.id}" for question in event.questions)

    page = sign_up(client, event, **{coffee: "yes", diet: "keliakia, ei laktoosia"})

    assert (
        "What you sent Name Sara Löyttyjärvi Email sara@example.fi "
        "Organisation Hämeen Setlementti ry Osallistun kahvitarjoiluun Yes "
        "Erityisruokavalio keliakia, ei laktoosia "
        "Terveisiä järjestäjille Not answered"
    ) in text_of(page)


def test_the_waiting_page_repeats_what_was_sent_and_a_repeat_shows_none_of_it(client, make_event):
    event = make_event(capacity=1, questions=[DIET_QUESTION])
    diet = f"q_{event.questions[0].id}"
    sign_up(client, event, email="first@example.fi")

    waiting = text_of(sign_up(client, event, **{diet: "vegaaninen"}))
    again = text_of(sign_up(client, event, **{diet: "vegaaninen"}))

    assert "You are on the waiting list" in waiting
    assert "What you sent Name Sara Löyttyjärvi" in waiting
    assert "Erityisruokavalio vegaaninen" in waiting
    assert "Check your email" in again
    assert "What you sent" not in again
    assert "vegaaninen" not in again


JOIN_LINK = "https://teams.example.invalid/l/meetup-join/secret-room"


def calendar_lines(data: bytes) -> list[str]:
    """The .ics as lines, but for the moment it was made (DTSTAMP)."""
    lines = data.decode().replace("\r\n ", "").split("\r\n")
    return [line for line in lines if not line.startswith("DTSTAMP")]


def add_to_calendar(client, page):
    """Follow "Add to calendar (.ics)" on the confirmation page."""
    assert "Add to calendar (.ics)" in text_of(page)
    link = re.search(r'<a [^>]*href="([^"]+)"[^>]*>Add to calendar', page.get_data(as_text=True))
    return client.get(link.group(1))


@pytest.mark.both_databases
def test_add_to_calendar_gives_the_ics_of_the_email_but_the_join_link_only_by_email(
    client, app, make_event, mailbox
):
    event = make_event(format=EventFormat.ONLINE, venue_name="", join_link=JOIN_LINK)
    done = sign_up(client, event)
    assert "The link to join online is in your confirmation email." in text_of(done)
    tokens_before = db.session.scalar(sa.select(sa.func.count(Token.id)))

    download = add_to_calendar(client, done)

    assert download.status_code == 200
    assert download.mimetype == "text/calendar"
    assert download.headers["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
    assert download.headers["Cache-Control"] == "no-store"
    [entry] = icalendar.Calendar.from_ical(download.data).walk("VEVENT")
    assert str(entry["summary"]) == event.title
    # Not proven to be the person's address yet: the join link goes there, not here.
    assert "secret-room" not in download.get_data(as_text=True)
    # The page's download makes no token: raw tokens exist only inside emails.
    assert db.session.scalar(sa.select(sa.func.count(Token.id))) == tokens_before
    deliver_mail(app)
    [message] = mailbox.to("sara@example.fi")
    [mailed] = [p for p in message.iter_attachments() if p.get_filename() == "invite.ics"]
    mailed_ics = mailed.get_payload(decode=True)
    assert JOIN_LINK in str(
        icalendar.Calendar.from_ical(mailed_ics).walk("VEVENT")[0]["description"]
    )
    # One entry in the calendar: the same UID as the email's.
    assert entry["uid"] == icalendar.Calendar.from_ical(mailed_ics).walk("VEVENT")[0]["uid"]
    # The manage page offers the email's own file, join link and all, through its token.
    manage = manage_link(app, mailbox)
    link = f'href="{manage}/calendar.ics"'
    assert link in client.get(manage).get_data(as_text=True)
    from_manage = client.get(f"{manage}/calendar.ics")
    assert calendar_lines(from_manage.data) == calendar_lines(mailed_ics)


def test_no_calendar_without_a_place_nor_for_another_browser(client, app, make_event, mailbox):
    event = make_event(capacity=1, format=EventFormat.ONLINE, venue_name="", join_link=JOIN_LINK)
    sign_up(client, event, email="first@example.fi")
    waiting = sign_up(client, event)

    # Another browser, without the sign-up in its session, gets no file.
    stranger = app.test_client()
    assert "Add to calendar" not in text_of(stranger.get(f"/events/{event.slug}/registered"))
    assert stranger.get(f"/events/{event.slug}/registered/calendar.ics").status_code == 404
    # The one waiting is offered none, and gets none by asking.
    assert "Add to calendar" not in text_of(waiting)
    assert client.get(f"/events/{event.slug}/registered/calendar.ics").status_code == 404
    manage = manage_link(app, mailbox)
    assert "Add to calendar" not in text_of(client.get(manage))
    assert client.get(f"{manage}/calendar.ics").status_code == 404
    # Nor after cancelling a place.
    first = manage_link(app, mailbox, "first@example.fi")
    assert client.get(f"{first}/calendar.ics").status_code == 200
    cancel(client, first)
    missing = client.get(f"{first}/calendar.ics")
    assert missing.status_code == 404
    assert "secret-room" not in missing.get_data(as_text=True)


def test_invitation_and_nomination_pages_have_the_titles_of_their_headings(client, make_event):
    now = clock.now()
    workshop = make_event(
        title="Sote-työpaja",
        capacity=1,
        participation=Participation.INVITATION,
        nominations_close_at=now + timedelta(days=1),
        reply_by=now + timedelta(days=10),
        starts_in=timedelta(days=20),
    )
    people = [Invitee("Aino Aalto", "aino@example.fi"), Invitee("Ville Virta", "ville@example.fi")]
    aino, ville = invitations.invite_list(workshop, people, send_at=now)
    aino_link, ville_link = (
        f"/invitations/{invitations.issue_invitation_token(person)}" for person in (aino, ville)
    )
    db.session.commit()
    pages = {
        "invited": (client.get(aino_link), "You are invited"),
        "accept": (client.get(aino_link + "/accept"), "Accept the invitation"),
        "decline": (client.get(ville_link + "/decline"), "Decline the invitation?"),
    }
    accepted = submit(
        client, aino_link + "/accept", {"name": "Aino Aalto", "consent": "y"}, follow_redirects=True
    )
    pages["accepted"] = (accepted, "You are registered")
    declined = submit(client, ville_link + "/decline", {"reason": ""}, follow_redirects=True)
    pages["declined"] = (declined, "You declined the invitation")
    pages["replied"] = (client.get(ville_link + "/accept"), "You have already replied")
    clock.travel(now + timedelta(days=2))
    pages["nominations closed"] = (
        client.get(f"/events/{workshop.slug}/nominate"),
        "Nominations have closed",
    )

    for name, (response, expected) in pages.items():
        title, heading = title_and_heading(response)
        assert title.startswith(expected), (name, title, heading)
        assert title.startswith(heading), (name, title, heading)
