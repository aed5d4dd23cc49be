"""The link to leave a contact list, from every mail sent because of it.

Opening the link only shows a page with one button: mail scanners that follow links must
not take anyone off a list. The button, or a mail client's one-click POST (RFC 8058), does."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app.extensions import csrf, db
from app.lists.leaving import leave_list, member_for_token
from app.models import ListMember
from app.ratelimits import public_form

bp = Blueprint("list_leave", __name__, url_prefix="/lists/leave")

ONE_CLICK = "One-Click"


def _member_or_404(token: str) -> ListMember:
    member = member_for_token(token)
    if member is None:
        abort(404, description=_("This link is not valid. You may have left the list already."))
    return member


@bp.get("/<token>")
def leave(token: str):
    member = _member_or_404(token)
    return render_template("lists/leave.html", member=member, contact_list=member.contact_list)


@bp.post("/<token>")
@csrf.exempt
@public_form
def leave_now(token: str):
    """The page's button (with its CSRF token) or a mail client's one-click POST, whose
    body is exactly List-Unsubscribe=One-Click and which carries no CSRF token: only that
    body goes without one."""
    if request.form.get("List-Unsubscribe") != ONE_CLICK:
        csrf.protect()
    member = _member_or_404(token)
    name = member.contact_list.name
    withdrawn = leave_list(member)
    db.session.commit()
    message = _("You were removed from the list %(name)s.", name=name)
    if withdrawn:
        message += " " + ngettext(
            "%(num)d invitation not yet sent to you was cancelled.",
            "%(num)d invitations not yet sent to you were cancelled.",
            withdrawn,
        )
    flash(message, "success")
    return redirect(url_for("list_leave.left"), code=303)


@bp.get("/done")
def left():
    return render_template("lists/left.html")
