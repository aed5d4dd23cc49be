"""Reports: the report for a period (/organiser/reports) and its downloads."""

import io
from datetime import date
from decimal import Decimal

from babel import Locale
from babel.numbers import format_decimal, format_percent
from flask import Blueprint, Response, abort, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import clock
from app.downloads import attachment
from app.exports.responses import XLSX_TYPE
from app.exports.services import csv_chunks
from app.exports.workbooks import Share, write_workbook
from app.extensions import db
from app.home.services import organiser_choices
from app.models import Organiser, Series
from app.models.content import Shown
from app.reports import period_tables as tables
from app.reports.period import PeriodReport, period_report, series_for
from app.reports.period_charts import period_charts
from app.reports.period_forms import PeriodForm

bp = Blueprint("reports", __name__, url_prefix="/organiser/reports")


@bp.before_request
@login_required
def require_organiser():
    """Organisers and admins; a check-in helper account has no events of its own."""
    if current_user.check_in_only:
        abort(404)


def _locale() -> str:
    return str(get_locale())


def _form() -> PeriodForm:
    organisers = organiser_choices() if current_user.is_admin else []
    return PeriodForm(
        request.args,
        organisers=organisers,
        series=series_for(current_user),
        locale=_locale(),
        today=clock.to_local(clock.now()).date(),
    )


def _report(form: PeriodForm) -> PeriodReport | None:
    if form.errors:
        return None
    report, themes = period_report(current_user, form.filters())
    form.offer_themes(themes)
    return report


@bp.get("")
def period():
    form = _form()
    report = _report(form)
    made = _tables(report) if report else None
    return render_template(
        "reports/period.html",
        form=form,
        report=report,
        tables=made,
        charts=period_charts(report, made) if report else None,
    )


def _tables(report: PeriodReport) -> dict[str, tables.Table]:
    locale = _locale()
    filters = report.filters
    organiser = db.session.get(Organiser, filters.organiser_id) if filters.organiser_id else None
    series = db.session.get(Series, filters.series_id) if filters.series_id else None
    return {
        "summary": tables.summary_table(report, locale, organiser, series),
        "events": tables.events_table(report, locale),
        "organisations": tables.organisations_table(report),
        "regions": tables.regions_table(report, locale),
        "formats": tables.formats_table(report),
        "feedback": tables.feedback_table(report),
    }


def _download_or_back(kind: str):
    """The report of the filters asked for, or (a filter wrong) back to the page."""
    form = _form()
    report = _report(form)
    if report is None:
        # The address's own query, as it came: its keys are never url_for's arguments.
        query = request.query_string.decode("latin-1")
        return None, redirect(f"{url_for('.period')}?{query}", 303)
    stem = _("report")  # a file name: a word of the organiser's language
    name = f"{stem}-{report.filters.first_day:%Y%m%d}-{report.filters.last_day:%Y%m%d}"
    return report, attachment(f"{name}.{kind}")


@bp.get("/report.xlsx")
def workbook():
    report, disposition = _download_or_back("xlsx")
    if report is None:
        return disposition
    made = _tables(report)
    sheets = [made[name] for name in ("summary", "events", "organisations", "regions", "feedback")]
    target = io.BytesIO()
    write_workbook(sheets, target)
    return Response(
        target.getvalue(),
        mimetype=XLSX_TYPE,
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )


@bp.get("/events.csv")
def events_csv():
    report, disposition = _download_or_back("csv")
    if report is None:
        return disposition
    table = _tables(report)["events"]
    rows = [table.headers, *([cell_text(cell, plain=True) for cell in row] for row in table.rows)]
    return Response(
        b"".join(csv_chunks(rows)),
        mimetype="text/csv",
        headers={"Content-Disposition": disposition, "Cache-Control": "no-store"},
    )


@bp.app_template_filter("report_cell")
def cell_text(cell, plain: bool = False) -> str:
    """A cell as the page and the CSV write it, in the page's language; `plain`: whole
    numbers without a thousands separator (a spreadsheet reads them as numbers)."""
    locale = _locale()
    if cell is None:
        return ""
    if isinstance(cell, Share):
        # The language's own way (50.0% / 50,0 %), to one decimal.
        pattern = Locale.parse(locale).percent_formats[None].pattern.replace("0", "0.0", 1)
        return format_percent(cell, pattern, locale=locale)
    if isinstance(cell, Decimal):
        return format_decimal(cell, "0.00", locale=locale)
    if isinstance(cell, bool):
        return _("Yes") if cell else _("No")
    if isinstance(cell, int):
        return str(cell) if plain else format_decimal(cell, locale=locale)
    if isinstance(cell, date):
        return f"{cell.day}.{cell.month}.{cell.year}"
    if isinstance(cell, Shown):
        return cell.text
    return str(cell)
