"""The personal feedback form, reached by the link in a person's feedback mail."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from app.extensions import db
from app.feedback.forms import response_form
from app.feedback.services import FeedbackLink, open_link, save_response
from app.i18n import LANGUAGE_COOKIE
from app.ratelimits import public_form

bp = Blueprint("feedback_form", __name__)


@bp.route("/feedback/<token>", methods=["GET", "POST"])
@public_form
def answer(token: str):
    link = open_link(token)
    if link is None:
        abort(404, description=_("This link is not valid. It may have expired."))
    with force_locale(_locale(link)):
        if link.closed:
            return render_template("feedback/closed.html", event=link.event, link=link)
        # What was stored only to show: a post is the whole answer, a radio left empty too.
        stored = _stored(link) if request.method == "GET" else {}
        form = response_form(link.event, link.settings.questions or [], _locale(link), data=stored)
        if form.validate_on_submit():
            save_response(
                link,
                token,
                score=int(form.score.data),
                would_recommend=form.recommend(),
                comment=(form.comment.data or "").strip(),
                answers=form.answers(),
            )
            db.session.commit()
            flash(_("Thank you! Your feedback has been saved."), "success")
            return redirect(url_for("feedback_form.answer", token=token), code=303)
        return render_template("feedback/form.html", event=link.event, link=link, form=form)


def _locale(link: FeedbackLink) -> str:
    """The language chosen with the switcher, else the person's own."""
    chosen = request.cookies.get(LANGUAGE_COOKIE)
    languages = current_app.config["LANGUAGES"]
    return chosen if chosen in languages else link.token.registration.locale


def _stored(link: FeedbackLink) -> dict:
    """The person's answer so far, to change."""
    response = link.response
    if response is None:
        return {}
    yes_no = {True: "yes", False: "no"}
    data = {
        "score": str(response.score),
        "would_recommend": yes_no.get(response.would_recommend),
        "comment": response.comment,
    }
    for key, value in (response.answers or {}).items():
        data[f"q_{key}"] = yes_no.get(value, value) if isinstance(value, bool) else value
    return data
