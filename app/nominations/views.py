"""The public nomination form of a workshop, and its thank-you page."""

import sqlalchemy as sa
from flask import Blueprint, abort, redirect, render_template, request, session, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from app import clock
from app.events.services import public_event
from app.extensions import db
from app.models import Event, Nomination, Participation
from app.nominations import services
from app.nominations.forms import MAX_NOMINEES, nomination_form_for, posted_index, renumbered
from app.ratelimits import public_form

bp = Blueprint("nominations", __name__)


@bp.after_request
def never_cached(response):
    # Names and email addresses of other people: never kept by a shared cache.
    response.headers["Cache-Control"] = "no-store"
    return response


def _workshop_or_404(slug: str) -> Event:
    event = public_event(slug)
    if event is None or event.participation != Participation.INVITATION:
        abort(404)
    return event


@bp.route("/events/<slug>/nominate", methods=["GET", "POST"])
@public_form
def nominate(slug: str):
    event = _workshop_or_404(slug)
    if not event.nominations_are_open(clock.now()):
        return render_template("nominations/closed.html", event=event), 409
    if request.method != "POST":
        form = nomination_form_for(event)
        return render_template("nominations/form.html", event=event, form=form)

    # "Add another nominee" and "Remove this nominee" only show the form again: nothing
    # is checked or saved, and everything typed comes back.
    removed = posted_index(request.form.get("remove_nominee"))
    form = nomination_form_for(event, formdata=renumbered(request.form, remove=removed))
    if "remove_nominee" in request.form:
        return render_template("nominations/form.html", event=event, form=form, removed=removed)
    if "add_nominee" in request.form:
        added = form.can_add()
        if added:
            form.nominees.append_entry()
        return render_template("nominations/form.html", event=event, form=form, added=added)

    if form.validate_on_submit():
        try:
            made = services.submit_nominations(
                event,
                nominator_name=form.name.data,
                nominator_email=form.email.data,
                nominator_organisation=form.organisation.data,
                nominees=form.nominee_details(),
                locale=str(get_locale()),
            )
        except services.NominationsClosed:
            db.session.rollback()
            return render_template("nominations/closed.html", event=event), 409
        except (
            services.DuplicateNominee,
            services.SelfNomination,
            services.TooManyFromOrganisation,
        ) as refusal:
            db.session.rollback()
            _show_refusal(form, refusal)
        else:
            db.session.commit()
            session["nominated"] = [nomination.id for nomination in made]
            return redirect(url_for("nominations.done", slug=slug), code=303)
    return render_template("nominations/form.html", event=event, form=form)


def _show_refusal(form, refusal) -> None:
    """The service's refusal as an error at the field it is about."""
    if isinstance(refusal, services.TooManyFromOrganisation):
        message = ngettext(
            "Your organisation can nominate at most %(num)d person; %(already)d already nominated",
            "Your organisation can nominate at most %(num)d people; %(already)d already nominated",
            refusal.limit,
            already=refusal.already,
        )
        form.organisation.errors.append(message)
        return
    if isinstance(refusal, services.DuplicateNominee):
        message = _("You have proposed this person already on this form: enter each person once")
    else:
        message = _("You cannot propose yourself: enter the email address of someone else")
    entries = form.nominees.entries
    index = min(refusal.index, len(entries) - 1)
    entries[index].form.email.errors.append(message)
    # The list keeps its entries' errors from validation; the page title reads it.
    form.nominees.errors.append({"email": [message]})


@bp.get("/events/<slug>/nominated")
def done(slug: str):
    event = _workshop_or_404(slug)
    ids = session.get("nominated")
    nominees = []
    if isinstance(ids, list) and ids:
        nominations = db.session.scalars(
            sa.select(Nomination)
            .where(
                Nomination.id.in_([i for i in ids if isinstance(i, int)][:MAX_NOMINEES]),
                Nomination.event_id == event.id,
            )
            .order_by(Nomination.id)
        )
        nominees = [nomination.candidate.name for nomination in nominations]
    return render_template(
        "nominations/done.html",
        event=event,
        nominees=nominees,
        still_open=event.nominations_are_open(clock.now()),
    )
