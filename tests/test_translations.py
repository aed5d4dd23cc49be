"""Every message in Finnish and Swedish, and the visitor's language on every page."""

import pytest
from babel.messages.catalog import Catalog

from app.i18n import TRANSLATED, extract_messages, read_catalogue
from tests.conftest import text_of


def untranslated(catalogue: Catalog, wanted: Catalog) -> list[str]:
    missing = []
    for message in wanted:
        if not message.id:
            continue
        found = catalogue.get(message.id, message.context)
        strings = found.string if found else None
        complete = all(strings) if isinstance(strings, tuple | list) else bool(strings)
        if found is None or found.fuzzy or not complete:
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


@pytest.fixture(scope="module")
def source_messages() -> Catalog:
    return extract_messages()


@pytest.mark.parametrize("locale", TRANSLATED)
def test_every_message_has_a_translation(locale, source_messages):
    missing = untranslated(read_catalogue(locale), source_messages)
    assert not missing, (
        f"{len(missing)} message(s) without a {locale} translation; run `make translations`, "
        f"translate the empty entries in app/translations/{locale}:\n" + "\n".join(missing[:40])
    )


@pytest.mark.parametrize("locale", TRANSLATED)
def test_translations_keep_the_placeholders(locale):
    problems = [(message.id, errors) for message, errors in read_catalogue(locale).check()]
    assert not problems


def test_pages_follow_accept_language(client):
    finnish = read_catalogue("fi").get("Events").string
    swedish = read_catalogue("sv").get("Events").string

    assert finnish in text_of(client.get("/", headers={"Accept-Language": "fi"}))
    assert swedish in text_of(client.get("/", headers={"Accept-Language": "sv-FI,sv;q=0.9"}))
    english = client.get("/", headers={"Accept-Language": "en-GB"})
    assert 'lang="en"' in english.text and "Events" in text_of(english)
    # No preference at all: Finnish, the default.
    assert 'lang="fi"' in client.get("/", environ_overrides={"HTTP_ACCEPT_LANGUAGE": ""}).text
