"""The organiser's pages, signed in: creating, editing, publishing, cancelling and sharing
events, and who may see what."""

import re
from datetime import date
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import Event, EventStatus, OutboundEmail
from tests.conftest import (
    COFFEE_QUESTION,
    DIET_QUESTION,
    PASSWORD,
    csrf_token_in,
    deliver_mail,
    link_in,
    sign_up,
    submit,
    text_of,
    typed_moment,
)

NEW = "/organiser/events/new"
NEXT_YEAR = clock.now().year + 1
WINTER_DAY = f"{NEXT_YEAR}-12-17"  # Helsinki is UTC+2 in winter
SUMMER_DAY = f"{NEXT_YEAR}-06-16"  # and UTC+3 in summer
WINTER_DATE = f"17.12.{NEXT_YEAR}"  # WINTER_DAY as a Finn types it


# --- helpers --------------------------------------------------------------------------


def event_form(**overrides) -> dict:
    """What an organiser types into the event form (no button pressed yet)."""
    return {
        "title": "Järjestöjen joulukahvit",
        "description": "Tervetuloa! **Glögiä** ja pipareita tarjolla.",
        **typed_moment("starts_at", WINTER_DATE, "17.00"),
        **typed_moment("ends_at", WINTER_DATE, "19.00"),
        "format": "in_person",
        "venue_name": "Kumppanuustalo, auditorio",
        "venue_address": "Hämeenlinna",
        "capacity": "40",
        "waiting_list": "y",
        "contact_email": "sara@example.fi",
        **overrides,
    }


def question_fields(index: int, label: str, kind="short_text", options="", **flags) -> dict:
    fields = {
        f"questions-{index}-label": label,
        f"questions-{index}-kind": kind,
        f"questions-{index}-options": options,
    }
    fields.update({f"questions-{index}-{flag}": "y" for flag, on in flags.items() if on})
    return fields


def create_event_through_form(client, **fields) -> int:
    """Save the form as a draft; the id of the new event, from where the browser is sent."""
    response = submit(client, NEW, {**event_form(**fields), "save": "1"})
    assert response.status_code == 303, text_of(response)
    found = re.fullmatch(r"/organiser/events/(\d+)", response.headers["Location"])
    assert found, response.headers["Location"]
    return int(found.group(1))


def publish(client, event_id: int):
    page = f"/organiser/events/{event_id}"
    return submit(client, f"{page}/publish", {}, form_page=page, follow_redirects=True)


def slug_of(event_id: int) -> str:
    return db.session.get(Event, event_id).slug


def event_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(Event.id)))


class _FormReader(HTMLParser):
    """Each form on a page as the (name, value) pairs a browser would send."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[list[tuple[str, str]]] = []
        self._textarea: list[str] | None = None
        self._select: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            self.forms.append([])
        elif not self.forms or "name" not in attributes and tag != "option":
            return
        elif tag == "input":
            kind = attributes.get("type", "text")
            if kind in ("submit", "button", "reset", "image", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attributes:
                return
            self.forms[-1].append((attributes["name"], attributes.get("value") or ""))
        elif tag == "textarea":
            self._textarea = [attributes["name"], ""]
        elif tag == "select":
            self._select = {"name": attributes["name"], "first": None, "chosen": None}
        elif tag == "option" and self._select is not None:
            value = attributes.get("value", "")
            if self._select["first"] is None:
                self._select["first"] = value
            if "selected" in attributes:
                self._select["chosen"] = value

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "textarea" and self._textarea is not None:
            self.forms[-1].append(tuple(self._textarea))
            self._textarea = None
        elif tag == "select" and self._select is not None:
            chosen = self._select["chosen"] or self._select["first"] or ""
            self.forms[-1].append((self._select["name"], chosen))
            self._select = None


def form_values(response, with_field: str) -> dict:
    """The values of the form that has `with_field`, as they stand on the page."""
    reader = _FormReader()
    reader.feed(response.get_data(as_text=True))
    for form in reader.forms:
        if any(name == with_field for name, _ in form):
            values: dict = {}
            for name, value in form:
                values.setdefault(name, []).append(value)
            return {name: v[0] if len(v) == 1 else v for name, v in values.items()}
    raise AssertionError(f"no form with a {with_field} field on the page")


def edit_event(client, event_id: int, **changes):
    """Open the edit form, change what is given, press Save changes."""
    url = f"/organiser/events/{event_id}/edit"
    fields = form_values(client.get(url), "title")
    fields.update(changes)
    return client.post(url, data={**fields, "save": "1"}, follow_redirects=True)


# --- creating and publishing ----------------------------------------------------------


def test_new_event_is_a_draft_until_published_and_the_organiser_can_preview_it(
    client, login, make_organiser
):
    login(make_organiser())

    event_id = create_event_through_form(client)

    overview = client.get(f"/organiser/events/{event_id}")
    assert "The event was saved as a draft" in text_of(overview)
    assert "Draft" in text_of(overview)
    slug = slug_of(event_id)
    assert client.get(f"/events/{slug}").status_code == 404
    assert "Järjestöjen joulukahvit" not in text_of(client.get("/"))

    preview = client.get(f"/organiser/events/{event_id}/preview")
    assert preview.status_code == 200
    assert "Preview: this is how the event page looks to the public" in text_of(preview)
    assert "It is a draft and not visible to anyone else yet" in text_of(preview)
    assert "Glögiä" in text_of(preview)

    published = publish(client, event_id)

    assert "The event is published. People can now sign up." in text_of(published)
    public = client.get(f"/events/{slug}")
    assert public.status_code == 200
    shown = text_of(public)
    assert "Järjestöjen joulukahvit" in shown
    assert "Kumppanuustalo, auditorio, Hämeenlinna" in shown
    assert "40 places left" in shown
    assert "Preview" not in shown
    assert "Järjestöjen joulukahvit" in text_of(client.get("/"))
    assert client.get(f"/events/{slug}/register").status_code == 200


@pytest.mark.parametrize(
    "day, utc_hour",
    [(WINTER_DAY, 15), (SUMMER_DAY, 14)],
    ids=["winter", "summer"],
)
def test_times_are_typed_and_shown_in_helsinki_time(client, login, make_organiser, day, utc_hour):
    login(make_organiser())

    d = date.fromisoformat(day)
    typed = f"{d.day}.{d.month}.{d.year}"
    times = {**typed_moment("starts_at", typed, "17.00"), **typed_moment("ends_at", typed, "19:00")}
    event_id = create_event_through_form(client, **times)
    publish(client, event_id)

    page = client.get(f"/events/{slug_of(event_id)}", headers={"Accept-Language": "fi"})
    assert f"{d.day}.{d.month}.{d.year} klo 17.00–19.00" in text_of(page)
    shown = form_values(client.get(f"/organiser/events/{event_id}/edit"), "title")
    assert (shown["starts_at-date"], shown["starts_at-time"]) == (typed, "17.00")
    assert (shown["ends_at-date"], shown["ends_at-time"]) == (typed, "19.00")
    # Stored as the same moment in UTC.
    assert db.session.get(Event, event_id).starts_at.hour == utc_hour


def test_add_a_question_shows_one_more_question_block_and_saves_nothing(
    client, login, make_organiser
):
    login(make_organiser())

    first = submit(client, NEW, {**event_form(), "add_question": "1"})

    assert first.status_code == 200
    html = first.get_data(as_text=True)
    assert "Question 1" in text_of(first)
    assert 'name="questions-0-label"' in html
    assert 'name="questions-1-label"' not in html
    assert 'value="Järjestöjen joulukahvit"' in html
    assert "There is a problem" not in html
    assert event_count() == 0

    typed = form_values(first, "title")
    typed.update(question_fields(0, "Erityisruokavalio", sensitive=True))
    second = client.post(NEW, data={**typed, "add_question": "1"})

    assert second.status_code == 200
    html = second.get_data(as_text=True)
    assert "Question 2" in text_of(second)
    assert 'name="questions-1-label"' in html
    assert 'value="Erityisruokavalio"' in html
    assert event_count() == 0

    # The empty second block is left out when saving.
    saved = client.post(NEW, data={**form_values(second, "title"), "save": "1"})
    assert saved.status_code == 303
    edit_page = client.get(saved.headers["Location"] + "/edit")
    assert 'value="Erityisruokavalio"' in edit_page.get_data(as_text=True)
    assert "Question 1" in text_of(edit_page)
    assert "Question 2" not in text_of(edit_page)


def test_questions_typed_in_the_form_appear_on_the_sign_up_form(client, login, make_organiser):
    login(make_organiser())
    event_id = create_event_through_form(
        client,
        **question_fields(0, "Erityisruokavalio", sensitive=True),
        **question_fields(1, "Osallistun kahvitarjoiluun", "yes_no", required=True),
        **question_fields(2, "Alue", "single_choice", "Kanta-Häme\n Pirkanmaa \n\nKanta-Häme"),
    )
    publish(client, event_id)

    form = client.get(f"/events/{slug_of(event_id)}/register")

    shown = text_of(form)
    assert "Erityisruokavalio (optional)" in shown
    assert "Osallistun kahvitarjoiluun" in shown
    assert "Alue (optional)" in shown
    html = form.get_data(as_text=True)
    # Options one per line: blank lines and repeats dropped, spaces trimmed.
    assert html.count('value="Kanta-Häme"') == 1
    assert 'value="Pirkanmaa"' in html


@pytest.mark.parametrize("options", ["", "Kanta-Häme", "Kanta-Häme\nKanta-Häme"])
def test_a_choice_question_needs_two_options(client, login, make_organiser, options):
    login(make_organiser())
    fields = {
        **event_form(),
        **question_fields(0, "Alue", "multiple_choice", options),
        "save": "1",
    }

    page = submit(client, NEW, fields)

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "There is a problem" in html
    assert "Give at least two options, one per line" in html
    assert 'href="#questions-0-options"' in html
    assert 'value="Alue"' in html
    assert f">{options}</textarea>" in html
    assert event_count() == 0

    fields["questions-0-options"] = "Kanta-Häme\nPirkanmaa"
    assert submit(client, NEW, fields).status_code == 303
    assert event_count() == 1


def test_an_online_event_needs_no_venue(client, login, make_organiser):
    login(make_organiser())

    event_id = create_event_through_form(
        client, format="online", venue_name="", venue_address="", capacity=""
    )
    publish(client, event_id)

    public = text_of(client.get(f"/events/{slug_of(event_id)}"))
    assert "Where Online" in public
    assert "Registration open" in public


def test_errors_are_listed_in_the_summary_and_typed_values_stay(client, login, make_organiser):
    login(make_organiser())

    page = submit(
        client,
        NEW,
        {
            **event_form(title="", venue_name="   ", description="Kahvit klo 16.30 aulassa."),
            **typed_moment("starts_at", WINTER_DATE, "19.00"),
            **typed_moment("ends_at", WINTER_DAY, "17:00"),
            "save": "1",
        },
    )

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "<title>Error:" in html
    start = html.index("There is a problem")
    summary = html[start : html.index("</ul>", start)]
    for target, message in [
        ("#title", "Enter a title"),
        ("#ends_at-date", "The end must be after the start"),
        ("#venue_name", "Enter the venue of an event held in person"),
    ]:
        assert f'<a href="{target}">{message}</a>' in summary
        field = target[1:].removesuffix("-date")  # a date and time: its date input first
        assert f'id="{field}-error"' in html  # and again at the field
    typed = form_values(page, "title")  # as typed, not reformatted
    assert (typed["starts_at-date"], typed["starts_at-time"]) == (WINTER_DATE, "19.00")
    assert (typed["ends_at-date"], typed["ends_at-time"]) == (WINTER_DAY, "17:00")
    assert "Kahvit klo 16.30 aulassa.</textarea>" in html
    assert 'value="Hämeenlinna"' in html
    assert event_count() == 0


# --- editing --------------------------------------------------------------------------


def test_editing_keeps_answers_attached_to_their_questions(
    client, app, login, make_organiser, make_event, mailbox
):
    owner = make_organiser()
    event = make_event(owner, questions=[DIET_QUESTION, COFFEE_QUESTION])
    diet, coffee = event.questions
    question_ids = [diet.id, coffee.id]
    sign_up(client, event, **{f"q_{diet.id}": "gluteeniton", f"q_{coffee.id}": "yes"})
    deliver_mail(app)
    manage_path = link_in(mailbox.to("sara@example.fi")[0], "/manage/")
    login(owner)

    saved = edit_event(
        client,
        event.id,
        title="Hyvinvointi ja sote – keskustelu",
        **{"questions-0-label": "Ruokavalio tai allergia"},
    )

    assert "Your changes were saved." in text_of(saved)
    attendees = text_of(client.get(f"/organiser/events/{event.id}/attendees?sensitive=1"))
    assert "Ruokavalio tai allergia" in attendees
    assert "Erityisruokavalio" not in attendees
    assert "Sara Löyttyjärvi sara@example.fi Hämeen Setlementti ry Confirmed gluteeniton Yes" in (
        attendees
    )
    manage = client.get(manage_path)
    assert "Ruokavalio tai allergia" in text_of(manage)
    assert 'value="gluteeniton"' in manage.get_data(as_text=True)
    db.session.expire_all()
    assert [q.id for q in db.session.get(Event, event.id).questions] == question_ids


def test_a_question_ticked_remove_leaves_the_sign_up_form(
    client, login, make_organiser, make_event
):
    owner = make_organiser()
    event = make_event(owner, questions=[DIET_QUESTION, COFFEE_QUESTION])
    diet, coffee = event.questions
    sign_up(client, event, **{f"q_{diet.id}": "vegaaninen", f"q_{coffee.id}": "no"})
    login(owner)

    edit_event(client, event.id, **{"questions-1-remove": "y"})

    form = text_of(client.get(f"/events/{event.slug}/register"))
    assert "Osallistun kahvitarjoiluun" not in form
    assert "Erityisruokavalio" in form
    attendees = text_of(client.get(f"/organiser/events/{event.id}/attendees?sensitive=1"))
    assert "Osallistun kahvitarjoiluun" not in attendees
    assert "Confirmed vegaaninen" in attendees


def test_raising_capacity_gives_places_to_the_waiting_list_and_tells_them(
    client, app, login, make_organiser, make_event, mailbox
):
    owner = make_organiser()
    event = make_event(owner, capacity=1)
    for person in ("first", "second", "third"):
        sign_up(client, event, email=f"{person}@example.fi", name=person.title())
    deliver_mail(app)
    mailbox.clear()
    login(owner)

    saved = edit_event(client, event.id, capacity="2")

    assert "Your changes were saved." in text_of(saved)
    assert "Confirmed 2 / 2 Waiting list 1 Cancelled 0" in text_of(saved)
    assert deliver_mail(app) == 1
    [promoted] = mailbox.to("second@example.fi")
    assert "you are registered" in promoted["Subject"]
    assert event.title in promoted["Subject"]
    assert "Your place is confirmed" in mailbox.text(promoted)
    assert mailbox.to("third@example.fi") == []
    attendees = text_of(client.get(f"/organiser/events/{event.id}/attendees?status=waiting"))
    assert "Third" in attendees
    assert "Second" not in attendees


# --- cancelling -----------------------------------------------------------------------


def test_cancelling_an_event_asks_first_then_tells_everyone_and_refuses_sign_ups(
    client, app, login, make_organiser, make_event, mailbox
):
    owner = make_organiser()
    event = make_event(owner, capacity=1)
    sign_up(client, event, email="seated@example.fi")
    sign_up(client, event, email="waiting@example.fi")
    sign_up(client, event, email="gone@example.fi")
    deliver_mail(app)
    submit(client, link_in(mailbox.to("gone@example.fi")[0], "/manage/") + "/cancel", {})
    deliver_mail(app)
    mailbox.clear()
    login(owner)

    confirm = client.get(f"/organiser/events/{event.id}/cancel")

    assert "Cancel the event?" in text_of(confirm)
    assert "2 people have signed up. Everyone gets an email" in text_of(confirm)
    assert "cancelled" not in text_of(client.get(f"/events/{event.slug}")).lower()

    done = submit(client, f"/organiser/events/{event.id}/cancel", {}, follow_redirects=True)

    assert "The event is cancelled. 2 people will be told by email." in text_of(done)
    assert deliver_mail(app) == 2
    for address in ("seated@example.fi", "waiting@example.fi"):
        [message] = mailbox.to(address)
        assert message["Subject"] == f"Cancelled: {event.title}"
        assert "the event has been cancelled" in mailbox.text(message)
    assert mailbox.to("gone@example.fi") == []

    public = client.get(f"/events/{event.slug}")
    assert "This event has been cancelled." in text_of(public)
    assert "Sign up" not in text_of(public)
    assert "Join the waiting list" not in text_of(public)
    assert event.title not in text_of(client.get("/"))
    refused = client.get(f"/events/{event.slug}/register")
    assert refused.status_code == 409
    assert "The event has been cancelled" in text_of(refused)
    token = csrf_token_in(done.get_data(as_text=True))
    posted = client.post(
        f"/events/{event.slug}/register",
        data={"csrf_token": token, "name": "Late", "email": "late@example.fi", "consent": "y"},
    )
    assert posted.status_code == 409
    assert "late@example.fi" not in text_of(client.get(f"/organiser/events/{event.id}/attendees"))
    # Cancelling twice tells no one twice.
    again = submit(client, f"/organiser/events/{event.id}/cancel", {}, form_page="/organiser/")
    assert again.status_code == 303
    assert deliver_mail(app) == 0


# --- co-organisers --------------------------------------------------------------------


def test_a_co_organiser_is_added_by_email_and_sees_the_event(
    client, login, make_organiser, make_event
):
    owner = make_organiser()
    colleague = make_organiser(email="kaisa@example.fi", name="Kaisa Kumppani")
    event = make_event(owner, title="Järjestöjen sote-ryhmä")
    page = f"/organiser/events/{event.id}/organisers"
    login(colleague)
    assert "Järjestöjen sote-ryhmä" not in text_of(client.get("/organiser/"))
    assert client.get(f"/organiser/events/{event.id}").status_code == 404
    login(owner)

    # An address with no account is invited to make one (tests/test_accounts.py).
    unknown = submit(client, page, {"email": "nobody@example.fi"}, follow_redirects=True)
    assert "nobody@example.fi has no account in Kutsu yet" in text_of(unknown)
    invalid = submit(client, page, {"email": "nobody at example.fi"})
    html = invalid.get_data(as_text=True)
    assert "There is a problem" in html
    assert 'href="#email"' in html
    assert 'id="email-error"' in html
    assert 'value="nobody at example.fi"' in html

    added = submit(client, page, {"email": " KAISA@example.fi "}, follow_redirects=True)

    assert "Kaisa Kumppani is now a co-organiser." in text_of(added)
    assert "Kaisa Kumppani (kaisa@example.fi) – co-organiser" in text_of(added)
    login(colleague)
    dashboard = text_of(client.get("/organiser/"))
    assert "Järjestöjen sote-ryhmä" in dashboard
    for path in ("", "/edit", "/attendees", "/attendees.csv", "/preview"):
        assert client.get(f"/organiser/events/{event.id}{path}").status_code == 200
    saved = edit_event(client, event.id, venue_name="Verkatehdas")
    assert "Your changes were saved." in text_of(saved)


# --- who may see what -----------------------------------------------------------------

EVENT_PAGES = [
    "",
    "/edit",
    "/preview",
    "/cancel",
    "/organisers",
    "/attendees",
    "/attendees.csv",
    "/attendees.xlsx",
]


# Each check below runs its cases in one test: every organiser account and sign-in costs
# a deliberately slow password hash.


def test_another_organisers_event_cannot_be_opened_by_changing_the_url(
    client, login, make_organiser, make_event
):
    event = make_event(make_organiser(email="owner@example.fi"), title="Salainen suunnittelu")
    sign_up(client, event, name="Piilotettu Henkilö")
    login(make_organiser(email="intruder@example.fi"))

    for path in EVENT_PAGES:
        response = client.get(f"/organiser/events/{event.id}{path}")
        assert response.status_code == 404, path
        assert "Salainen suunnittelu" not in response.get_data(as_text=True), path
        assert "Piilotettu" not in response.get_data(as_text=True), path
    assert "Salainen suunnittelu" not in text_of(client.get("/organiser/"))


def test_another_organisers_event_cannot_be_changed_by_changing_the_url(
    client, login, make_organiser, make_event
):
    owner = make_organiser(email="owner@example.fi")
    event = make_event(owner, title="Salainen suunnittelu", published=False)
    intruder = make_organiser(email="intruder@example.fi")
    login(intruder)
    token = csrf_token_in(client.get("/organiser/").get_data(as_text=True))

    for path, data in [
        ("/publish", {}),
        ("/cancel", {}),
        ("/edit", {**event_form(title="Kaapattu"), "save": "1"}),
        ("/organisers", {"email": intruder.email}),
    ]:
        response = client.post(
            f"/organiser/events/{event.id}{path}", data={"csrf_token": token, **data}
        )
        assert response.status_code == 404, path

    assert client.get(f"/events/{event.slug}").status_code == 404  # still a draft
    assert "Salainen suunnittelu" not in text_of(client.get("/organiser/"))
    assert db.session.scalar(sa.select(sa.func.count(OutboundEmail.id))) == 0
    login(owner)
    overview = text_of(client.get(f"/organiser/events/{event.id}"))
    assert "Draft Salainen suunnittelu" in overview
    organisers = text_of(client.get(f"/organiser/events/{event.id}/organisers"))
    assert "intruder@example.fi" not in organisers


def test_an_admin_sees_and_opens_every_event(client, login, make_organiser, make_event):
    first = make_event(make_organiser(email="a@example.fi"), title="Ensimmäinen tilaisuus")
    second = make_event(
        make_organiser(email="b@example.fi"), title="Toinen tilaisuus", published=False
    )
    login(make_organiser(email="admin@example.fi", admin=True))

    assert "Ensimmäinen tilaisuus" in text_of(client.get("/organiser/"))
    assert "Toinen tilaisuus" in text_of(client.get("/organiser/?tab=drafts"))
    for event in (first, second):
        for path in ("", "/attendees", "/attendees.csv", "/edit"):
            assert client.get(f"/organiser/events/{event.id}{path}").status_code == 200


def test_an_admins_home_lists_their_own_events_among_all_events(
    client, login, make_organiser, make_event
):
    admin = make_organiser(email="admin@example.fi", admin=True)
    make_event(admin, title="Ylläpitäjän oma tilaisuus")
    make_event(make_organiser(email="a@example.fi"), title="Toisen tilaisuus")
    login(admin)

    dashboard = text_of(client.get("/organiser/"))

    assert "All events" in dashboard
    assert "Ylläpitäjän oma tilaisuus" in dashboard
    assert "Toisen tilaisuus" in dashboard


def test_an_organiser_has_no_list_of_all_events(client, login, make_organiser, make_event):
    me = make_organiser(email="me@example.fi")
    make_event(me, title="Oma tilaisuus")
    login(me)

    assert "All events" not in text_of(client.get("/organiser/"))


def test_an_organiser_sees_only_their_own_events(client, login, make_organiser, make_event):
    me = make_organiser(email="me@example.fi")
    make_event(me, title="Oma tilaisuus")
    make_event(make_organiser(email="other@example.fi"), title="Toisen tilaisuus")
    login(me)

    dashboard = text_of(client.get("/organiser/"))

    assert "Oma tilaisuus" in dashboard
    assert "Toisen tilaisuus" not in dashboard


ANONYMOUS_PAGES = ["/organiser/", "/organiser/events/new"] + [
    "/organiser/events/{id}" + path for path in EVENT_PAGES
]


def test_anonymous_visitors_are_sent_to_sign_in_from_every_organiser_page(client, make_event):
    event = make_event()

    for path in ANONYMOUS_PAGES:
        path = path.format(id=event.id)
        response = client.get(path)
        assert response.status_code == 302, path
        location = urlsplit(response.headers["Location"])
        assert location.path == "/login", path
        assert parse_qs(location.query)["next"] == [path]


def test_anonymous_posts_change_nothing(client, make_event):
    event = make_event(published=False)
    token = csrf_token_in(client.get("/login").get_data(as_text=True))

    for path in ("/publish", "/cancel", "/edit", "/organisers"):
        response = client.post(
            f"/organiser/events/{event.id}{path}",
            data={"csrf_token": token, "email": "x@example.fi", **event_form(title="Kaapattu")},
        )
        assert response.status_code == 302, path
        assert urlsplit(response.headers["Location"]).path == "/login", path

    assert client.get(f"/events/{event.slug}").status_code == 404  # still a draft
    db.session.expire_all()
    assert db.session.get(Event, event.id).status == EventStatus.DRAFT
    assert db.session.get(Event, event.id).title == event.title
    assert db.session.scalar(sa.select(sa.func.count(OutboundEmail.id))) == 0


# --- signing in -----------------------------------------------------------------------


def test_after_signing_in_the_organiser_lands_on_the_page_they_asked_for(
    client, make_organiser, make_event
):
    organiser = make_organiser()
    event = make_event(organiser)
    login_url = client.get(f"/organiser/events/{event.id}/attendees").headers["Location"]

    response = submit(
        client, login_url, {"email": organiser.email, "password": PASSWORD}, follow_redirects=True
    )

    assert response.request.path == f"/organiser/events/{event.id}/attendees"
    assert "Attendees" in text_of(response)


@pytest.mark.parametrize(
    "email, password",
    [("organiser@example.fi", "wrong password here"), ("nobody@example.fi", PASSWORD)],
    ids=["wrong-password", "unknown-email"],
)
def test_failed_sign_in_says_the_same_for_unknown_email_and_wrong_password(
    client, make_organiser, email, password
):
    make_organiser(email="organiser@example.fi")

    page = submit(client, "/login", {"email": email, "password": password})

    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "There is a problem" in html
    assert "The email address or password is not right" in html
    assert "no account" not in html.lower()
    assert f'value="{email}"' in html
    assert password not in html
    assert client.get("/organiser/").status_code == 302


def test_next_cannot_send_the_organiser_to_another_site(client, make_organiser):
    organiser = make_organiser()

    for target in [
        "https://evil.example/organiser/",
        "//evil.example/organiser/",
        "/\\evil.example",
        "\\\\evil.example",
        "/\t/evil.example",  # browsers drop the tab: //evil.example
        "/\n/evil.example",
        " //evil.example",
        "javascript:alert(1)",
    ]:
        response = submit(
            client,
            "/login?" + urlencode({"next": target}),
            {"email": organiser.email, "password": PASSWORD},
        )
        assert response.status_code == 303, repr(target)
        assert response.headers["Location"] == "/organiser/", repr(target)


def test_capacity_cannot_go_below_the_people_already_confirmed(
    client, login, make_organiser, make_event
):
    owner = make_organiser()
    event = make_event(owner, capacity=5)
    for number in range(3):
        sign_up(client, event, email=f"person{number}@example.fi")
    login(owner)

    page = edit_event(client, event.id, capacity="2")

    assert "3 people already have a place. Enter 3 or more." in text_of(page)
    assert "There is a problem" in text_of(page)
    db.session.refresh(event)
    assert event.capacity == 5


def test_a_crafted_question_index_is_ignored_not_a_server_error(client, login, make_organiser):
    owner = make_organiser()
    login(owner)
    page = submit(
        client,
        "/organiser/events/new",
        {"title": "Työpaja", "questions-²-label": "x", "add_question": "1"},
    )
    assert page.status_code == 200
