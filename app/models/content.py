"""Event text in several languages: the visitor's language, else the event's own."""

from typing import NamedTuple


class Shown(NamedTuple):
    """A piece of organiser-written text and the language it is in (for `lang`)."""

    text: str
    lang: str

    def __str__(self) -> str:
        return self.text


def translated(
    translations: dict, main_language: str, locale: str, key: str, main_text: str
) -> Shown:
    if locale != main_language:
        given = (translations or {}).get(locale, {}).get(key)
        if given:
            return Shown(given, locale)
    return Shown(main_text, main_language)
