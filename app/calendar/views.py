"""The network's public calendar: month and year pages, the feeds, and the embed."""

from datetime import date, timedelta

from babel.dates import format_date
from flask import Blueprint, Response, abort, jsonify, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _

from app import clock
from app.calendar.feeds import calendar_feed, json_feed, last_change
from app.calendar.forms import CalendarFilterForm, month_asked, year_in_range
from app.calendar.links import add_to_calendar_links
from app.calendar.services import (
    FEED_COLUMNS,
    Period,
    feed_window,
    month_bounds,
    public_event_by_slug,
    public_events,
    series_events,
    year_bounds,
)
from app.downloads import attachment
from app.navigation import public_url
from app.series.signup_services import public_series

bp = Blueprint("calendar", __name__)

# Events in the JSON feed and the embed: by default, and at most (?count=).
DEFAULT_COUNT = 50
MAX_COUNT = 200
EMBED_COUNT = 10
# How long a shared cache or calendar app may keep a feed without asking again.
FEED_CACHE_SECONDS = 300

bp.add_app_template_global(add_to_calendar_links)
bp.add_app_template_global(public_url)


@bp.app_template_global()
def calendar_day(day: date) -> str:
    """'tiistai 8.12.2026' / 'Tuesday 8 December 2026': a day's heading in the calendar."""
    locale = str(get_locale())
    pattern = "EEEE d.M.yyyy" if locale in ("fi", "sv") else "EEEE d MMMM yyyy"
    return _first_up(format_date(day, pattern, locale=locale))


@bp.app_template_global()
def month_name(month: date, with_year: bool = True) -> str:
    """'joulukuu 2026', 'december 2026', 'December 2026'."""
    return _first_up(
        format_date(month, "LLLL yyyy" if with_year else "LLLL", locale=str(get_locale()))
    )


def _first_up(text: str) -> str:
    """As a heading starts; Jinja's capitalize would lower the rest ('10 december')."""
    return text[:1].upper() + text[1:]


def _today() -> date:
    return clock.to_local(clock.now()).date()


@bp.get("/calendar")
def month():
    today = _today()
    asked = request.args.get("month")
    shown = month_asked(asked, today) or today.replace(day=1)
    form = CalendarFilterForm(request.args)
    period = _period(form, *month_bounds(shown))
    return render_template(
        "calendar/month.html",
        form=form,
        period=period,
        month=shown,
        month_not_understood=bool(asked) and month_asked(asked, today) is None,
        months=_neighbours(shown, today),
        days=_by_day(period),
    )


@bp.get("/calendar/<int:year>")
def year(year: int):
    today = _today()
    if not year_in_range(year, today):
        abort(404)
    form = CalendarFilterForm(request.args)
    period = _period(form, *year_bounds(year))
    return render_template(
        "calendar/year.html",
        form=form,
        period=period,
        year=year,
        month_view=today.replace(day=1) if year == today.year else date(year, 1, 1),
        years=[y for y in (year - 1, year + 1) if year_in_range(y, today)],
        months=_by_month(period, year),
    )


def _period(form: CalendarFilterForm, start, end) -> Period:
    period = public_events(start, end, form.filters())
    form.offer_themes(period.themes)
    return period


def _neighbours(shown: date, today: date) -> dict[str, date | None]:
    previous = (shown - timedelta(days=1)).replace(day=1)
    following = (shown + timedelta(days=32)).replace(day=1)
    return {
        "previous": previous if year_in_range(previous.year, today) else None,
        "next": following if year_in_range(following.year, today) else None,
    }


def _by_day(period: Period) -> list[tuple[date, list]]:
    days: dict[date, list] = {}
    for event in period.events:
        days.setdefault(clock.to_local(event.starts_at).date(), []).append(event)
    return list(days.items())


def _by_month(period: Period, year: int) -> list[tuple[date, list]]:
    months: dict[date, list] = {date(year, number, 1): [] for number in range(1, 13)}
    for event in period.events:
        months[clock.to_local(event.starts_at).date().replace(day=1)].append(event)
    return list(months.items())


# --- feeds ----------------------------------------------------------------------------


@bp.get("/calendar.ics")
def feed():
    form = CalendarFilterForm(request.args)
    if form.errors:
        abort(400)
    period = public_events(*feed_window(clock.now()), form.filters(), columns=FEED_COLUMNS)
    return _calendar_response(period, _("Kutsu calendar"))


@bp.get("/calendar/series/<slug>.ics")
def series_feed(slug: str):
    series = public_series(slug)  # a series of drafts is its organisers' alone
    if series is None:
        abort(404)
    period = series_events(series, clock.now())
    return _calendar_response(period, series.title)


@bp.get("/events/<slug>.ics")
def event_ics(slug: str):
    """One event's entry, with the feed's UID: adding it and subscribing make one entry."""
    event = public_event_by_slug(slug)
    if event is None:
        abort(404)
    period = Period([event], {}, [])
    response = _calendar_response(period, event.title)
    response.headers["Content-Disposition"] = attachment(f"{event.slug}.ics")
    return response


def _calendar_response(period: Period, name: str) -> Response:
    response = Response(calendar_feed(period, name), content_type="text/calendar; charset=utf-8")
    # The calendar's name is in the visitor's language: a shared cache keeps one per language.
    response.vary.add("Accept-Language")
    return _conditional(response, period)


@bp.get("/calendar.json")
def events_json():
    form = CalendarFilterForm(request.args)
    count = request.args.get("count", DEFAULT_COUNT, type=_count)
    if form.errors:
        return jsonify(
            errors={name: [str(e) for e in errs] for name, errs in form.errors.items()}
        ), 400
    at = clock.now()
    start, end = feed_window(at)
    period = public_events(
        start, end, form.filters(), columns=FEED_COLUMNS, ends_after=at, limit=count
    )
    response = jsonify(json_feed(period, at))
    response.headers["Access-Control-Allow-Origin"] = "*"
    return _conditional(response, period)


def _count(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) <= 4):
        raise ValueError(text)
    return min(max(int(text), 1), MAX_COUNT)


def _conditional(response: Response, period: Period) -> Response:
    """ETag (of the bytes) and Last-Modified (the latest change): 304 when unchanged."""
    response.headers["Cache-Control"] = f"public, max-age={FEED_CACHE_SECONDS}"
    response.last_modified = last_change(period)
    response.add_etag()
    return response.make_conditional(request)


# --- embed ----------------------------------------------------------------------------


@bp.get("/calendar/embed")
def embed():
    """Upcoming events for a member organisation's own page, in a plain <iframe>; which
    sites may frame it is the operator's CALENDAR_EMBED_ORIGINS (app.security)."""
    form = CalendarFilterForm(request.args)
    at = clock.now()
    start, end = feed_window(at)
    period = public_events(start, end, form.filters(), ends_after=at, limit=EMBED_COUNT)
    return render_template("calendar/embed.html", form=form, period=period, days=_by_day(period))
