"""Charts drawn on the server as SVG, each with its numbers in a table beside it.

A small module of our own rather than a charting library: the pages need two kinds (bars,
and a line of a count over time), must work without JavaScript, print in black and white,
and carry a text alternative and a data table for screen readers. The libraries that draw
SVG in Python (pygal, matplotlib) bring far more than that, put their own scripts or
styles in the SVG, or take seconds and tens of megabytes to import for a page that needs
a few rectangles. Here Python works out the geometry and templates/charts/_chart.html
draws it: `{% from "charts/_chart.html" import chart %}{{ chart(c) }}`.
"""

import math
import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time

from babel.numbers import format_decimal
from flask_babel import gettext as _

from app import clock
from app.templating import current_locale, local_date

WIDTH = 640
LABEL_CHARACTERS = 60  # a bar's label past this is cut in the picture (never in the table)


@dataclass
class Text:
    x: float
    y: float
    text: str
    anchor: str = "start"  # SVG text-anchor
    kind: str = ""  # a CSS class: chart-label, chart-value, chart-level-label ...


@dataclass
class Line:
    x1: float
    y1: float
    x2: float
    y2: float
    kind: str  # chart-axis, chart-grid, chart-level, chart-mark


@dataclass
class Rect:
    x: float
    y: float
    width: float
    height: float


@dataclass
class Chart:
    """What the template draws: a picture (texts, lines, bars, one path) of `height` in a
    WIDTH-wide view, its text alternative, and the table of the same numbers."""

    title: str
    description: str
    height: float
    headers: tuple[str, str]
    rows: list[tuple[str, str]]
    texts: list[Text] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    rects: list[Rect] = field(default_factory=list)
    path: str = ""  # a line chart's step line
    id: str = field(default_factory=lambda: "chart-" + secrets.token_hex(4))

    @property
    def width(self) -> int:
        return WIDTH


def number(value: float, decimals: int = 0) -> str:
    """A number as the page's language writes it: 1 234,5 in Finnish, 1,234.5 in English."""
    pattern = "#,##0" + ("." + "0" * decimals if decimals else "")
    return format_decimal(value, format=pattern, locale=current_locale())


# --- bars ----------------------------------------------------------------------------------

BAR_ROW = 50  # a label line, the bar under it, and the gap to the next
BAR_HEIGHT = 18
BAR_AREA = WIDTH - 90  # room after the longest bar for its number


def bar_chart(
    title: str,
    rows: Sequence[tuple[str, float]],
    *,
    value_label: str,
    unit: str = "",
    decimals: int = 0,
) -> Chart:
    """One horizontal bar per (label, value), in the order given, the label above its bar:
    labels of any length fit, on any screen."""
    rows = list(rows)
    largest = max((value for _label, value in rows), default=0) or 1
    shown = [(label, number(value, decimals) + unit) for label, value in rows]
    chart = Chart(
        title=title,
        description=_bars_described(shown),
        height=max(len(rows), 1) * BAR_ROW,
        headers=("", value_label),
        rows=shown,
    )
    for n, ((label, value), (_label, text)) in enumerate(zip(rows, shown, strict=True)):
        top = n * BAR_ROW
        width = max(BAR_AREA * value / largest, 2 if value else 0)
        chart.texts.append(Text(0, top + 16, _cut(label), kind="chart-label"))
        chart.rects.append(Rect(0, top + 22, width, BAR_HEIGHT))
        chart.texts.append(Text(width + 6, top + 36, text, kind="chart-value"))
    return chart


def _cut(label: str) -> str:
    return label if len(label) <= LABEL_CHARACTERS else label[: LABEL_CHARACTERS - 1] + "…"


def _bars_described(shown: list[tuple[str, str]]) -> str:
    if not shown:
        return _("No data.")
    return "; ".join(f"{label}: {value}" for label, value in shown) + "."


# --- a count over time ---------------------------------------------------------------------

LEFT, RIGHT, TOP, BOTTOM = 56, 24, 44, 40  # room for the numbers, the marks' labels, dates
LINE_HEIGHT = 300


@dataclass
class _Scale:
    start: float
    end: float
    low: float
    high: float

    def at(self, value: float) -> float:
        if self.end == self.start:
            return (self.low + self.high) / 2
        return self.low + (value - self.start) / (self.end - self.start) * (self.high - self.low)


def line_chart(
    title: str,
    points: Sequence[tuple[datetime | date, float]],
    *,
    x_label: str,
    value_label: str,
    levels: Sequence[tuple[float, str]] = (),
    marks: Sequence[tuple[datetime | date, str]] = (),
) -> Chart:
    """A count over time as a step line (each value holds until the next point), with
    levels (such as the capacity) as horizontal lines and marks (such as the day sign-ups
    open) as vertical ones, each labelled."""
    points = sorted((_moment(at), value) for at, value in points)
    marks = [(_moment(at), label) for at, label in marks]
    chart = Chart(
        title=title,
        description=_line_described(points, value_label, levels, marks),
        height=LINE_HEIGHT,
        headers=(x_label, value_label),
        rows=[(local_date(at), number(value)) for at, value in points],
    )
    if not points:
        chart.texts.append(Text(WIDTH / 2, LINE_HEIGHT / 2, _("No data."), "middle"))
        return chart
    times = [at.timestamp() for at, _value in points] + [at.timestamp() for at, _l in marks]
    top = _nice_top(max([value for _at, value in points] + [level for level, _l in levels]))
    x = _Scale(min(times), max(times), LEFT, WIDTH - RIGHT)
    y = _Scale(0, top, LINE_HEIGHT - BOTTOM, TOP)
    _draw_axes(chart, x, y, top, points)
    chart.path = _step_path(points, x, y)
    for level, label in levels:
        chart.lines.append(Line(LEFT, y.at(level), WIDTH - RIGHT, y.at(level), "chart-level"))
        chart.texts.append(
            Text(WIDTH - RIGHT, y.at(level) - 6, label, "end", kind="chart-level-label")
        )
    for n, (at, label) in enumerate(marks):
        position = x.at(at.timestamp())
        chart.lines.append(Line(position, TOP - 4, position, LINE_HEIGHT - BOTTOM, "chart-mark"))
        anchor = "start" if position < WIDTH / 2 else "end"
        row = 14 + 16 * (n % 2)  # two rows, so marks close together stay readable
        chart.texts.append(Text(position, row, label, anchor, kind="chart-mark-label"))
    return chart


def _moment(at: datetime | date) -> datetime:
    if isinstance(at, datetime):
        return at
    return datetime.combine(at, time(12), tzinfo=clock.HELSINKI)


NICE = (1, 1.2, 1.6, 2, 2.4, 3, 4, 5, 6, 8, 10)  # a quarter of each is round too


def _nice_top(largest: float) -> float:
    """The smallest round number at least as large (60 for 58, 4 for 3): the axis's end."""
    if largest <= 0:
        return 1
    power = 10 ** math.floor(math.log10(largest))
    return next(step * power for step in NICE if step * power >= largest)


def _draw_axes(chart: Chart, x: _Scale, y: _Scale, top: float, points) -> None:
    bottom = LINE_HEIGHT - BOTTOM
    chart.lines.append(Line(LEFT, bottom, WIDTH - RIGHT, bottom, "chart-axis"))
    chart.lines.append(Line(LEFT, TOP, LEFT, bottom, "chart-axis"))
    for step in range(5):
        value = top * step / 4
        if value != int(value):
            continue
        chart.lines.append(Line(LEFT, y.at(value), WIDTH - RIGHT, y.at(value), "chart-grid"))
        chart.texts.append(Text(LEFT - 8, y.at(value) + 5, number(value), "end"))
    first, last = points[0][0], points[-1][0]
    chart.texts.append(Text(LEFT, bottom + 24, local_date(first)))
    if local_date(last) != local_date(first):
        chart.texts.append(Text(WIDTH - RIGHT, bottom + 24, local_date(last), "end"))


def _step_path(points, x: _Scale, y: _Scale) -> str:
    """Each value held until the next point, the last one to the chart's end."""
    (first, value), *rest = points
    steps = [f"M{x.at(first.timestamp()):.1f},{y.at(value):.1f}"]
    for at, value in rest:
        steps.append(f"H{x.at(at.timestamp()):.1f}V{y.at(value):.1f}")
    return "".join(steps) + f"H{x.high:.1f}"


def _line_described(points, value_label: str, levels, marks) -> str:
    if not points:
        return _("No data.")
    (first, start), (last, end) = points[0], points[-1]
    if len(points) == 1:
        sentences = [
            _(
                "%(what)s: %(value)s on %(day)s.",
                what=value_label,
                value=number(start),
                day=local_date(first),
            )
        ]
    else:
        sentences = [
            _(
                "%(what)s: %(start)s on %(first)s, %(end)s on %(last)s.",
                what=value_label,
                start=number(start),
                first=local_date(first),
                end=number(end),
                last=local_date(last),
            )
        ]
    sentences += [f"{label}: {number(level)}." for level, label in levels]
    sentences += [f"{label}: {local_date(at)}." for at, label in marks]
    return " ".join(sentences)
