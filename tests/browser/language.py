"""The app's own words in each of its languages, for tests that find things by their text.

`t("sv", "Sign up")` is what a Swedish page says where the English one says "Sign up".
English is the msgid itself; Finnish and Swedish come from the catalogues the app uses.
A msgid no catalogue has, or one without a translation, fails the test at once: a test
never passes by looking for a label the app does not show.
"""

import gettext
from functools import cache

from babel.messages.catalog import Catalog, Message
from playwright.sync_api import Page, expect

from app.i18n import TRANSLATED, read_catalogue

LANGUAGES = ("fi", "sv", "en")
# What the browser asks for (its Accept-Language) when a person reads that language.
BROWSER_LOCALES = {"fi": "fi-FI", "sv": "sv-FI", "en": "en-GB"}
# The language switcher names each language in that language.
LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}


@cache
def catalogue(locale: str) -> Catalog:
    return read_catalogue(locale)


def _message(locale: str, msgid: str) -> Message:
    message = catalogue(locale).get(msgid)
    if message is None:
        raise AssertionError(
            f"{msgid!r} is not a message in the {locale} catalogue: a typo in the test, "
            "or the app's wording changed (run `make translations`)"
        )
    return message


def _plural_index(locale: str, num: int) -> int:
    if locale == "en":
        return 0 if num == 1 else 1
    return gettext.c2py(catalogue(locale).plural_expr)(num)


def t(locale: str, msgid: str, /, **values) -> str:
    """The text the app shows for `msgid` in `locale`, with %(name)s placeholders filled.

    For a message with a plural form, pass its singular msgid and `num`.
    """
    if locale not in LANGUAGES:
        raise AssertionError(f"the app does not speak {locale!r}")
    # Even in English the msgid must be one the app has, or a typo would pass unnoticed.
    messages = {code: _message(code, msgid) for code in TRANSLATED}
    if locale == "en":
        forms = messages[TRANSLATED[0]].id
    else:
        message = messages[locale]
        forms = message.string
        if message.fuzzy or not forms or (isinstance(forms, tuple) and not all(forms)):
            raise AssertionError(f"{msgid!r} has no {locale} translation")
    if isinstance(forms, tuple):
        if "num" not in values:
            raise AssertionError(f"{msgid!r} has plural forms: pass num=")
        text = forms[_plural_index(locale, values["num"])]
    else:
        text = forms
    return text % values if values else text


def expect_language(page: Page, locale: str) -> None:
    """The page says it is in `locale`: <html lang>, which screen readers pronounce by."""
    expect(page.locator("html")).to_have_attribute("lang", locale)
