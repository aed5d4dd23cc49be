"""Counts read right in every language: "1 person", never "1 people" (or "1 personer")."""

import pytest

from tests.conftest import sign_up, submit, text_of


def in_language(client, language: str) -> None:
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = language


@pytest.mark.parametrize(
    ("language", "told"),
    [
        ("en", "The event is cancelled. 1 person will be told by email."),
        ("fi", "Tapahtuma on peruttu. Perumisesta ilmoitetaan sähköpostilla 1 henkilölle."),
        ("sv", "Evenemanget är inställt. 1 person får ett meddelande per e-post."),
    ],
)
def test_cancelling_an_event_of_one_person_says_one_person_is_told(
    client, login, make_organiser, make_event, language, told
):
    owner = make_organiser()
    event = make_event(owner)
    sign_up(client, event)
    login(owner)
    in_language(client, language)

    done = submit(client, f"/organiser/events/{event.id}/cancel", {}, follow_redirects=True)

    assert told in text_of(done)


@pytest.mark.parametrize(
    ("language", "kept"),
    [
        ("en", "1 day after the event."),
        ("fi", "1 päivän tapahtuman jälkeen."),
        ("sv", "1 dag efter evenemanget."),
    ],
)
def test_a_privacy_notice_kept_one_day_says_one_day(client, make_event, language, kept):
    event = make_event(retention_days=1)
    in_language(client, language)

    page = text_of(client.get(f"/events/{event.slug}/privacy"))

    assert kept in page
