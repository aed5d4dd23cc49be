"""The public nomination form of a workshop, through its pages, with a real SMTP server:
one nominator, one or more people proposed, refusals at the field, nothing half-written."""

import re
from datetime import timedelta
from html.parser import HTMLParser

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from markupsafe import escape

from app import clock
from app.events.services import availability
from app.extensions import db
from app.models import Candidate, EventStatus, Nomination, OutboundEmail, Participation
from app.nominations.forms import MAX_NOMINEES
from app.organiser.services import cancel_event
from tests.conftest import Mailbox, csrf_token_in, deliver_mail, submit, text_of

THEMES = ["Mielenterveys", "Ikäihmiset", "Lapset ja perheet"]


@pytest.fixture
def workshop(make_event):
    now = clock.now()
    return make_event(
        title="Tulevaisuuden sote-keskus: kansallinen sidosryhmätyöpaja",
        participation=Participation.INVITATION,
        nominations_close_at=now + timedelta(days=20),
        nominees_per_organisation=2,
        themes=THEMES,
        starts_in=timedelta(days=60),
        contact_email="info@example.fi",
    )


def form_url(event) -> str:
    return f"/events/{event.slug}/nominate"


NOMINATOR = {
    "name": "Nina Nominator",
    "email": "nina@soste.example",
    "organisation": "SOSTE ry",
    "confirm": "y",
}


def nominee(index: int, name: str, email: str, **fields) -> dict:
    """One block of the form, as posted: nominees-<index>-<field>."""
    fields = {"name": name, "email": email, "justification": "Pitkä kokemus.", **fields}
    return {f"nominees-{index}-{key}": value for key, value in fields.items()}


AINO = nominee(
    0,
    "Aino Aalto",
    "aino@example.fi",
    organisation="Hämeen Setlementti ry",
    role="Toiminnanjohtaja",
    region="Kanta-Häme",
    themes=["Mielenterveys", "Ikäihmiset"],
)
BERTTA = nominee(1, "Bertta Berg", "bertta@example.fi", region="Pirkanmaa")


def nominate(client, event, *blocks, **overrides):
    data = {**NOMINATOR}
    for block in blocks:
        data.update(block)
    data.update(overrides)
    return submit(client, form_url(event), data)


def counts() -> tuple[int, int, int]:
    return tuple(
        db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Candidate, Nomination, OutboundEmail)
    )


class FormReader(HTMLParser):
    """What a browser would show in a form: values typed, options chosen, attributes."""

    def __init__(self, html: str):
        super().__init__()
        self.elements: dict[str, dict] = {}  # by id
        self.values: dict[str, list[str]] = {}  # by name, as the form would post them
        self.buttons: list[dict] = []
        self._textarea = None
        self._select = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = {key: value if value is not None else "" for key, value in attrs}
        if "id" in attrs:
            self.elements[attrs["id"]] = {"tag": tag, **attrs}
        name = attrs.get("name")
        if tag == "button":
            self.buttons.append(attrs)
        elif tag == "input" and name:
            if attrs.get("type") in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.values.setdefault(name, []).append(attrs.get("value", ""))
        elif tag == "textarea":
            self._textarea = name
            self.values.setdefault(name, []).append("")
        elif tag == "select":
            self._select = name
        elif tag == "option" and self._select and "selected" in attrs:
            self.values.setdefault(self._select, []).append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            self.values[self._textarea][-1] += data

    def value(self, name: str) -> str | None:
        found = self.values.get(name)
        return found[0] if found else None

    def blocks(self) -> int:
        return sum(1 for key in self.elements if re.fullmatch(r"nominee-\d+", key))


def read(response) -> FormReader:
    return FormReader(response.get_data(as_text=True))


def error_summary(response) -> list[str]:
    html = response.get_data(as_text=True)
    summary = re.search(r'<div class="error-summary".*?</ul>', html, re.S)
    assert summary, "no error summary on the page"
    return [
        (target, re.sub(r"\s+", " ", message).strip())
        for target, message in re.findall(r'<a href="#([^"]+)">(.*?)</a>', summary.group(0), re.S)
    ]


def field_error(response, element_id: str) -> str:
    html = response.get_data(as_text=True)
    found = re.search(
        rf'<p class="field-error" id="{re.escape(element_id)}-error">(.*?)</p>', html, re.S
    )
    assert found, f"no error at {element_id}"
    return re.sub(r"<[^>]+>|\s+", " ", found.group(1)).replace("Error:", "").strip()


# --- the happy path -------------------------------------------------------------------


def test_nominating_two_people_tells_the_nominator_and_each_of_them(app, client, workshop, mailbox):
    page = client.get(form_url(workshop))
    assert page.status_code == 200
    assert "Nominate participants" in text_of(page)

    response = nominate(client, workshop, AINO, BERTTA)

    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/events/{workshop.slug}/nominated")
    thanks = client.get(response.headers["Location"])
    assert thanks.status_code == 200
    assert thanks.headers["Cache-Control"] == "no-store"
    text = text_of(thanks)
    assert "Thank you for your nominations" in text
    assert "We have sent you a list of whom you nominated" in text
    assert "Each person you nominated is told" in text
    assert "Aino Aalto" in text and "Bertta Berg" in text

    aino, bertta = db.session.scalars(sa.select(Candidate).order_by(Candidate.name))
    assert (aino.email, aino.organisation, aino.role, aino.region) == (
        "aino@example.fi",
        "Hämeen Setlementti ry",
        "Toiminnanjohtaja",
        "Kanta-Häme",
    )
    assert aino.themes == ["Mielenterveys", "Ikäihmiset"]
    assert (bertta.organisation, bertta.role, bertta.themes) == ("", "", [])
    [nomination] = aino.nominations
    assert (nomination.nominator_name, nomination.nominator_email) == (
        "Nina Nominator",
        "nina@soste.example",
    )
    assert nomination.nominator_organisation == "SOSTE ry"
    assert nomination.justification == "Pitkä kokemus."

    assert deliver_mail(app) == 3
    [listing] = mailbox.to("nina@soste.example")
    assert "Aino Aalto" in Mailbox.text(listing) and "Bertta Berg" in Mailbox.text(listing)
    for address in ("aino@example.fi", "bertta@example.fi"):
        [informed] = mailbox.to(address)
        assert "Nina Nominator (SOSTE ry)" in Mailbox.text(informed)
        assert "info@example.fi" in Mailbox.text(informed)  # whom to tell if they object


def test_the_same_person_from_two_organisations_is_one_candidate(app, client, workshop):
    assert nominate(client, workshop, AINO).status_code == 303
    again = nominee(0, "AINO Aalto", "Aino@Example.FI", themes=["Lapset ja perheet"])
    response = nominate(
        client,
        workshop,
        again,
        name="Olli Other",
        email="olli@setlementti.example",
        organisation="Hämeen Setlementti ry",
    )
    assert response.status_code == 303

    [candidate] = db.session.scalars(sa.select(Candidate))
    assert candidate.name == "Aino Aalto"
    assert [n.nominator_organisation for n in candidate.nominations] == [
        "SOSTE ry",
        "Hämeen Setlementti ry",
    ]
    assert candidate.themes == ["Mielenterveys", "Ikäihmiset", "Lapset ja perheet"]


# --- adding and removing blocks --------------------------------------------------------


def test_add_another_nominee_shows_one_more_block_keeps_everything_and_saves_nothing(
    client, workshop
):
    response = nominate(client, workshop, AINO, add_nominee="1", confirm="")

    assert response.status_code == 200
    form = read(response)
    assert form.blocks() == 2
    assert "There is a problem" not in text_of(response)
    assert not response.get_data(as_text=True).count('class="field-error"')
    # Everything typed is back, the choices too.
    assert form.value("name") == "Nina Nominator"
    assert form.value("email") == "nina@soste.example"
    assert form.value("organisation") == "SOSTE ry"
    assert form.value("nominees-0-name") == "Aino Aalto"
    assert form.value("nominees-0-role") == "Toiminnanjohtaja"
    assert form.value("nominees-0-region") == "Kanta-Häme"
    assert form.values["nominees-0-themes"] == ["Mielenterveys", "Ikäihmiset"]
    assert form.value("nominees-0-justification") == "Pitkä kokemus."
    # The new block is empty, and has the focus.
    assert form.value("nominees-1-name") == ""
    assert form.value("nominees-1-region") == ""
    assert "autofocus" in form.elements["nominee-1"]
    # Each block can now be removed.
    removes = [b["value"] for b in form.buttons if b.get("name") == "remove_nominee"]
    assert removes == ["0", "1"]
    assert counts() == (0, 0, 0)


def test_remove_this_nominee_takes_out_that_block_only(client, workshop):
    third = nominee(2, "Cecilia Carlsson", "cecilia@example.fi", region="Lappi")

    response = nominate(client, workshop, AINO, BERTTA, third, remove_nominee="1")

    assert response.status_code == 200
    form = read(response)
    assert form.blocks() == 2
    assert form.value("nominees-0-name") == "Aino Aalto"
    assert form.value("nominees-1-name") == "Cecilia Carlsson"
    assert form.value("nominees-1-region") == "Lappi"
    assert "Bertta" not in response.get_data(as_text=True)
    assert "Nominee 2 was removed" in text_of(response)
    assert counts() == (0, 0, 0)

    # With one block there is nothing to remove; sent by hand, an empty block is left.
    single = client.get(form_url(workshop))
    assert not [b for b in read(single).buttons if b.get("name") == "remove_nominee"]
    emptied = read(nominate(client, workshop, AINO, remove_nominee="0"))
    assert emptied.blocks() == 1
    assert emptied.value("nominees-0-name") == ""


def test_at_most_twenty_nominees_at_a_time(client, workshop):
    blocks = [nominee(i, f"Henkilö {i}", f"h{i}@example.fi") for i in range(MAX_NOMINEES)]

    response = nominate(client, workshop, *blocks, add_nominee="1")

    form = read(response)
    assert form.blocks() == MAX_NOMINEES
    assert not [b for b in form.buttons if b.get("name") == "add_nominee"]
    assert f"You can propose up to {MAX_NOMINEES} people at a time" in text_of(response)
    # More blocks than that, sent by hand, are not taken in.
    extra = nominee(MAX_NOMINEES, "Yksi liikaa", "liikaa@example.fi")
    assert (
        read(nominate(client, workshop, *blocks, extra, add_nominee="1")).blocks() == MAX_NOMINEES
    )


def test_the_form_sends_with_enter_from_a_text_field(client, workshop):
    """The first submit button is the one Enter presses: it must send, not add or remove."""
    form = read(client.get(form_url(workshop)))
    first = form.buttons[0]
    assert "name" not in first and first.get("type") == "submit"
    assert first.get("tabindex") == "-1" and first.get("aria-hidden") == "true"


# --- refusals at the field --------------------------------------------------------------


def test_the_same_person_twice_on_one_form_is_refused_at_the_second(client, workshop):
    twice = nominee(1, "Aino A.", "AINO@example.fi")

    response = nominate(client, workshop, AINO, twice)

    assert response.status_code == 200
    message = "You have proposed this person already on this form: enter each person once"
    assert ("nominees-1-email", message) in error_summary(response)
    assert field_error(response, "nominees-1-email") == message
    assert read(response).elements["nominees-1-email"]["aria-invalid"] == "true"
    assert response.get_data(as_text=True).count('class="field-error"') == 1
    assert read(response).value("nominees-1-name") == "Aino A."
    assert "<title>Error:" in response.get_data(as_text=True)
    assert counts() == (0, 0, 0)


def test_proposing_yourself_is_refused_unless_the_event_allows_it(client, workshop, make_event):
    me = nominee(1, "Nina Nominator", "NINA@soste.example")

    response = nominate(client, workshop, AINO, me)

    message = "You cannot propose yourself: enter the email address of someone else"
    assert error_summary(response) == [("nominees-1-email", message)]
    assert "<title>Error:" in response.get_data(as_text=True)
    assert "You cannot propose yourself." in text_of(client.get(form_url(workshop)))
    assert counts() == (0, 0, 0)

    open_to_all = make_event(
        title="Itseään saa ehdottaa",
        participation=Participation.INVITATION,
        self_nomination=True,
    )
    assert (
        nominate(client, open_to_all, nominee(0, "Nina", "nina@soste.example")).status_code == 303
    )


def test_too_many_from_one_organisation_counts_its_name_case_insensitively(client, workshop):
    assert nominate(client, workshop, AINO, BERTTA).status_code == 303
    before = counts()

    response = nominate(
        client,
        workshop,
        nominee(0, "Cecilia Carlsson", "cecilia@example.fi"),
        name="Sami Soste",
        email="sami@soste.example",
        organisation="  soste RY ",
    )

    assert response.status_code == 200
    message = "Your organisation can nominate at most 2 people; 2 already nominated"
    assert error_summary(response) == [("organisation", message)]
    assert field_error(response, "organisation") == message
    form = read(response)
    assert form.value("organisation") == "  soste RY "
    assert form.value("nominees-0-name") == "Cecilia Carlsson"
    assert counts() == before

    # Proposing again someone the organisation already proposed takes no new place.
    again = nominate(
        client, workshop, nominee(0, "Aino", "aino@example.fi"), organisation="Soste ry"
    )
    assert again.status_code == 303


def test_form_errors_are_shown_at_the_fields_with_everything_kept(client, workshop):
    response = nominate(
        client,
        workshop,
        nominee(0, "Ai\x00no", "not an address", justification="x" * 2001),
        nominee(1, "", "", justification="", region="Atlantis", themes=["Astrologia"]),
        name="N" * 201,
        email="",
        organisation="",
        confirm="",
    )

    assert response.status_code == 200
    assert [target for target, _ in error_summary(response)] == [
        "name",
        "email",
        "organisation",
        "nominees-0-name",
        "nominees-0-email",
        "nominees-0-justification",
        "nominees-1-name",
        "nominees-1-email",
        "nominees-1-region",
        "nominees-1-themes-0",
        "nominees-1-justification",
        "confirm",
    ]
    assert field_error(response, "name") == "Name must be 200 characters or fewer"
    assert field_error(response, "nominees-0-name") == (
        "Remove the special characters that cannot be saved"
    )
    assert field_error(response, "nominees-0-email") == (
        "Enter an email address in the correct format, like name@example.fi"
    )
    assert field_error(response, "nominees-0-justification") == "Use 2000 characters or fewer"
    assert field_error(response, "nominees-1-region") == (
        "Choose a wellbeing services county from the list"
    )
    assert field_error(response, "confirm") == (
        "Confirm that the people you propose may be contacted about this workshop"
    )
    form = read(response)
    assert form.value("name") == "N" * 201
    assert form.value("nominees-0-email") == "not an address"
    assert form.value("nominees-0-justification") == "x" * 2001
    assert counts() == (0, 0, 0)


@pytest.mark.both_databases
def test_text_that_grows_when_stored_is_refused_at_the_field(client, workshop):
    # 200 characters typed, 400 once case-folded or NFC-normalised: PostgreSQL would
    # refuse the value for its column, after everything else was checked.
    grows = nominee(0, "\u0958" * 150, "aino@example.fi")  # क़ is two code points in NFC
    response = nominate(client, workshop, grows, organisation="ß" * 200)

    assert field_error(response, "organisation") == "Organisation must be 200 characters or fewer"
    assert field_error(response, "nominees-0-name") == "Name must be 200 characters or fewer"
    assert counts() == (0, 0, 0)
    fits = nominate(
        client, workshop, nominee(0, "\u0958" * 100, "a@example.fi"), organisation="ß" * 100
    )
    assert fits.status_code == 303


def test_the_form_needs_its_csrf_token(client, workshop):
    data = {**NOMINATOR, **AINO}
    response = client.post(form_url(workshop), data=data)
    assert response.status_code == 400
    assert counts() == (0, 0, 0)


def test_block_numbers_are_read_as_plain_digits_only(client, workshop):
    """WTForms takes "²" for a digit, then fails to read it as a number: a server error."""
    page = client.get(form_url(workshop))
    token = csrf_token_in(page.get_data(as_text=True))
    odd = {"nominees-²-name": "Superscript", "nominees-٣-name": "Arabic-Indic"}

    response = client.post(
        form_url(workshop), data={"csrf_token": token, **NOMINATOR, **AINO, **odd}
    )
    assert response.status_code == 303
    assert [c.name for c in db.session.scalars(sa.select(Candidate))] == ["Aino Aalto"]

    # Blocks numbered with gaps are numbered again in the order they came.
    far = {"nominees-99999999999999999999-name": "Far Away"}
    again = client.post(
        form_url(workshop),
        data={"csrf_token": token, **NOMINATOR, **BERTTA, **far, "remove_nominee": "²"},
    )
    assert again.status_code == 200
    form = read(again)
    assert (form.value("nominees-0-name"), form.value("nominees-1-name")) == (
        "Bertta Berg",
        "Far Away",
    )


# --- when the form is not there --------------------------------------------------------


def test_outside_the_nomination_window_the_form_says_so_with_409(client, make_event):
    now = clock.now()
    early = make_event(
        title="Ei vielä auki",
        participation=Participation.INVITATION,
        nominations_open_at=now + timedelta(days=2),
        nominations_close_at=now + timedelta(days=9),
    )
    response = client.get(form_url(early))
    assert response.status_code == 409
    assert "Nominations have not opened yet" in text_of(response)
    assert "Nominations open" in text_of(client.get(f"/events/{early.slug}"))

    clock.travel(now + timedelta(days=10))
    late = client.get(form_url(early))
    assert late.status_code == 409
    assert "Nominations have closed" in text_of(late)


def test_the_window_closing_while_the_form_is_open_writes_nothing(client, workshop):
    page = client.get(form_url(workshop))
    clock.travel(workshop.nominations_close_at + timedelta(minutes=1))
    data = {"csrf_token": csrf_token_in(page.get_data(as_text=True)), **NOMINATOR, **AINO}

    response = client.post(form_url(workshop), data=data)

    assert response.status_code == 409
    assert "Nominations have closed" in text_of(response)
    assert counts() == (0, 0, 0)


def test_a_cancelled_workshop_takes_no_nominations(client, workshop):
    cancel_event(workshop)
    db.session.commit()
    response = client.get(form_url(workshop))
    assert response.status_code == 409
    assert "The event has been cancelled" in text_of(response)
    assert "Nominate participants" not in text_of(client.get(f"/events/{workshop.slug}"))


def test_drafts_and_open_events_have_no_nomination_form(client, make_event):
    draft = make_event(participation=Participation.INVITATION, published=False)
    assert draft.status == EventStatus.DRAFT
    assert client.get(form_url(draft)).status_code == 404
    assert client.get(f"/events/{draft.slug}/nominated").status_code == 404
    open_event = make_event(title="Kaikille avoin")
    assert client.get(form_url(open_event)).status_code == 404
    assert client.post(form_url(open_event), data=NOMINATOR).status_code in (400, 404)


# --- the public pages -------------------------------------------------------------------


def test_event_and_home_pages_offer_nominations_not_sign_up(client, workshop, make_event):
    make_event(title="Kevätpäivä", capacity=10)
    event_page = client.get(f"/events/{workshop.slug}")
    text = text_of(event_page)
    assert "Participation by invitation" in text
    assert "Nominations close" in text
    assert f'href="/events/{workshop.slug}/nominate"' in event_page.get_data(as_text=True)
    assert "Nominate participants" in text
    assert "Sign up" not in text

    home = client.get("/")
    html = home.get_data(as_text=True)
    assert "Participation by invitation" in text_of(home)
    assert f'href="/events/{workshop.slug}/nominate"' in html
    assert f'href="/events/{workshop.slug}/register"' not in html

    clock.travel(workshop.nominations_close_at + timedelta(minutes=1))
    closed = client.get(f"/events/{workshop.slug}")
    assert "Participation by invitation" in text_of(closed)
    assert "Nominations have closed" in text_of(closed)
    assert "/nominate" not in closed.get_data(as_text=True)
    assert "Sign up" not in text_of(closed)


def test_only_the_nominators_own_fields_may_be_filled_in_by_the_browser(client, workshop):
    form = read(nominate(client, workshop, AINO, add_nominee="1"))
    assert form.elements["name"]["autocomplete"] == "name"
    assert form.elements["email"]["autocomplete"] == "email"
    assert form.elements["organisation"]["autocomplete"] == "organization"
    nominee_fields = [
        element
        for element_id, element in form.elements.items()
        if element_id.startswith("nominees-")
        and element["tag"] in ("input", "select", "textarea")
        and element.get("type") != "checkbox"
    ]
    assert len(nominee_fields) == 2 * 6
    assert {element["autocomplete"] for element in nominee_fields} == {"off"}


# --- arbitrary input ---------------------------------------------------------------------

anything = st.text(max_size=300) | st.text(
    alphabet=st.characters(codec="utf-8"), min_size=200, max_size=2100
)
maybe = st.none() | anything


@pytest.fixture
def workshop_once(make_event):
    """One workshop for all examples of a property test (fixtures run once per test)."""
    made = []

    def get():
        if not made:
            made.append(
                make_event(
                    participation=Participation.INVITATION,
                    themes=THEMES,
                    nominations_close_at=clock.now() + timedelta(days=20),
                )
            )
        return made[0]

    return get


@pytest.mark.both_databases
@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    name=maybe,
    email=maybe,
    organisation=maybe,
    nominee_name=maybe,
    nominee_email=maybe | st.just("aino@example.fi"),
    region=maybe | st.sampled_from(["Lappi", ""]),
    theme=maybe | st.sampled_from(THEMES),
    justification=maybe,
    button=st.sampled_from([None, "add_nominee", "remove_nominee"]),
    index=st.text(max_size=5),
)
def test_the_nomination_form_never_fails_on_arbitrary_text(
    client,
    workshop_once,
    name,
    email,
    organisation,
    nominee_name,
    nominee_email,
    region,
    theme,
    justification,
    button,
    index,
):
    event = workshop_once()
    page = client.get(form_url(event))
    fields = {
        "name": name,
        "email": email,
        "organisation": organisation,
        "nominees-0-name": nominee_name,
        "nominees-0-email": nominee_email,
        "nominees-0-region": region,
        "nominees-0-themes": theme,
        "nominees-0-justification": justification,
        f"nominees-{index}-name": nominee_name,
        "confirm": "y",
    }
    data = {key: value for key, value in fields.items() if value is not None}
    if button:
        data[button] = index or "1"
    data["csrf_token"] = csrf_token_in(page.get_data(as_text=True))
    before = counts()

    response = client.post(form_url(event), data=data)

    assert response.status_code < 500
    after = counts()
    if response.status_code == 303:
        assert not button
        assert after[1] > before[1], "a nomination was taken"
    else:
        assert after == before, "a refused form wrote something"
        html = response.get_data(as_text=True)
        assert button or "There is a problem" in html
        if name and "\x00" not in name and name.strip() and len(name) <= 200:
            assert str(escape(name)) in html


def test_the_public_pages_agree_with_the_service_on_when_nominations_are_open(workshop):
    closes = workshop.nominations_close_at
    for at in (clock.now(), closes - timedelta(minutes=1), closes, closes + timedelta(days=1)):
        shown = availability(workshop, at)
        assert (shown == "nominations_open") == workshop.nominations_are_open(at), at


def test_an_organisers_preview_of_a_draft_workshop_has_no_button_to_a_missing_form(
    client, make_event, make_organiser, login
):
    owner = make_organiser(email="olli@example.fi")
    draft = make_event(
        owner,
        participation=Participation.INVITATION,
        published=False,
        nominations_close_at=clock.now() + timedelta(days=5),
    )
    login(owner)
    preview = client.get(f"/organiser/events/{draft.id}/preview")
    assert preview.status_code == 200
    assert "Participation by invitation" in text_of(preview)
    assert "Nominations close" in text_of(preview)
    assert "/nominate" not in preview.get_data(as_text=True)


@pytest.mark.parametrize(
    ("language", "limit", "refused"),
    [
        (
            "en",
            "Each organisation can propose at most 1 person.",
            "Your organisation can nominate at most 1 person; 1 already nominated",
        ),
        (
            "fi",
            "Kukin organisaatio voi ehdottaa enintään 1 henkilön.",
            "Organisaatiosi voi ehdottaa enintään 1 henkilön; ehdotuksia on jo 1",
        ),
        (
            "sv",
            "Varje organisation kan föreslå högst 1 person.",
            "Din organisation kan föreslå högst 1 person; 1 har redan föreslagits",
        ),
    ],
)
def test_a_limit_of_one_nominee_reads_right_in_every_language(
    client, workshop, language, limit, refused
):
    workshop.nominees_per_organisation = 1
    db.session.commit()
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language

    assert limit in text_of(client.get(form_url(workshop)))
    assert nominate(client, workshop, AINO).status_code == 303
    second = nominate(client, workshop, nominee(0, "Cecilia Carlsson", "cecilia@example.fi"))

    assert refused in text_of(second)
