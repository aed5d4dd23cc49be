"""Template filters and globals shared by every page and email."""

from datetime import date, datetime
from email.utils import parseaddr

from babel.dates import format_date, format_time
from flask import Flask, current_app, has_request_context, request
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup, escape
from wtforms import FieldList, FormField, RadioField, SelectMultipleField

from app import clock
from app.events.services import availability
from app.markdown import render_markdown
from app.models.content import Shown
from app.nominations.regions import region_name
from app.places import modes


def _locale() -> str:
    try:
        return str(get_locale() or current_app.config["BABEL_DEFAULT_LOCALE"])
    except RuntimeError:
        return current_app.config["BABEL_DEFAULT_LOCALE"]


def current_locale() -> str:
    """The language of the page being made (the default outside a request)."""
    return _locale()


def local_date(moment: datetime, locale: str | None = None) -> str:
    locale = locale or _locale()
    pattern = "EEE d.M.yyyy" if locale in ("fi", "sv") else "EEE d MMM yyyy"
    return format_date(clock.to_local(moment), pattern, locale=locale)


def local_time(moment: datetime, locale: str | None = None) -> str:
    locale = locale or _locale()
    pattern = "H.mm" if locale in ("fi", "sv") else "HH:mm"
    return format_time(clock.to_local(moment), pattern, locale=locale)


def event_when(starts: datetime, ends: datetime, locale: str | None = None) -> str:
    """'ti 17.3.2026 klo 17.00–19.00' style, with both dates when it spans days."""
    locale = locale or _locale()
    at = {"fi": " klo ", "sv": " kl. "}.get(locale, ", ")
    start_day = clock.to_local(starts).date()
    end_day = clock.to_local(ends).date()
    head = f"{local_date(starts, locale)}{at}{local_time(starts, locale)}"
    if start_day == end_day:
        return f"{head}–{local_time(ends, locale)}"
    return f"{head} – {local_date(ends, locale)}{at}{local_time(ends, locale)}"


def local_datetime(moment: datetime | None, locale: str | None = None) -> str:
    if moment is None:
        return ""
    locale = locale or _locale()
    at = {"fi": " klo ", "sv": " kl. "}.get(locale, ", ")
    return f"{local_date(moment, locale)}{at}{local_time(moment, locale)}"


# Pages for organisers and admins, whose wide tables may use the whole screen.
FULL_WIDTH_PREFIXES = ("/organiser/", "/admin/")


def full_width() -> bool:
    return has_request_context() and request.path.startswith(FULL_WIDTH_PREFIXES)


# Each language by its own name, as language switchers show them.
LANGUAGE_NAMES = {"fi": "Suomi", "sv": "Svenska", "en": "English"}


def statement_date(iso_date: str) -> str:
    """A date written in the configuration (2026-11-23), in words of the page's language."""
    locale = {"en": "en_GB"}.get(_locale(), _locale())
    return format_date(date.fromisoformat(iso_date), format="long", locale=locale)


def service_contact() -> str:
    """Where people reach whoever runs this Kutsu: set, else the address mail comes from."""
    config = current_app.config
    return config["SERVICE_CONTACT_EMAIL"] or parseaddr(config["MAIL_DEFAULT_SENDER"])[1]


def title_of(event) -> Shown:
    """The event's title in the page's (or email's) language, else in its own."""
    return event.title_in(_locale())


def description_of(event) -> Shown:
    return event.description_in(_locale())


def marked(shown: Shown) -> Markup:
    """Organiser-written text, inside `lang` when it is not in the page's language."""
    if shown.lang == _locale():
        return escape(shown.text)
    return Markup('<span lang="{}">{}</span>').format(shown.lang, shown.text)


def written_in(text: str, lang: str) -> Markup:
    """Text as someone wrote it in `lang` (an event's title, a question, a theme), marked
    with `lang` when the page is in another language (WCAG 3.1.2)."""
    return marked(Shown(text, lang))


def region_of(stored: str) -> Markup:
    """A nominee's region in the page's language, or as stored, marked, if not on the list."""
    return marked(region_name(stored, _locale()))


def form_errors(form) -> list[tuple[str, str]]:
    """(element id, message) for the error summary: one per field, nested forms included."""
    found = []
    for field in form:
        if isinstance(field, FieldList):
            for entry in field.entries:
                found += form_errors(entry.form)
        elif isinstance(field, FormField):
            found += form_errors(field.form)
        elif field.errors:
            found.append((_first_input(field), str(field.errors[0])))
    return found


def _first_input(field) -> str:
    """The id of the input the error summary links to for a field."""
    if isinstance(field, RadioField | SelectMultipleField):
        return f"{field.id}-0"
    return getattr(field, "error_id", field.id)  # a field of several inputs says which


def csrf_field() -> Markup:
    """The hidden field with the visitor's CSRF token, in every form that posts."""
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(generate_csrf())


def register(app: Flask) -> None:
    app.jinja_env.filters["markdown"] = render_markdown
    app.jinja_env.filters["local_datetime"] = local_datetime
    app.jinja_env.filters["local_date"] = local_date
    app.jinja_env.filters["local_time"] = local_time
    app.jinja_env.globals["event_when"] = event_when
    app.jinja_env.globals["title_of"] = title_of
    app.jinja_env.globals["description_of"] = description_of
    app.jinja_env.filters["written_in"] = written_in
    app.jinja_env.globals["region_of"] = region_of
    app.jinja_env.globals["page_language"] = _locale
    app.jinja_env.filters["marked"] = marked
    app.jinja_env.globals["now"] = clock.now
    app.jinja_env.globals["form_errors"] = form_errors
    app.jinja_env.globals["csrf_field"] = csrf_field
    app.jinja_env.globals["availability"] = availability
    app.jinja_env.globals["counts_by_mode"] = modes.counts_by_mode
    app.jinja_env.globals["taking_part"] = modes.taking_part
    app.jinja_env.add_extension("jinja2.ext.do")

    @app.context_processor
    def inject_locale():
        return {
            "current_locale": _locale(),
            "language_names": LANGUAGE_NAMES,
            "full_width": full_width(),
        }

    app.jinja_env.globals["service_contact"] = service_contact
    app.jinja_env.globals["statement_date"] = statement_date
