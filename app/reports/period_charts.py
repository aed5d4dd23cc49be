"""The period report's charts (app.charts), each drawn from its table's rows."""

from app.reports.period import PeriodReport


def period_charts(report: PeriodReport, tables: dict) -> dict:
    return {}
