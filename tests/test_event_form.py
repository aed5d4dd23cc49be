"""The organiser's event form as a person fills it in: dates and times typed the Finnish
way, errors that name their field, sections to move between, coming back to a question
just added, and the preview of a draft."""

import re

import pytest

from app.extensions import db
from app.models import Event
from tests.conftest import DIET_QUESTION, submit, text_of, typed_moment
from tests.test_organiser import (
    NEW,
    NEXT_YEAR,
    create_event_through_form,
    edit_event,
    event_count,
    event_form,
    form_values,
    publish,
    slug_of,
)


def error_summary(page) -> list[tuple[str, str]]:
    """(link target, message) of each line of the error summary."""
    html = page.get_data(as_text=True)
    start = html.index('id="error-summary-title"')
    summary = html[start : html.index("</ul>", start)]
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', summary)


def input_tag(page, element_id: str) -> str:
    found = re.search(rf'<input id="{element_id}"[^>]*>', page.get_data(as_text=True))
    assert found, f"no input {element_id}"
    return found.group(0)


# --- dates and times ------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, time",
    [
        (f"17.3.{NEXT_YEAR}", "17.00"),
        (f"17.03.{NEXT_YEAR}", "17:00"),
        (f"{NEXT_YEAR}-03-17", "17.00"),
        (f" 17.3.{NEXT_YEAR}. ", "17"),
    ],
)
def test_a_date_and_time_is_typed_as_finns_and_swedes_write_it(
    client, login, make_organiser, day, time
):
    login(make_organiser())
    event_id = create_event_through_form(
        client,
        **typed_moment("starts_at", day, time),
        **typed_moment("ends_at", f"17.3.{NEXT_YEAR}", "19.00"),
    )
    publish(client, event_id)

    page = client.get(f"/events/{slug_of(event_id)}", headers={"Accept-Language": "fi"})
    assert f"17.3.{NEXT_YEAR} klo 17.00–19.00" in text_of(page)
    # Helsinki is UTC+2 in March before the clocks change.
    assert db.session.get(Event, event_id).starts_at.hour == 15


def test_the_form_asks_for_a_date_and_a_time_in_two_labelled_text_inputs(
    client, login, make_organiser
):
    login(make_organiser())
    page = client.get(NEW)
    html = page.get_data(as_text=True)

    assert 'type="datetime-local"' not in html
    start = html.index('<fieldset class="date-and-time" id="starts_at"')
    field = html[start : html.index("</fieldset>", start)]
    assert "<legend>Starts</legend>" in field
    assert '<label for="starts_at-date">Date</label>' in field
    assert '<label for="starts_at-time">Time</label>' in field
    assert "For example 17.3.2026" in field and "For example 17.00" in field
    assert 'type="text"' in input_tag(page, "starts_at-date")
    # Optional ones say so in their legend.
    assert "<legend>Registration opens (optional)</legend>" in html


@pytest.mark.parametrize(
    "field, day, time, wrong, message",
    [
        ("starts_at", "", "17.00", "date", "Enter the start date"),
        ("starts_at", f"17.3.{NEXT_YEAR}", "", "time", "Enter the start time"),
        (
            "starts_at",
            f"31.2.{NEXT_YEAR}",
            "17.00",
            "date",
            "Enter the start date as day.month.year, for example 17.3.2026",
        ),
        (
            "ends_at",
            "17/3/27",
            "19.00",
            "date",
            "Enter the end date as day.month.year, for example 17.3.2026",
        ),
        (
            "ends_at",
            f"17.3.{NEXT_YEAR}",
            "24.00",
            "time",
            "Enter the end time as hours.minutes, for example 17.00",
        ),
        (
            "starts_at",
            "1.1.0001",
            "0.00",
            "date",
            "Enter the start date as a date from 1.1.2000 to 31.12.2199",
        ),
        (
            "ends_at",
            "31.12.9999",
            "23.59",
            "date",
            "Enter the end date as a date from 1.1.2000 to 31.12.2199",
        ),
        (
            "registration_opens_at",
            "huomenna",
            "",
            "date",
            "Enter the date registration opens as day.month.year, for example 17.3.2026",
        ),
        (
            "registration_closes_at",
            f"1.3.{NEXT_YEAR}",
            "klo 9",
            "time",
            "Enter the time registration closes as hours.minutes, for example 17.00",
        ),
    ],
)
def test_a_wrong_date_or_time_is_named_at_its_input_and_what_was_typed_stays(
    client, login, make_organiser, field, day, time, wrong, message
):
    login(make_organiser())
    page = submit(client, NEW, {**event_form(), **typed_moment(field, day, time), "save": "1"})

    assert page.status_code == 200
    assert (f"{field}-{wrong}", message) in error_summary(page)
    assert f"Error: {message}" in text_of(page)  # and at the field
    right = "time" if wrong == "date" else "date"
    assert 'aria-invalid="true"' in input_tag(page, f"{field}-{wrong}")
    assert 'aria-invalid="true"' not in input_tag(page, f"{field}-{right}")
    typed = form_values(page, "title")
    assert (typed[f"{field}-date"], typed[f"{field}-time"]) == (day, time)
    assert event_count() == 0


def test_a_missing_start_is_asked_for_as_one_date_and_time(client, login, make_organiser):
    login(make_organiser())
    page = submit(client, NEW, {**event_form(), **typed_moment("starts_at", "", ""), "save": "1"})
    assert ("starts_at-date", "Enter the start date and time") in error_summary(page)


def test_the_date_and_time_errors_are_in_the_page_language(client, login, make_organiser):
    login(make_organiser())
    page = submit(
        client,
        NEW,
        {**event_form(), **typed_moment("starts_at", "17.3.", "17.00"), "save": "1"},
        headers={"Accept-Language": "fi"},
    )
    assert "Kirjoita alkamispäivä muodossa päivä.kuukausi.vuosi, esimerkiksi 17.3.2026" in text_of(
        page
    )
    sv = submit(
        client,
        NEW,
        {**event_form(), **typed_moment("ends_at", f"17.3.{NEXT_YEAR}", "7 pm"), "save": "1"},
        headers={"Accept-Language": "sv"},
    )
    assert "Ange sluttid som timmar.minuter, till exempel 17.00" in text_of(sv)


# --- every error names its field --------------------------------------------------------

BAD_INPUT = {
    "title": "J" * 201,
    "description": "d" * 20001,
    "text_sv-title": "T" * 201,
    **typed_moment("starts_at", "ensi tiistaina", "17.00"),
    **typed_moment("ends_at", f"17.12.{NEXT_YEAR}", "seitsemältä"),
    "format": "in_person",
    "venue_name": "V" * 201,
    "venue_address": "A" * 301,
    "join_link": "www.example.fi/kahvit",
    "region": "Atlantis",
    "capacity": "kolmekymmentä",
    **typed_moment("registration_opens_at", "1.13.2027", "9.00"),
    **typed_moment("registration_closes_at", f"1.12.{NEXT_YEAR}", "9.75"),
    "contact_email": "sara(at)example.fi",
    "privacy_notice": "p" * 10001,
    "retention_days": "90 päivää",
    "participation": "invitation",
    **typed_moment("nominations_open_at", "eilen", ""),
    **typed_moment("nominations_close_at", "", "16.00"),
    "nominees_per_organisation": "kaksi",
    "themes": "Mielenterveys\n" + "t" * 101,
    **typed_moment("invitations_send_at", "26.11.", "9.00"),
    **typed_moment("reply_by", f"5.12.{NEXT_YEAR}", "iltapäivällä"),
    "invitation_reminder_days": "3,5",
    "questions-0-label": "Q" * 301,
    "questions-0-hint": "H" * 501,
    "questions-0-kind": "favourite_colour",
    "questions-1-label": "Kahvi vai tee?",
    "questions-1-kind": "single_choice",
    "questions-1-options": "Kahvi",
}

# In the order of the page: the error summary lists them as a person meets them.
NAMED_ERRORS = [
    ("title", "Title: use 200 characters or fewer"),
    ("description", "Description: use 20000 characters or fewer"),
    ("text_sv-title", "Title: use 200 characters or fewer"),
    ("contact_email", "Enter the contact email in the correct format, like name@example.fi"),
    ("starts_at-date", "Enter the start date as day.month.year, for example 17.3.2026"),
    ("ends_at-time", "Enter the end time as hours.minutes, for example 17.00"),
    ("venue_name", "Venue: use 200 characters or fewer"),
    ("venue_address", "Address: use 300 characters or fewer"),
    ("join_link", "The online join link must start with https://"),
    ("region", "Choose a wellbeing services county from the list"),
    ("themes", "Use 100 characters or fewer for each theme"),
    ("capacity", "Enter the number of places as a whole number, for example 40"),
    (
        "registration_opens_at-date",
        "Enter the date registration opens as day.month.year, for example 17.3.2026",
    ),
    (
        "registration_closes_at-time",
        "Enter the time registration closes as hours.minutes, for example 17.00",
    ),
    (
        "nominations_open_at-date",
        "Enter the date nominations open as day.month.year, for example 17.3.2026",
    ),
    ("nominations_close_at-date", "Enter the date nominations close"),
    (
        "nominees_per_organisation",
        "Enter the nominees per organisation as a whole number, for example 2",
    ),
    (
        "invitations_send_at-date",
        "Enter the date the invitations go out as day.month.year, for example 17.3.2026",
    ),
    ("reply_by-time", "Enter the reply-by time as hours.minutes, for example 17.00"),
    (
        "invitation_reminder_days",
        "Enter the days before the reply-by date for the reminder as a whole number, for example 3",
    ),
    ("questions-0-label", "Question: use 300 characters or fewer"),
    ("questions-0-hint", "Hint shown under the question: use 500 characters or fewer"),
    ("questions-0-kind", "Choose the type of answer"),
    ("questions-1-options", "Give at least two options, one per line"),
    ("privacy_notice", "Privacy notice: use 10000 characters or fewer"),
    (
        "retention_days",
        "Enter the days the personal data is kept as a whole number, for example 90",
    ),
]


def test_every_field_of_the_event_form_names_itself_in_its_error(client, login, make_organiser):
    login(make_organiser())
    page = submit(client, NEW, {**BAD_INPUT, "save": "1"})

    assert page.status_code == 200
    assert error_summary(page) == NAMED_ERRORS
    assert "Not a valid" not in text_of(page)
    assert event_count() == 0


@pytest.mark.parametrize(
    "field, typed, message",
    [
        ("capacity", "0", "The number of places must be from 1 to 100000"),
        ("retention_days", "3651", "The days the personal data is kept must be from 1 to 3650"),
        ("nominees_per_organisation", "0", "The nominees per organisation must be from 1 to 1000"),
        (
            "invitation_reminder_days",
            "61",
            "The days before the reply-by date must be from 0 to 60",
        ),
        (
            "invitation_reminder_days",
            "",
            "Enter the days before the reply-by date for the reminder, or 0 for none",
        ),
        ("title", "Kahvit\x00", "Title: remove the special characters that cannot be saved"),
        (
            "contact_email",
            "säde@example.fi",
            "Enter the contact email without letters like ä or ö before the @",
        ),
        (
            "join_link",
            "https://example.fi/\x07",
            "Online join link: remove the special characters that cannot be saved",
        ),
        # Choices no page offers, as a crafted post sends them.
        ("language", "de", "Choose the language"),
        ("format", "boat", "Choose the format"),
        ("reminders", "5", "Choose from the reminders given"),
    ],
)
def test_numbers_out_of_range_and_other_refusals_name_their_field(
    client, login, make_organiser, field, typed, message
):
    login(make_organiser())
    form = {**event_form(), "participation": "invitation", field: typed, "save": "1"}
    page = submit(client, NEW, form)
    grouped = field in ("language", "format", "reminders")  # the link goes to the first option
    assert (f"{field}-0" if grouped else field, message) in error_summary(page)


# --- parts of the form ------------------------------------------------------------------

PARTS = [
    ("basics", "Basics"),
    ("time-and-place", "Time and place"),
    ("registration", "Registration"),
    ("workshop", "Workshop settings"),
    ("questions", "Questions on the sign-up form"),
    ("privacy", "Privacy and reminders"),
]


def test_the_event_form_is_in_parts_with_links_to_each_at_the_top(client, login, make_organiser):
    login(make_organiser())
    html = client.get(NEW).get_data(as_text=True)

    nav = html[
        html.index('<nav class="form-sections"') : html.index("</nav>", html.index("form-sections"))
    ]
    assert re.findall(r'<a href="#([^"]+)">([^<]+)</a>', nav) == PARTS
    for anchor, heading in PARTS:
        assert f'<h2 id="{anchor}-title">{heading}</h2>' in html
        assert f'id="{anchor}" aria-labelledby="{anchor}-title"' in html
    # Each field in its part: the start under Time and place, reminders under Privacy.
    assert (
        html.index('id="time-and-place"')
        < html.index('id="starts_at"')
        < html.index('id="registration"')
    )
    assert html.index('id="privacy"') < html.index('name="reminders"')


def test_the_workshop_settings_say_they_are_only_for_participation_by_invitation(
    client, login, make_organiser
):
    login(make_organiser())
    page = client.get(NEW)
    html = page.get_data(as_text=True)

    assert (
        "Workshop settings Only for participation by invitation: organisations nominate "
        "people" in text_of(page)
    )
    assert "For open sign-up these settings are not used or saved." in text_of(page)
    # Marked so that they are hidden while open sign-up is chosen, by style alone.
    assert 'class="form-section for-invitation" id="workshop"' in html
    assert '<li class="for-invitation"><a href="#workshop">' in html
    # The choice that decides it comes just before them.
    assert html.index('name="participation"') < html.index('id="workshop"')


# --- adding a question ------------------------------------------------------------------


def test_add_a_question_comes_back_to_the_new_question_with_focus_on_it(
    client, login, make_organiser
):
    login(make_organiser())
    first = submit(client, NEW, {**event_form(), "add_question": "1"})
    second = client.post(NEW, data={**form_values(first, "title"), "add_question": "1"})

    html = second.get_data(as_text=True)
    new_block = re.search(r'<fieldset class="question-block" id="question-2"[^>]*>', html)
    assert new_block, "no block for question 2"
    assert 'tabindex="-1"' in new_block.group(0) and "autofocus" in new_block.group(0)
    assert html.count("autofocus") == 1  # only the new question takes the focus
    assert "<legend>Question 2</legend>" in html


def test_enter_in_a_text_field_saves_rather_than_adds_a_question(client, login, make_organiser):
    """A browser presses the form's first submit button on Enter: it must be Save."""
    login(make_organiser())
    html = client.get(NEW).get_data(as_text=True)
    form = html[html.index('class="event-form"') :]
    first_button = re.search(r"<button[^>]*>", form).group(0)
    assert 'name="save"' in first_button


# --- the preview ------------------------------------------------------------------------


def test_the_preview_of_a_draft_shows_the_event_page_and_form_as_the_public_will_see_them(
    client, login, make_organiser, make_event
):
    owner = make_organiser(email="olli@example.fi")
    draft = make_event(
        owner, title="Syysseminaari", capacity=40, published=False, questions=[DIET_QUESTION]
    )
    login(owner)

    preview = client.get(f"/organiser/events/{draft.id}/preview")
    shown = text_of(preview)
    assert "Preview: this is how the event page looks to the public" in shown
    assert "It is a draft and not visible to anyone else yet" in shown
    assert "Places 40 places left" in shown  # as once published, not "Registration closed"
    assert "Registration closed" not in shown
    sign_up_link = f'href="/organiser/events/{draft.id}/preview/sign-up"'
    assert sign_up_link in preview.get_data(as_text=True)

    form = client.get(f"/organiser/events/{draft.id}/preview/sign-up")
    assert form.status_code == 200
    shown = text_of(form)
    assert "Preview: this is the sign-up form as the public will see it. It cannot be sent." in (
        shown
    )
    for label in ("Full name", "Email address", "Erityisruokavalio (optional)"):
        assert label in shown
    html = form.get_data(as_text=True)
    assert '<button type="submit" class="button" disabled' in html
    assert "In the preview the form cannot be sent." in shown
    # Nothing posts to the public sign-up, and the preview itself takes no post.
    assert f"/events/{draft.slug}/register" not in html
    posted = client.post(f"/organiser/events/{draft.id}/preview/sign-up", data={"name": "X"})
    assert posted.status_code in (400, 405)


def test_a_draft_is_never_reachable_by_the_public(client, make_event):
    draft = make_event(title="Syysseminaari", published=False)
    for path in ("", "/register", "/privacy"):
        assert client.get(f"/events/{draft.slug}{path}").status_code == 404, path
    assert "Syysseminaari" not in text_of(client.get("/"))


def test_a_preview_in_finnish_says_registration_will_be_open(
    client, login, make_organiser, make_event
):
    owner = make_organiser(email="olli@example.fi")
    draft = make_event(owner, published=False)
    login(owner)
    shown = text_of(
        client.get(f"/organiser/events/{draft.id}/preview", headers={"Accept-Language": "fi"})
    )
    assert "Ilmoittautuminen päättynyt" not in shown
    assert "Ilmoittaudu" in shown


# --- region and themes (the public calendar's filters) ----------------------------------


def test_an_open_event_keeps_its_region_and_themes_and_the_form_shows_them_again(
    client, login, make_organiser
):
    login(make_organiser())
    event_id = create_event_through_form(
        client, region="Kanta-Häme", themes="Mielenterveys\n Työllisyys \n\nMielenterveys"
    )

    event = db.session.get(Event, event_id)
    assert (event.region, event.themes) == ("Kanta-Häme", ["Mielenterveys", "Työllisyys"])
    values = form_values(client.get(f"/organiser/events/{event_id}/edit"), "title")
    assert values["region"] == "Kanta-Häme"
    assert values["themes"] == "Mielenterveys\nTyöllisyys"

    edit_event(client, event_id, region="", themes="")
    db.session.expire_all()
    event = db.session.get(Event, event_id)
    assert (event.region, event.themes) == ("", [])


def test_the_region_is_chosen_from_the_counties_with_the_whole_country_first(
    client, login, make_organiser
):
    login(make_organiser())
    html = client.get(NEW).get_data(as_text=True)
    select = html[
        html.index('<select id="region"') : html.index("</select>", html.index('id="region"'))
    ]
    options = re.findall(r'<option value="([^"]*)"[^>]*>([^<]+)</option>', select)
    assert options[0] == ("", "Whole country or online")
    assert ("Varsinais-Suomi", "Southwest Finland") in options
    assert len(options) == 23
