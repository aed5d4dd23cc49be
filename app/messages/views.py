"""Organisers' messages to the people of an event, and the event's outbox: the pages under
/organiser/events/<id>/messages and /outbox."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app import clock
from app.bounds import page_number
from app.extensions import db
from app.forms import ConfirmForm
from app.messages import outbox as event_outbox
from app.messages import preview, services
from app.messages.forms import AUDIENCE_CHOICES, LANGUAGE_NAMES, MessageForm
from app.models import Audience, EmailStatus, Event
from app.organiser.access import event_or_404
from app.places.modes import is_hybrid
from app.templating import local_datetime

bp = Blueprint("messages", __name__, url_prefix="/organiser")


@bp.before_request
@login_required
def require_login():
    """Every page here needs a signed-in organiser."""


def _message_form(event: Event) -> MessageForm:
    form = MessageForm(data={"when": "now"})
    form.sizes = services.audience_sizes(event)
    form.main_language = event.language
    form.audience.choices = [
        (choice.value, f"{choice.label} ({form.sizes[Audience(choice.value)]})")
        for choice in AUDIENCE_CHOICES
    ]
    return form


@bp.get("/events/<int:event_id>/messages")
def index(event_id: int):
    event = event_or_404(event_id)
    return render_template(
        "messages/index.html",
        event=event,
        batches=services.message_batches(event),
        at=clock.now(),
        form=ConfirmForm(),
    )


@bp.post("/events/<int:event_id>/messages/<int:batch_id>/cancel")
def cancel(event_id: int, batch_id: int):
    event = event_or_404(event_id)
    batch = services.event_batch(event, batch_id)
    if batch is None:
        abort(404)
    if ConfirmForm().validate_on_submit():
        try:
            withdrawn = services.cancel_message(batch, clock.now())
        except services.TooLateToCancel:
            flash(
                _("This message is already being sent, so it can no longer be cancelled."),
                "warning",
            )
        except services.AlreadyCancelled:
            flash(_("This message had already been cancelled: it will not be sent."), "info")
        else:
            db.session.commit()
            flash(
                ngettext(
                    "The message was cancelled: it will not be sent to its %(num)d person.",
                    "The message was cancelled: it will not be sent to its %(num)d people.",
                    withdrawn,
                ),
                "success",
            )
    return redirect(url_for("messages.index", event_id=event.id), code=303)


@bp.route("/events/<int:event_id>/messages/new", methods=["GET", "POST"])
def new(event_id: int):
    """Write, then check a preview, then send: nothing is saved before "Send"."""
    event = event_or_404(event_id)
    form = _message_form(event)
    if request.method == "GET" or request.form.get("change") or not form.validate_on_submit():
        return render_template(
            "messages/form.html",
            event=event,
            form=form,
            event_language_name=LANGUAGE_NAMES[event.language],
        )
    audience = Audience(form.audience.data)
    if not request.form.get("confirm"):
        return _preview_page(event, form, audience)
    try:
        batch = services.plan_message(
            event,
            current_user,
            audience,
            form.subject.data,
            form.body.data,
            form.send_after(),
            translations=form.translations(),
            mode=form.chosen_mode() if is_hybrid(event) else None,
        )
    except services.AlreadyPlanned:
        if form.send_after() is None:
            flash(_("You had just sent this message, so it was not sent again."), "info")
        else:
            flash(_("You had just scheduled this message, so it was not scheduled again."), "info")
        return redirect(url_for("messages.index", event_id=event.id), code=303)
    count = services.recipient_count(batch)
    db.session.commit()
    if form.send_after() is None:
        note = ngettext(
            "Your message is being sent to %(num)d person.",
            "Your message is being sent to %(num)d people.",
            count,
        )
    else:
        note = ngettext(
            "Your message will be sent to %(num)d person on %(when)s.",
            "Your message will be sent to %(num)d people on %(when)s.",
            count,
            when=local_datetime(batch.send_after),
        )
    flash(note, "success")
    return redirect(url_for("messages.index", event_id=event.id), code=303)


def _preview_page(event: Event, form: MessageForm, audience: Audience):
    """The email as the people of one language get it: the page's language first, then
    whichever the organiser asks for ("Show it in Swedish")."""
    shown_in = request.form.get("preview_in")
    if shown_in not in LANGUAGE_NAMES:
        shown_in = str(get_locale())
    message = preview.draft(
        event, current_user, form.subject.data, form.body.data, form.translations()
    )
    mode = form.chosen_mode() if is_hybrid(event) else None
    return render_template(
        "messages/preview.html",
        event=event,
        form=form,
        message=message,
        recipients=preview.recipients_preview(event, audience, mode=mode),
        email=preview.email_preview(
            event, message, shown_in, preview.sample_recipient(event, audience, shown_in, mode)
        ),
        version_names=LANGUAGE_NAMES,
        send_after=form.send_after(),
    )


# --- the outbox -------------------------------------------------------------------------


@bp.get("/events/<int:event_id>/outbox")
def outbox(event_id: int):
    event = event_or_404(event_id)
    status = request.args.get("status", "")
    if status not in {member.value for member in EmailStatus}:
        status = ""
    page = request.args.get("page", 1, type=page_number)
    return render_template(
        "messages/outbox.html",
        event=event,
        counts=event_outbox.outbox_counts(event),
        page=event_outbox.outbox_page(event, status=status, page=page),
        status=status,
        kind_name=event_outbox.kind_name,
        retryable=event_outbox.RETRYABLE,
    )


@bp.post("/events/<int:event_id>/outbox/<int:email_id>/retry")
def retry_email(event_id: int, email_id: int):
    event = event_or_404(event_id)
    email = event_outbox.outbox_email(event, email_id)
    if email is None:
        abort(404)
    if event_outbox.retry(email):
        db.session.commit()
        flash(
            _("The email to %(recipient)s will be sent again.", recipient=email.recipient),
            "success",
        )
    else:
        flash(_("That email was not waiting for a retry."), "info")
    return redirect(url_for("messages.outbox", event_id=event.id), code=303)


@bp.post("/events/<int:event_id>/outbox/retry")
def retry_all_failed(event_id: int):
    event = event_or_404(event_id)
    retried = event_outbox.retry_failed(event)
    db.session.commit()
    if retried:
        flash(
            ngettext(
                "%(num)d email will be sent again.", "%(num)d emails will be sent again.", retried
            ),
            "success",
        )
    else:
        flash(_("There were no failed emails to retry."), "info")
    return redirect(url_for("messages.outbox", event_id=event.id), code=303)
