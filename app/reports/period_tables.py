"""The period report's tables, once: the page, the XLSX and the CSV show the same rows.

A cell is text, organiser-written text (Shown, for `lang`), a whole number, a Decimal
(an average), a Share (a rate, shown as per cent), a date, or None (nothing to say)."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from flask_babel import gettext as _

from app import clock
from app.calendar.forms import FORMAT_CHOICES
from app.exports.workbooks import Share
from app.models import Organiser, Series
from app.models.content import Shown
from app.nominations.regions import region_name
from app.reports.period import PeriodReport

Cell = str | Shown | int | Decimal | Share | date | None


@dataclass
class Table:
    id: str  # on the page
    name: str  # the XLSX sheet's, in the organiser's language
    caption: str
    headers: list[str]
    rows: list[list[Cell]]
    widths: list[int]  # in characters, for the XLSX


def _average(total: int, count: int) -> Decimal | None:
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.01")) if count else None


def _share(part: int, whole: int) -> Share | None:
    return Share(part / whole) if whole else None


def format_words() -> dict[str, str]:
    return {choice.value: str(choice.label) for choice in FORMAT_CHOICES if choice.value}


def mode_words() -> dict[str, str]:
    return {"in_person": _("In person"), "online": _("Online")}


def summary_table(
    report: PeriodReport, locale: str, organiser: Organiser | None, series: Series | None
) -> Table:
    """The period, the filters, and the key figures, as label and value."""
    filters = report.filters
    rows: list[list[Cell]] = [
        [_("First day"), filters.first_day],
        [_("Last day"), filters.last_day],
        [_("Organiser"), f"{organiser.name}" if organiser else _("All organisers")],
        [_("Series"), series.title_in(locale) if series else _("Any series")],
        [_("Format"), format_words()[filters.format.value] if filters.format else _("Any format")],
        [
            _("Wellbeing services county of the event"),
            region_name(filters.region, locale) if filters.region else _("Any region"),
        ],
        [_("Theme"), filters.theme or _("Any theme")],
        *key_figures(report),
    ]
    return Table("summary", _("Summary"), _("Summary"), [_("Figure"), _("Value")], rows, [44, 36])


def key_figures(report: PeriodReport) -> list[list[Cell]]:
    feedback = report.feedback
    return [
        [_("Events held"), len(report.events)],
        [_("Sign-ups"), report.signups],
        [_("Registrations (people with a place)"), report.registrations],
        [_("Attended"), report.attended],
        [_("Did not come"), report.no_shows],
        [_("Attendance not marked"), report.not_marked],
        [
            _("No-show rate (of those marked)"),
            _share(report.no_shows, report.no_shows + report.attended),
        ],
        [_("Participants (distinct people)"), report.participants],
        [_("Organisations"), len(report.named_organisations)],
        [_("New organisations"), report.new_organisations],
        [_("Returning organisations"), report.returning_organisations],
        [_("Feedback responses"), feedback.responses],
        [_("Average score (1–5)"), _average(feedback.score_sum, feedback.responses)],
        [_("Would recommend"), _share(feedback.recommend_yes, feedback.recommend_answered)],
    ]


def events_table(report: PeriodReport, locale: str) -> Table:
    words = format_words()
    rows: list[list[Cell]] = [
        [
            clock.to_local(line.event.starts_at).date(),
            line.event.title_in(locale),
            words[line.event.format.value],
            line.signups,
            line.registrations,
            line.attended,
            line.no_shows,
            line.responses,
            _average(line.score_sum, line.responses),
        ]
        for line in report.events
    ]
    headers = [
        _("Date"),
        _("Event"),
        _("Format"),
        _("Sign-ups"),
        _("Registrations"),
        _("Attended"),
        _("Did not come"),
        _("Feedback responses"),
        _("Average score"),
    ]
    return Table(
        "events", _("Events"), _("Events"), headers, rows, [12, 48, 24, 10, 14, 10, 14, 12, 12]
    )


def organisations_table(report: PeriodReport) -> Table:
    rows: list[list[Cell]] = [
        [
            line.key or _("Not given"),
            line.participants,
            line.registrations,
            line.attended,
            (_("Returning") if line.returning else _("New")) if line.key else None,
        ]
        for line in report.organisations
    ]
    headers = [
        _("Organisation"),
        _("Participants"),
        _("Registrations"),
        _("Attended"),
        _("New or returning"),
    ]
    return Table(
        "organisations",
        _("Organisations"),
        _("By organisation"),
        headers,
        rows,
        [48, 14, 14, 10, 18],
    )


def regions_table(report: PeriodReport, locale: str) -> Table:
    rows: list[list[Cell]] = [
        [
            region_name(line.key, locale) if line.key else _("Not given"),
            line.registrations,
            line.attended,
        ]
        for line in report.regions
    ]
    headers = [_("Wellbeing services county"), _("Registrations"), _("Attended")]
    return Table("regions", _("Regions"), _("By region"), headers, rows, [36, 14, 10])


def formats_table(report: PeriodReport) -> Table:
    words = format_words()
    rows: list[list[Cell]] = [
        [words[line.key], line.events, line.registrations, line.attended] for line in report.formats
    ]
    modes = mode_words()
    rows += [
        [
            _("Hybrid, taking part: %(mode)s", mode=modes[line.key]),
            None,
            line.registrations,
            line.attended,
        ]
        for line in report.modes
    ]
    headers = [_("Format"), _("Events"), _("Registrations"), _("Attended")]
    return Table(
        "formats",
        _("Formats"),
        _("By format and way of taking part"),
        headers,
        rows,
        [40, 10, 14, 10],
    )


def feedback_table(report: PeriodReport) -> Table:
    scores = report.feedback.scores
    rows: list[list[Cell]] = [[score, scores[score]] for score in range(5, 0, -1)]
    headers = [_("Score"), _("Responses")]
    return Table("feedback", _("Feedback"), _("Feedback scores"), headers, rows, [12, 12])
