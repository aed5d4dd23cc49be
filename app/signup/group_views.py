"""The group sign-up form (the sign-up page of an event that takes groups: app.signup.views
hands it over) and the contact person's cancelling of members through their manage link."""

from flask import Blueprint, abort, flash, redirect, render_template, session, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import clock
from app.database import writing
from app.events.services import availability
from app.extensions import db
from app.forms import ConfirmForm
from app.models import Event, Registration
from app.places import groups as places
from app.ratelimits import public_form
from app.reports.person_region import chosen_region
from app.signup import group_services as services
from app.signup import views as signup
from app.signup.group_forms import GroupSignupForm, group_form_for
from app.signup.services import EventFull, SignupRefused, can_change

bp = Blueprint("groups", __name__)


def blank_form(slug: str):
    event = signup._event_or_404(slug)
    if not event.registration_is_open(clock.now()):
        return signup._closed(event)
    if availability(event, clock.now()) == "full":
        return signup._closed(event, full=True)
    return _form_page(event, group_form_for(event, formdata=None))


def register(slug: str):
    """The posted form: one more row, or the group signed up."""
    event = signup._event_or_404(slug)
    form = group_form_for(event)
    if form.add_member.data:
        if form.can_add_member():
            form.members.append_entry()
        return _form_page(event, form)
    if not form.validate():
        return _form_page(event, form)
    db.session.commit()  # the read ends: on SQLite the sign-up takes the write lock anew
    with writing():
        return _sign_up(event, form)


def _sign_up(event: Event, form: GroupSignupForm):
    try:
        lead = services.register_group(
            event,
            services.GroupPerson(
                form.name.data, form.email.data, form.organisation.data or "", form.answers()
            ),
            form.group_members(),
            locale=str(get_locale()),
            sensitive_consent=form.gave_sensitive_answers(),
            region=chosen_region(form),
        )
    except SignupRefused as refusal:
        db.session.rollback()
        return _refused(signup._event_or_404(event.slug), form, refusal)
    db.session.commit()
    session["signup"] = lead.id
    return redirect(url_for("signup.done", slug=event.slug), code=303)


def _refused(event: Event, form: GroupSignupForm, refusal: SignupRefused):
    if isinstance(refusal, services.AlreadyRegistered) and refusal.addresses:
        form.mark_registered(refusal.addresses)
    elif isinstance(refusal, services.AlreadyRegistered):
        form.report_on_members(_l("Someone in the group signed up just now. Send the form again."))
    elif isinstance(refusal, services.GroupDoesNotFit):
        form.report_on_members(
            ngettext(
                "Only %(num)d place is left. Leave out the others, or sign up alone.",
                "Only %(num)d places are left. Leave out people so that the group has "
                "at most %(num)d, you included.",
                refusal.places,
            )
        )
    else:
        return signup._closed(event, full=isinstance(refusal, EventFull))
    return _form_page(event, form)


def _form_page(event: Event, form: GroupSignupForm):
    return render_template("signup/group_form.html", event=event, form=form)


@bp.route("/manage/<token>/group/<int:member_id>/cancel", methods=["GET", "POST"])
@public_form
def cancel_member(token: str, member_id: int):
    lead = _lead_or_back(token)
    member = places.member_of(lead, member_id)
    if member is None or not can_change(member, clock.now()):
        return redirect(url_for("signup.manage", token=token), code=303)
    form = ConfirmForm()
    if form.validate_on_submit():
        places.cancel_member(lead, member)
        db.session.commit()
        flash(_("The registration of %(name)s has been cancelled.", name=member.name), "success")
        return redirect(url_for("signup.manage", token=token), code=303)
    return _confirm_page(lead, token, member=member)


@bp.route("/manage/<token>/group/cancel", methods=["GET", "POST"])
@public_form
def cancel_group(token: str):
    lead = _lead_or_back(token)
    if not places.members_of(lead):
        return redirect(url_for("signup.manage", token=token), code=303)
    form = ConfirmForm()
    if form.validate_on_submit():
        places.cancel_group(lead)
        db.session.commit()
        flash(_("The registrations of the whole group have been cancelled."), "success")
        return redirect(url_for("signup.manage", token=token), code=303)
    return _confirm_page(lead, token, member=None)


def _lead_or_back(token: str) -> Registration:
    lead = signup._registration_or_error(token)
    if not can_change(lead, clock.now()):
        abort(redirect(url_for("signup.manage", token=token), code=303))
    return lead


def _confirm_page(lead: Registration, token: str, *, member: Registration | None):
    return render_template(
        "signup/group_cancel.html",
        event=lead.event,
        member=member,
        members=places.members_of(lead),
        token=token,
    )


def manage_context(registration: Registration | None) -> dict:
    """What the manage and done pages show of a group: to its contact person, each member."""
    if registration is None or registration.group_lead_id is not None:
        return {"group": []}
    if not places.takes_groups(registration.event):
        return {"group": []}
    return {"group": places.members_of(registration)}


# The attendee list's group of each person on its page (templates/attendees/list.html).
bp.app_template_global("attendee_groups")(places.group_contacts)
