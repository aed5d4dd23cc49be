from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _

from app import clock
from app.database import reading
from app.downloads import attachment
from app.events.services import (
    availability,
    clock_changes,
    public_event,
    public_event_rows,
    row_of,
)
from app.extensions import db
from app.forms import ConfirmForm
from app.models import EventFormat, Registration
from app.navigation import public_url
from app.pagecache import cached_page
from app.places import services as places
from app.places.groups import takes_groups
from app.ratelimits import public_form
from app.reports.person_region import chosen_region
from app.signup import group_views, services
from app.signup.forms import details_form_for, signup_form_for, stored_details_as_form_data
from app.signup.mode_form import chosen_mode, mode_is_full

bp = Blueprint("signup", __name__)


def _event_or_404(slug: str):
    event = public_event(slug)
    if event is None:
        abort(404)
    return event


@bp.route("/events/<slug>/register", methods=["GET", "POST"])
@public_form
def register(slug: str):
    if request.method == "GET":
        return _blank_form(slug)
    # Everything up to the sign-up itself only reads: on SQLite, the database's one write
    # lock is taken after the form is checked, not while it is, by the sign-up's own
    # transaction. The event is its row, as for the form page: loading it in the ORM cost
    # a sign-up a sixth of its time. The pages that show it load it.
    with reading():
        event, question_rows = public_event_rows(slug)
        if event is None:
            abort(404)
        if not event.registration_is_open(clock.now()):
            return _closed(_event_or_404(slug))
        if takes_groups(event):
            return group_views.register(slug)
        form = signup_form_for(event, question_rows)
        if not form.validate_on_submit() or mode_is_full(form, event):
            # The places went while the form was open: no use correcting it now.
            if _full(event):
                return _closed(_event_or_404(slug), full=True)
            return render_template("signup/form.html", event=_event_or_404(slug), form=form)
        person = {
            "name": form.name.data,
            "email": form.email.data,
            "organisation": form.organisation.data or "",
            "region": chosen_region(form),
            "answers": form.answers(),
            "sensitive_consent": form.gave_sensitive_answers(),
            "mode": chosen_mode(form),
        }
    try:
        result = services.register_for_event(event, **person, locale=str(get_locale()))
    except services.SignupRefused as refusal:
        db.session.rollback()
        return _closed(_event_or_404(slug), full=isinstance(refusal, services.EventFull))
    # Only a new sign-up may show its status: a repeat reveals nothing on screen.
    shown = None if result.already_registered else result.registration_id
    db.session.commit()
    session["signup"] = shown
    return redirect(url_for("signup.done", slug=slug), code=303)


def _closed(event, *, full: bool = False):
    """full: every place is taken and there is no waiting list."""
    return render_template("signup/closed.html", event=event, full=full), 409


def _full(event) -> bool:
    return availability(event, clock.now()) == "full"


# The form does not show the places left, so a sign-up (which counts a seat) does not make
# it render again; a hybrid event's form shows the places left for each mode, so there it
# does. (A seat leaves the event's updated_at as it was: app.places.counts.UNCHANGED.)
_NOT_ON_FORM = ("confirmed_count",)
_NOT_ON_HYBRID_FORM = ()


def _not_on_form(event) -> tuple[str, ...]:
    return _NOT_ON_HYBRID_FORM if event.format == EventFormat.HYBRID else _NOT_ON_FORM


def _blank_form(slug: str):
    """The empty sign-up form: the same for everyone but its CSRF token (app.pagecache),
    keyed on the rows it shows, read without the ORM."""
    event_row, question_rows = public_event_rows(slug)
    if event_row is None:
        abort(404)
    if takes_groups(event_row):
        return group_views.blank_form(slug)
    if _full(event_row):  # read just now: the kept form is keyed without the seats taken
        return _closed(_event_or_404(slug), full=True)
    row = (row_of(event_row, leave_out=_not_on_form(event_row)), question_rows)

    def render():
        event = _event_or_404(slug)
        if not event.registration_is_open(clock.now()):
            return _closed(event), None  # not kept: only an open form is
        shown = (row_of(event, leave_out=_not_on_form(event)), tuple(map(row_of, event.questions)))
        page = render_template("signup/form.html", event=event, form=signup_form_for(event))
        return page, shown

    return cached_page(
        "signup.register", row, clock.now(), clock_changes(event_row), render, form=True
    )


@bp.get("/events/<slug>/registered")
def done(slug: str):
    """The outcome, and what the person sent: only to the browser that just signed up."""
    event = _event_or_404(slug)
    registration = _signed_up_here(event)
    sent = None
    if registration is not None:
        sent = details_form_for(event, data=stored_details_as_form_data(registration))
    return render_template(
        "signup/done.html",
        event=event,
        registration=registration,
        sent=sent,
        has_a_place=registration is not None and places.has_a_place(registration),
        position=places.waiting_position(registration) if registration else None,
        **group_views.manage_context(registration),
    )


def _signed_up_here(event) -> Registration | None:
    """The registration this browser's sign-up made for the event; none for a repeat."""
    registration_id = session.get("signup")
    if registration_id is None:
        return None
    registration = db.session.get(Registration, registration_id)
    if registration is None or registration.event_id != event.id:
        return None
    return registration


@bp.get("/events/<slug>/registered/calendar.ics")
def done_calendar(slug: str):
    """The confirmation page's "Add to calendar", for the browser that just signed up.
    Without the join link of an online event: that goes only to the address given, in the
    confirmation email and through its manage link (whose .ics has it)."""
    event = _event_or_404(slug)
    registration = _signed_up_here(event)
    if registration is None:
        abort(404)
    return _calendar_download(registration, with_join_link=False)


@bp.get("/manage/<token>/calendar.ics")
def calendar(token: str):
    """The .ics the confirmation email carries, join link and all."""
    return _calendar_download(_registration_or_error(token), with_join_link=True)


def _calendar_download(registration: Registration, *, with_join_link: bool) -> Response:
    event = registration.event
    # The event's address as emails give it: the file is the one the email carries.
    event_url = public_url("events.show", slug=event.slug)
    data = services.calendar_for(registration, event_url=event_url, with_join_link=with_join_link)
    if data is None:
        abort(404, description=_("You have no place at this event to add to a calendar."))
    return Response(
        data,
        mimetype="text/calendar",
        headers={
            "Content-Disposition": attachment(f"{event.slug}.ics"),
            "Cache-Control": "no-store",
        },
    )


def _registration_or_error(token: str) -> Registration:
    registration = services.registration_for_manage_token(token)
    if registration is None:
        abort(404, description=_("This link is not valid. It may have expired."))
    return registration


@bp.route("/manage/<token>", methods=["GET", "POST"])
@public_form
def manage(token: str):
    registration = _registration_or_error(token)
    event = registration.event
    form = details_form_for(event, data=stored_details_as_form_data(registration))
    editable = services.can_edit_details(registration, clock.now())
    if editable and form.validate_on_submit():
        services.update_registration(
            registration,
            name=form.name.data,
            organisation=form.organisation.data or "",
            answers=form.answers(),
            sensitive_consent=form.gave_sensitive_answers(),
            region=chosen_region(form) if event.asks_region else None,
        )
        db.session.commit()
        flash(_("Your details have been saved."), "success")
        return redirect(url_for("signup.manage", token=token), code=303)
    return render_template(
        "signup/manage.html",
        registration=registration,
        event=event,
        form=form,
        editable=editable,
        has_a_place=places.has_a_place(registration),
        token=token,
        position=places.waiting_position(registration),
        **group_views.manage_context(registration),
    )


@bp.route("/manage/<token>/cancel", methods=["GET", "POST"])
@public_form
def cancel(token: str):
    registration = _registration_or_error(token)
    if not services.can_change(registration, clock.now()):
        return redirect(url_for("signup.manage", token=token), code=303)
    form = ConfirmForm()
    if form.validate_on_submit():
        places.cancel_registration(registration)
        db.session.commit()
        flash(_("Your registration has been cancelled."), "success")
        return redirect(url_for("signup.manage", token=token), code=303)
    return render_template(
        "signup/cancel.html",
        registration=registration,
        event=registration.event,
        form=form,
        token=token,
    )
