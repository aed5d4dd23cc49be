"""Charts drawn on the server (app.charts): the picture, its text alternative and the table
of the same numbers, in the page's language."""

import re
from datetime import UTC, datetime

from flask import render_template_string
from flask_babel import force_locale

from app.charts import bar_chart, line_chart

DRAW = '{% from "charts/_chart.html" import chart %}{{ chart(c) }}'


def drawn(app, make, locale="en"):
    with app.test_request_context(), force_locale(locale):
        c = make()
        return c, render_template_string(DRAW, c=c)


def table_rows(html: str) -> list[tuple[str, str]]:
    body = html.split("<tbody>")[1]
    return re.findall(r'<tr><th scope="row">(.*?)</th><td class="num">(.*?)</td></tr>', body)


def test_a_bar_chart_draws_a_bar_per_row_longest_for_the_largest_and_tables_the_numbers(app):
    rows = [("Hämeen Setlementti ry", 12), ("SOSTE", 3), ("Pirkanmaan Martat & co", 0)]
    c, html = drawn(app, lambda: bar_chart("Sign-ups by organisation", rows, value_label="People"))
    widths = [float(w) for w in re.findall(r'<rect class="chart-bar"[^>]*width="([\d.]+)"', html)]
    assert widths[0] > widths[1] > widths[2] == 0
    assert widths[0] == 4 * widths[1]
    assert table_rows(html) == [
        ("Hämeen Setlementti ry", "12"),
        ("SOSTE", "3"),
        ("Pirkanmaan Martat &amp; co", "0"),
    ]
    assert 'role="img"' in html and f'aria-labelledby="{c.id}-title {c.id}-desc"' in html
    assert "<desc id" in html and "Hämeen Setlementti ry: 12; SOSTE: 3;" in html
    assert "<figcaption" in html and "Sign-ups by organisation" in html


def test_numbers_are_written_as_the_page_language_writes_them(app):
    rows = [("Kanta-Häme", 1234.5)]
    _c, finnish = drawn(app, lambda: bar_chart("t", rows, value_label="v", decimals=1), "fi")
    _c, english = drawn(app, lambda: bar_chart("t", rows, value_label="v", decimals=1), "en")
    assert table_rows(finnish) == [("Kanta-Häme", "1\xa0234,5")]
    assert table_rows(english) == [("Kanta-Häme", "1,234.5")]


def test_a_long_label_is_cut_in_the_picture_but_whole_in_the_table(app):
    name = "Järjestöjen sote-ryhmä " * 5
    _c, html = drawn(app, lambda: bar_chart("t", [(name, 1)], value_label="v"))
    assert "…</text>" in html
    assert table_rows(html) == [(name, "1")]


def test_a_line_chart_steps_through_the_counts_with_capacity_and_window_marked(app):
    days = [datetime(2026, 3, day, 10, tzinfo=UTC) for day in (2, 5, 9)]
    points = list(zip(days, (3, 10, 12), strict=True))
    opens = datetime(2026, 3, 1, 8, tzinfo=UTC)
    c, html = drawn(
        app,
        lambda: line_chart(
            "Sign-ups over time",
            points,
            x_label="Day",
            value_label="Signed up",
            levels=[(20, "Places: 20")],
            marks=[(opens, "Sign-up opens")],
        ),
    )
    path = re.search(r'<path class="chart-line" d="([^"]+)"', html).group(1)
    assert path.startswith("M") and path.count("H") == 3 and path.count("V") == 2
    assert html.count('class="chart-level"') == 1 and html.count('class="chart-mark"') == 1
    assert "Places: 20</text>" in html and "Sign-up opens</text>" in html
    assert table_rows(html) == [
        ("Mon 2 Mar 2026", "3"),
        ("Thu 5 Mar 2026", "10"),
        ("Mon 9 Mar 2026", "12"),
    ]
    assert c.description == (
        "Signed up: 3 on Mon 2 Mar 2026, 12 on Mon 9 Mar 2026. Places: 20: 20. "
        "Sign-up opens: Sun 1 Mar 2026."
    )
    # The capacity (20) sets the axis' top, above the largest count, in round quarters.
    assert re.findall(r'text-anchor="end">(\d+)</text>', html) == ["0", "5", "10", "15", "20"]


def test_charts_without_data_say_so(app):
    _c, bars = drawn(app, lambda: bar_chart("t", [], value_label="v"))
    _c, line = drawn(app, lambda: line_chart("t", [], x_label="x", value_label="v"))
    for html in (bars, line):
        assert "No data." in html and "<rect" not in html and "<path" not in html


def test_a_line_of_one_day_says_that_day_once(app):
    day = datetime(2026, 3, 2, 10, tzinfo=UTC)
    c, _html = drawn(app, lambda: line_chart("t", [(day, 4)], x_label="x", value_label="Signed up"))
    assert c.description == "Signed up: 4 on Mon 2 Mar 2026."
