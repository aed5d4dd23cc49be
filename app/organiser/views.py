"""The organiser's pages: their events and the event form."""

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import clock
from app.extensions import db
from app.forms import ConfirmForm
from app.models import (
    EventStatus,
    Participation,
)
from app.organiser import services
from app.organiser.access import event_or_404
from app.organiser.event_form import NEW_EVENT_REMINDERS, EventForm, event_form_data
from app.organiser.preview import as_the_public_will_see
from app.reports.event_charts import event_charts
from app.series.forms import THIS_AND_LATER, OccurrenceForm
from app.series.services import LaterCapacityBelowConfirmed, update_this_and_later
from app.signup.forms import signup_form_for
from app.templating import local_date

bp = Blueprint("organiser", __name__, url_prefix="/organiser")


@bp.before_request
@login_required
def require_login():
    """Every organiser page needs a signed-in organiser."""


def _handle_event_form(form: EventForm, save):
    """Shared by new and edit: 'Add a question' re-renders with one more block."""
    if form.is_submitted() and form.add_question.data:
        if len(form.questions.entries) < form.questions.max_entries:
            form.questions.append_entry()
            form.question_added = True
        return None
    if form.validate_on_submit():
        return save(form.details())
    return None


@bp.route("/events/new", methods=["GET", "POST"])
def new_event():
    if current_user.check_in_only:  # a check-in helper account makes no events
        abort(404)
    form = EventForm(
        data={
            "waiting_list": True,
            "format": "in_person",
            "reminders": NEW_EVENT_REMINDERS,
            "language": str(get_locale()),
        }
    )
    form.creating = True
    event = _handle_event_form(form, lambda d: services.create_event(current_user, d))
    if event is not None:
        db.session.commit()
        flash(_("The event was saved as a draft. Preview it, then publish it."), "success")
        return redirect(url_for("organiser.event", event_id=event.id), code=303)
    return render_template("organiser/event_form.html", form=form, event=None)


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
def edit_event(event_id: int):
    event = event_or_404(event_id)
    # A meeting of a series: the change may go to the later meetings too (app.series).
    form = (OccurrenceForm if event.series_id else EventForm)(data=event_form_data(event))
    changed_later = []

    def save(details):
        if getattr(form, "apply_to", None) and form.apply_to.data == THIS_AND_LATER:
            changed_later.extend(update_this_and_later(event, details, current_user))
        else:
            services.update_event(event, details)
        return event

    try:
        saved = _handle_event_form(form, save)
    except LaterCapacityBelowConfirmed as exc:
        saved = None
        form.capacity.errors.append(
            _(
                "The meeting on %(date)s already has %(count)d people with a place. "
                "Enter %(count)d or more.",
                date=local_date(exc.occurrence.starts_at),
                count=exc.confirmed,
            )
        )
    except services.CapacityBelowConfirmed as exc:
        saved = None
        form[exc.field].errors.append(
            _(
                "%(count)d people already have a place. Enter %(count)d or more.",
                count=exc.confirmed,
            )
        )
    if saved is not None:
        db.session.commit()
        if changed_later:
            flash(
                ngettext(
                    "Your changes were saved here and in %(num)d later meeting.",
                    "Your changes were saved here and in %(num)d later meetings.",
                    len(changed_later),
                ),
                "success",
            )
        else:
            flash(_("Your changes were saved."), "success")
        return redirect(url_for("organiser.event", event_id=event.id), code=303)
    return render_template("organiser/event_form.html", form=form, event=event)


@bp.get("/events/<int:event_id>")
def event(event_id: int):
    event = event_or_404(event_id)
    return render_template(
        "organiser/event.html",
        event=event,
        counts=services.registration_counts(event),
        charts=event_charts(event),
        form=ConfirmForm(),
        at=clock.now(),
    )


@bp.get("/events/<int:event_id>/preview")
def preview(event_id: int):
    event = event_or_404(event_id)
    return render_template(
        "events/show.html",
        event=as_the_public_will_see(event),
        at=clock.now(),
        preview=True,
        draft=event.status == EventStatus.DRAFT,
    )


@bp.get("/events/<int:event_id>/preview/sign-up")
def preview_signup(event_id: int):
    """The sign-up form as the public will see it, but it cannot be sent."""
    event = event_or_404(event_id)
    if event.participation != Participation.OPEN:  # people come by invitation: no form
        return redirect(url_for("organiser.preview", event_id=event.id), code=303)
    form = signup_form_for(event)
    return render_template("signup/form.html", event=event, form=form, preview=True)


@bp.post("/events/<int:event_id>/publish")
def publish(event_id: int):
    event = event_or_404(event_id)
    if ConfirmForm().validate_on_submit() and event.status == EventStatus.DRAFT:
        services.publish_event(event)
        db.session.commit()
        flash(_("The event is published. People can now sign up."), "success")
    return redirect(url_for("organiser.event", event_id=event.id), code=303)


@bp.route("/events/<int:event_id>/cancel", methods=["GET", "POST"])
def cancel(event_id: int):
    event = event_or_404(event_id)
    form = ConfirmForm()
    if event.status == EventStatus.CANCELLED:
        return redirect(url_for("organiser.event", event_id=event.id), code=303)
    if form.validate_on_submit():
        told = services.cancel_event(event)
        db.session.commit()
        flash(
            ngettext(
                "The event is cancelled. %(num)d person will be told by email.",
                "The event is cancelled. %(num)d people will be told by email.",
                told,
            ),
            "success",
        )
        return redirect(url_for("organiser.event", event_id=event.id), code=303)
    counts = services.registration_counts(event)
    return render_template("organiser/cancel.html", event=event, form=form, counts=counts)
