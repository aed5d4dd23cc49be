"""The feedback pages' charts (app.charts), each with its numbers in a table."""

from flask_babel import gettext as _

from app.charts import Chart, bar_chart
from app.feedback.results import Occurrence, QuestionResult, Results
from app.templating import local_date


def score_chart(results: Results) -> Chart:
    return bar_chart(
        _("Overall scores, from 1 (poor) to 5 (excellent)"),
        [(_("Score %(score)d", score=score), count) for score, count in results.distribution],
        value_label=_("Answers"),
    )


def question_chart(item: QuestionResult) -> Chart | None:
    if item.is_text:
        return None
    return bar_chart(item.question["label"], item.counts, value_label=_("Answers"))


def series_chart(occurrences: list[Occurrence]) -> Chart:
    """Each occurrence's average score (those with answers), in order of time."""
    return bar_chart(
        _("Average score of each meeting, from 1 to 5"),
        [
            (local_date(item.event.starts_at), item.scores.average)
            for item in occurrences
            if item.scores is not None and item.scores.average is not None
        ],
        value_label=_("Average score"),
        decimals=1,
    )
