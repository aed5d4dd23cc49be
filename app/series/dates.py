"""The dates of a series: weekly, every N weeks, monthly by weekday, or listed by hand.

Plain dates in Helsinki; the first is always the event the series is made from, and none
is more than a year after it."""

import enum
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.forms import parse_date

# At most this many meetings in a series, the first included, and at most a year of them.
MAX_OCCURRENCES = 60
MAX_DATE_LINES = 60
MAX_WEEKS_APART = 8


class RuleKind(enum.StrEnum):
    WEEKLY = "weekly"
    MONTHLY_WEEKDAY = "monthly_weekday"
    DATES = "dates"


LAST = -1  # week_of_month: the last such weekday of the month


@dataclass
class Rule:
    kind: RuleKind
    until: date | None = None
    interval: int = 1  # weekly: every `interval` weeks
    weekday: int = 0  # monthly: Monday 0 ... Sunday 6
    week_of_month: int = 1  # monthly: 1-4, or LAST
    dates: list[date] = field(default_factory=list)  # listed dates, after the first

    def as_stored(self) -> dict:
        """Series.rule: how the occurrences were laid out (see app.models.series)."""
        stored = {"kind": self.kind.value}
        if self.kind == RuleKind.WEEKLY:
            stored["interval"] = self.interval
        if self.kind == RuleKind.MONTHLY_WEEKDAY:
            stored |= {"weekday": self.weekday, "week_of_month": self.week_of_month}
        last = self.until or (self.dates[-1] if self.dates else None)
        if last:
            stored["until"] = last.isoformat()
        return stored


class TooManyOccurrences(Exception):
    pass


def latest_date(first: date) -> date:
    """A year after the first meeting: the last day a meeting of its series may be on."""
    try:
        return first.replace(year=first.year + 1)
    except ValueError:  # 29 February
        return first.replace(year=first.year + 1, day=28)


def occurrence_dates(first: date, rule: Rule) -> list[date]:
    """The first date and those the rule gives after it, in order; raises
    TooManyOccurrences past MAX_OCCURRENCES."""
    last = min(rule.until or latest_date(first), latest_date(first))
    if rule.kind == RuleKind.WEEKLY:
        later = _every_n_weeks(first, rule.interval, last)
    elif rule.kind == RuleKind.MONTHLY_WEEKDAY:
        later = _monthly(first, rule.weekday, rule.week_of_month, last)
    else:
        later = sorted({day for day in rule.dates if first < day <= latest_date(first)})
    dates = [first, *later]
    if len(dates) > MAX_OCCURRENCES:
        raise TooManyOccurrences(len(dates))
    return dates


def _every_n_weeks(first: date, weeks: int, last: date) -> list[date]:
    step = timedelta(weeks=max(1, min(weeks, MAX_WEEKS_APART)))
    found, day = [], first + step
    while day <= last and len(found) <= MAX_OCCURRENCES:
        found.append(day)
        day += step
    return found


def nth_weekday(year: int, month: int, weekday: int, week_of_month: int) -> date | None:
    """The 2nd Thursday (week_of_month 2, weekday 3) or the last Friday (LAST, 4) of a
    month; None when the month has no fifth such day (not asked for: 1-4 and last)."""
    if week_of_month == LAST:
        following = date(year + month // 12, month % 12 + 1, 1)
        day = following - timedelta(days=1)
        return day - timedelta(days=(day.weekday() - weekday) % 7)
    day = date(year, month, 1)
    day += timedelta(days=(weekday - day.weekday()) % 7)
    day += timedelta(weeks=week_of_month - 1)
    return day if day.month == month else None


def _monthly(first: date, weekday: int, week_of_month: int, last: date) -> list[date]:
    found = []
    year, month = first.year, first.month
    while date(year, month, 1) <= last:
        day = nth_weekday(year, month, weekday, week_of_month)
        if day and first < day <= last:
            found.append(day)
        year, month = year + month // 12, month % 12 + 1
    return found


def week_of_month_of(day: date) -> int:
    """Which weekday of its month the date is: 1-4, or LAST when it is the fifth."""
    week = (day.day - 1) // 7 + 1
    return week if week <= 4 else LAST


@dataclass
class DateLines:
    dates: list[date]
    # (line number from 1, the text as typed, what is wrong)
    problems: list[tuple[int, str, str]]


BAD_DATE = "bad_date"
BEFORE_FIRST = "before_first"
TOO_LATE = "too_late"
REPEATED = "repeated"


def read_date_lines(text: str, first: date) -> DateLines:
    """One date a line, d.m.yyyy; empty lines skipped; every wrong line named."""
    dates, problems, seen = [], [], {}
    for number, line in enumerate(text.splitlines()[:MAX_DATE_LINES], start=1):
        typed = line.strip()[:40]
        if not typed:
            continue
        day = parse_date(typed)
        if day is None:
            problems.append((number, typed, BAD_DATE))
        elif day <= first:
            problems.append((number, typed, BEFORE_FIRST))
        elif day > latest_date(first):
            problems.append((number, typed, TOO_LATE))
        elif day in seen:
            problems.append((number, typed, REPEATED))
        else:
            seen[day] = number
            dates.append(day)
    return DateLines(sorted(dates), problems)
