"""The organisers' feedback pages: settings and own questions, results and their export,
and a series' scores side by side. Owners, co-organisers and admins only (event_or_404
refuses check-in helpers)."""

from functools import partial

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import audit, clock
from app.charts import number
from app.exports.responses import csv_download, export_name, xlsx_download
from app.extensions import db
from app.feedback import settings as feedback_settings
from app.feedback.charts import question_chart, score_chart, series_chart
from app.feedback.forms import QuestionForm, SettingsForm
from app.feedback.results import response_rows, results, series_scores
from app.feedback.services import feedback_scores
from app.forms import ConfirmForm
from app.models import AuditAction, FeedbackAudience, FeedbackQuestionKind
from app.organiser.access import event_or_404
from app.organiser.translated import LANGUAGES, translations_of
from app.series.services import series_for

bp = Blueprint("feedback", __name__, url_prefix="/organiser")


@bp.before_request
@login_required
def require_login():
    """Every page here needs a signed-in organiser."""


@bp.route("/events/<int:event_id>/feedback/settings", methods=["GET", "POST"])
def settings(event_id: int):
    event = event_or_404(event_id)
    stored = feedback_settings.settings_or_defaults(event)
    form = SettingsForm(event=event, data=_form_data(stored))
    if form.validate_on_submit():
        try:
            feedback_settings.save_settings(
                event,
                enabled=form.enabled.data,
                anonymous=form.anonymous.data == "yes",
                audience=FeedbackAudience(form.audience.data),
                sends_at=form.sends_at.utc(),
                closes_at=form.closes_at.utc(),
            )
        except feedback_settings.SettingsRefused:
            db.session.rollback()
            form.anonymous.errors = [_("Anonymity cannot be changed: people have already answered")]
        else:
            db.session.commit()
            flash(_("The feedback settings have been saved."), "success")
            return _back_to_settings(event)
    return _settings_page(event, form, QuestionForm(prefix="question"))


@bp.post("/events/<int:event_id>/feedback/questions")
def add_question(event_id: int):
    event = event_or_404(event_id)
    form = QuestionForm(prefix="question")
    if not form.validate():
        stored = feedback_settings.settings_or_defaults(event)
        return _settings_page(event, SettingsForm(event=event, data=_form_data(stored)), form)
    try:
        feedback_settings.add_question(
            event,
            kind=FeedbackQuestionKind(form.kind.data),
            label=form.label.data.strip(),
            options=form.option_list(),
            translations=translations_of(form, _other_languages(event)),
        )
    except feedback_settings.SettingsRefused:
        db.session.rollback()
        flash(_("The form has 10 questions of your own already."), "warning")
        return _back_to_settings(event)
    db.session.commit()
    flash(_("The question has been added."), "success")
    return _back_to_settings(event)


@bp.post("/events/<int:event_id>/feedback/questions/<int:question_id>/remove")
def remove_question(event_id: int, question_id: int):
    event = event_or_404(event_id)
    if not feedback_settings.remove_question(event, question_id):
        abort(404)
    db.session.commit()
    flash(_("The question has been removed."), "success")
    return _back_to_settings(event)


def _form_data(stored) -> dict:
    return {
        "enabled": stored.enabled,
        "anonymous": "yes" if stored.anonymous else "no",
        "audience": stored.audience.value,
        "sends_at": _local(stored.sends_at),
        "closes_at": _local(stored.closes_at),
    }


def _local(moment):
    return clock.to_local(moment).replace(tzinfo=None)


def _other_languages(event) -> list[str]:
    return [code for code in LANGUAGES if code != event.language]


def _settings_page(event, form: SettingsForm, question_form: QuestionForm):
    stored = feedback_settings.settings_or_defaults(event)
    marked = feedback_settings.attendance_marked(event)
    if not marked:
        form.audience.description = _(
            "No one's attendance has been marked yet. The form goes to those marked as "
            "attended when it is sent; if you will not mark attendance, choose everyone who "
            "had a place."
        )
    return render_template(
        "feedback/settings.html",
        event=event,
        form=form,
        question_form=question_form,
        stored=stored,
        questions=stored.questions or [],
        max_questions=feedback_settings.MAX_QUESTIONS,
        answered=feedback_settings.response_count(event.id),
        other_languages=_other_languages(event),
        remove_form=ConfirmForm(),
    )


def _back_to_settings(event):
    return redirect(url_for("feedback.settings", event_id=event.id), code=303)


@bp.get("/events/<int:event_id>/feedback")
def results_page(event_id: int):
    event = event_or_404(event_id)
    shown = results(event)
    if shown.responses and not shown.settings.anonymous:
        # Names are shown beside the comments: a look at personal data.
        audit.record(AuditAction.VIEWED_FEEDBACK, event=event, detail="results")
        db.session.commit()
    return render_template(
        "feedback/results.html",
        event=event,
        results=shown,
        score_chart=score_chart(shown),
        question_charts=[question_chart(item) for item in shown.questions],
        number=number,
    )


@bp.get("/events/<int:event_id>/feedback.csv")
def export_csv(event_id: int):
    event = event_or_404(event_id)
    rows, noted = _rows(event, "csv")
    return csv_download(rows, export_name(event, _("feedback"), "csv"), noted=noted)


@bp.get("/events/<int:event_id>/feedback.xlsx")
def export_xlsx(event_id: int):
    event = event_or_404(event_id)
    rows, noted = _rows(event, "xlsx")
    name = export_name(event, _("feedback"), "xlsx")
    return xlsx_download(rows, name, sheet_name=_("Feedback"), noted=noted)


def _rows(event, extension: str):
    stored = feedback_settings.settings_or_defaults(event)
    detail = f"{extension}{' anonymous' if stored.anonymous else ''}"
    noted = audit.record_download(AuditAction.EXPORTED_FEEDBACK, event=event, detail=detail)
    return partial(response_rows, event, stored, str(get_locale())), noted


@bp.get("/series/<int:series_id>/feedback")
def series_page(series_id: int):
    series = series_for(current_user, series_id)
    if series is None:
        abort(404)
    occurrences = series_scores(list(series.occurrences))
    return render_template(
        "feedback/series.html",
        series=series,
        occurrences=occurrences,
        chart=series_chart(occurrences),
        number=number,
    )


@bp.app_template_global()
def feedback_summary(event) -> dict:
    """The event overview's line about feedback (templates/feedback/_overview.html)."""
    stored = feedback_settings.settings_of(event)
    scores = feedback_scores([event.id]).get(event.id)
    return {"settings": stored, "scores": scores, "number": number}
