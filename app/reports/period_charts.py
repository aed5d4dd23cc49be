"""The period report's charts (app.charts), each drawn from the rows its table shows."""

from flask_babel import gettext as _

from app.charts import Chart, bar_chart
from app.reports.period import PeriodReport
from app.reports.period_tables import Table

TOP_ORGANISATIONS = 10


def _label(cell) -> str:
    return getattr(cell, "text", None) or str(cell)


def _bars(title: str, table: Table, column: int, value_label: str, limit: int | None = None):
    """A bar per row of the table (the first `limit`), by the number in `column`; None
    when every number is 0 (an empty chart says nothing its table does not)."""
    rows = [(_label(row[0]), row[column] or 0) for row in table.rows[:limit]]
    if not any(value for _label_, value in rows):
        return None
    return bar_chart(title, rows, value_label=value_label)


def period_charts(report: PeriodReport, tables: dict[str, Table]) -> dict[str, Chart | None]:
    attendance = [
        (_("Attended"), report.attended),
        (_("Did not come"), report.no_shows),
        (_("Attendance not marked"), report.not_marked),
    ]
    return {
        "attendance": bar_chart(
            _("Attendance of the people with a place"), attendance, value_label=_("People")
        )
        if report.registrations
        else None,
        "organisations": _bars(
            _("Participants by organisation (the ten with the most)"),
            tables["organisations"],
            1,
            _("Participants"),
            TOP_ORGANISATIONS,
        ),
        "regions": _bars(_("Registrations by region"), tables["regions"], 1, _("Registrations")),
        "formats": _bars(_("Registrations by format"), tables["formats"], 2, _("Registrations")),
        "feedback": _bars(_("Feedback responses by score"), tables["feedback"], 1, _("Responses")),
    }
