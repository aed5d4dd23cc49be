"""Inviting a contact list to an event or to a series' coming meetings."""

from flask import flash, redirect, render_template, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from app import clock
from app.extensions import db
from app.lists import inviting
from app.lists.forms import InviteForm
from app.lists.views import bp, list_or_404
from app.models import Event, Series
from app.templating import local_datetime, title_of


def _targets(now) -> tuple[list[Series], list[Event]]:
    return inviting.invitable_series(current_user, now), inviting.invitable_events(
        current_user, now
    )


def _choices(series: list[Series], events: list[Event]) -> list[SelectChoice]:
    return [
        SelectChoice(
            f"series-{item.id}", _("Series: %(title)s", title=item.title_in(_locale()).text)
        )
        for item in series
    ] + [
        SelectChoice(
            f"event-{event.id}", f"{title_of(event).text} ({local_datetime(event.starts_at)})"
        )
        for event in events
    ]


def _locale() -> str:
    return str(get_locale())


def _chosen_events(target: str, series: list[Series], events: list[Event], now) -> list[Event]:
    kind, _sep, number = target.partition("-")
    if kind == "series":
        chosen = next(item for item in series if str(item.id) == number)
        return inviting.coming_meetings(current_user, chosen, now)
    return [next(event for event in events if str(event.id) == number)]


@bp.route("/<int:list_id>/invite", methods=["GET", "POST"])
def invite(list_id: int):
    contact_list = list_or_404(list_id)
    now = clock.now()
    series, events = _targets(now)
    form = InviteForm()
    form.target.choices = _choices(series, events)
    if form.validate_on_submit():
        chosen = _chosen_events(form.target.data, series, events, now)
        days = form.days_before.data if form.when.data == "before" else None
        result = inviting.invite_contact_list(contact_list, chosen, now=now, days_before=days)
        db.session.commit()
        flash(_result_message(result, now), "success")
        return redirect(url_for("lists.show", list_id=contact_list.id), code=303)
    return render_template(
        "lists/invite.html",
        contact_list=contact_list,
        form=form,
        has_targets=bool(series or events),
    )


def _result_message(result: inviting.ListInvited, now) -> str:
    parts = [
        ngettext(
            "%(num)d invitation was planned",
            "%(num)d invitations were planned",
            result.invited,
        )
        + " "
        + ngettext("for %(num)d meeting.", "for %(num)d meetings.", result.meetings),
    ]
    if result.first_send_at and result.first_send_at > now:
        parts.append(_("The first go out on %(when)s.", when=local_datetime(result.first_send_at)))
    reasons = []
    if result.left:
        reasons.append(
            ngettext(
                "%(num)d member who left the list",
                "%(num)d members who left the list",
                result.left,
            )
        )
    if result.already_invited:
        reasons.append(
            ngettext(
                "%(num)d time someone was already invited to the meeting",
                "%(num)d times someone was already invited to the meeting",
                result.already_invited,
            )
        )
    if result.already_registered:
        reasons.append(
            ngettext(
                "%(num)d time someone was already registered for the meeting",
                "%(num)d times someone was already registered for the meeting",
                result.already_registered,
            )
        )
    if reasons:
        parts.append(_("Not invited: %(reasons)s.", reasons="; ".join(reasons)))
    return " ".join(parts)
