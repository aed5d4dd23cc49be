"""Languages: the visitor's choice, and the translation catalogues behind it.

Finnish is the default, Swedish and English the others. Source text is English; the
catalogues in app/translations give Finnish and Swedish, and must be complete
(tests/test_translations.py fails on any message without a translation).
"""

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from flask import current_app, request

from app.config import ROOT

CATALOGUES = ROOT / "app" / "translations"
TRANSLATED = ("fi", "sv")
LANGUAGE_COOKIE = "kutsu_language"
LANGUAGE_COOKIE_DAYS = 365
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None, "N_": None}


def N_(message: str) -> str:  # noqa: N802 - the usual gettext name for "translate later"
    """Marks text for the catalogues where it is translated later, by whoever shows it."""
    return message


def select_locale() -> str:
    """The language chosen with the switcher, else the browser's, else Finnish; the
    calendar's embed takes it from its address (?lang=), as the host page asks."""
    languages = current_app.config["LANGUAGES"]
    if request.endpoint == "calendar.embed" and request.args.get("lang") in languages:
        return request.args["lang"]
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    if chosen in languages:
        return chosen
    return request.accept_languages.best_match(languages) or languages[0]


def catalogue_path(locale: str, suffix: str = "po") -> Path:
    return CATALOGUES / locale / "LC_MESSAGES" / f"messages.{suffix}"


def read_catalogue(locale: str) -> Catalog:
    with catalogue_path(locale).open("rb") as file:
        return read_po(file, locale=locale)


def extract_messages() -> Catalog:
    """Every translatable message in the code and templates, as babel.cfg maps them."""
    with (ROOT / "babel.cfg").open() as file:
        method_map, options_map = parse_mapping_cfg(file)
    template = Catalog(project="Kutsu", charset="utf-8")
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def update_catalogues() -> None:
    """Bring the .po files in step with the source: new messages in, gone ones out."""
    template = extract_messages()
    for locale in TRANSLATED:
        catalogue = read_catalogue(locale)
        catalogue.update(template, no_fuzzy_matching=True)
        catalogue.obsolete.clear()
        with catalogue_path(locale).open("wb") as file:
            write_po(file, catalogue, width=100, omit_header=False, sort_output=False)


def compile_catalogues() -> list[str]:
    """Write each .mo file that is missing or older than its .po; returns the locales done."""
    compiled = []
    for locale in TRANSLATED:
        source, target = catalogue_path(locale), catalogue_path(locale, "mo")
        if target.exists() and target.stat().st_mtime >= source.stat().st_mtime:
            continue
        catalogue = read_catalogue(locale)
        with target.open("wb") as file:
            write_mo(file, catalogue, use_fuzzy=False)
        compiled.append(locale)
    return compiled
