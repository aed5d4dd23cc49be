"""The organiser's pages of copying an event and of its series: the copy's new dates,
making a series, the series page, one more date, and ending the series."""

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from app import clock
from app.extensions import db
from app.models import EventStatus
from app.organiser.access import event_or_404
from app.series import services
from app.series.dates import RuleKind, week_of_month_of
from app.series.forms import AddDateForm, CopyForm, EndForm, SeriesForm

bp = Blueprint("organiser_series", __name__, url_prefix="/organiser")


@bp.before_request
@login_required
def require_login():
    """Every page here needs a signed-in organiser."""


def _series_or_404(series_id: int):
    series = services.series_for(current_user, series_id)
    if series is None:
        abort(404)
    return series


@bp.route("/events/<int:event_id>/copy", methods=["GET", "POST"])
def copy_event(event_id: int):
    event = event_or_404(event_id)
    form = CopyForm()
    if form.validate_on_submit():
        copy = services.copy_event(event, current_user, form.starts_at.utc(), form.ends_at.utc())
        db.session.commit()
        flash(_("The copy was saved as a draft. Check it, then publish it."), "success")
        return redirect(url_for("organiser.edit_event", event_id=copy.id), code=303)
    return render_template("series/organiser_copy.html", event=event, form=form)


def _series_form(event) -> SeriesForm:
    first = services.local_date_of(event)
    defaults = {
        "kind": RuleKind.MONTHLY_WEEKDAY.value,
        "interval": 1,
        "weekday": str(first.weekday()),
        "week_of_month": str(week_of_month_of(first)),
    }
    return SeriesForm(data=defaults, first=first)


@bp.route("/events/<int:event_id>/series/new", methods=["GET", "POST"])
def new_series(event_id: int):
    event = event_or_404(event_id)
    if event.series_id is not None:
        return redirect(url_for("organiser_series.show", series_id=event.series_id), code=303)
    if event.status == EventStatus.CANCELLED:
        return redirect(url_for("organiser.event", event_id=event.id), code=303)
    form = _series_form(event)
    dates = form.occurrence_dates() if form.validate_on_submit() else None
    if dates and form.make.data:
        series = services.make_series(event, form.rule(), current_user)
        db.session.commit()
        flash(
            ngettext(
                "The series was made: %(num)d meeting.",
                "The series was made: %(num)d meetings.",
                len(dates),
            ),
            "success",
        )
        return redirect(url_for("organiser_series.show", series_id=series.id), code=303)
    return render_template(
        "series/organiser_new.html",
        event=event,
        form=form,
        preview=[services.times_on(event, day) for day in dates or []],
    )


@bp.get("/series/<int:series_id>")
def show(series_id: int):
    series = _series_or_404(series_id)
    rows = services.occurrence_rows(series)
    return render_template(
        "series/organiser_series.html",
        series=series,
        rows=rows,
        on=[row for row in rows if row.event.status != EventStatus.CANCELLED],
        at=clock.now(),
    )


DATE_REFUSALS = {
    "ended": lambda: _("The series has ended: no meetings are added to it."),
    "full": lambda: _("A series can have at most 60 meetings"),
    "past": lambda: _("The date of the new meeting must be today or later"),
    "too_late": lambda: _("The new meeting can be at most a year after the first meeting"),
    "taken": lambda: _("The series has a meeting on that date already"),
}


@bp.route("/series/<int:series_id>/dates/new", methods=["GET", "POST"])
def add_date(series_id: int):
    series = _series_or_404(series_id)
    form = AddDateForm()
    if form.validate_on_submit():
        try:
            event = services.add_date(series, form.day.data, current_user)
        except services.DateNotAllowed as refused:
            form.day.errors.append(DATE_REFUSALS[refused.reason]())
        else:
            db.session.commit()
            flash(_("The meeting was added to the series."), "success")
            return redirect(url_for("organiser.event", event_id=event.id), code=303)
    return render_template("series/organiser_add_date.html", series=series, form=form)


@bp.route("/series/<int:series_id>/end", methods=["GET", "POST"])
def end(series_id: int):
    series = _series_or_404(series_id)
    form = EndForm(data={"after": clock.to_local(clock.now()).date()})
    ending = None
    if form.validate_on_submit():
        if form.confirm.data:
            meetings, told = services.end_series(series, form.after.data, current_user)
            db.session.commit()
            flash(
                ngettext(
                    "The series has ended. %(num)d later meeting was cancelled.",
                    "The series has ended. %(num)d later meetings were cancelled.",
                    meetings,
                )
                + " "
                + ngettext(
                    "%(num)d person will be told by email.",
                    "%(num)d people will be told by email.",
                    told,
                ),
                "success",
            )
            return redirect(url_for("organiser_series.show", series_id=series.id), code=303)
        ending = services.ending(series, form.after.data, current_user)
    return render_template("series/organiser_end.html", series=series, form=form, ending=ending)
