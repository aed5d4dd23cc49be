"""The organisers' contact-list pages: their lists, members, sharing, and inviting a list."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from app import audit, clock
from app.accounts.services import AccountDeactivated, OrganiserNotFound
from app.bounds import page_number, search_text
from app.database import reading
from app.extensions import db
from app.forms import ConfirmForm
from app.invitations.forms import read_people_list
from app.lists import services
from app.lists.forms import AddMembersForm, ListForm, MemberForm, ShareForm
from app.models import AuditAction, ContactList

bp = Blueprint("lists", __name__, url_prefix="/organiser/lists")


@bp.before_request
def require_login():
    """Every list page needs a signed-in organiser; a check-in helper account has none.
    Finding them only reads: an upload is read before the write transaction begins."""
    with reading():
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if current_user.check_in_only:
            abort(404)
    return None


def list_or_404(list_id: int, *, owner_only: bool = False) -> ContactList:
    # 404, not 403: another organiser's list does not exist as far as you can tell.
    contact_list = services.list_for(current_user, list_id, owner_only=owner_only)
    if contact_list is None:
        abort(404)
    return contact_list


def _to_list(contact_list: ContactList):
    return redirect(url_for("lists.show", list_id=contact_list.id), code=303)


@bp.get("/")
def index():
    now = clock.now()
    lists = services.lists_of(current_user)
    return render_template(
        "lists/index.html",
        lists=lists,
        counts=services.member_counts(lists),
        unused={item.id for item in lists if services.is_unused(item, now)},
        unused_months=current_app.config["LIST_UNUSED_MONTHS"],
    )


@bp.route("/new", methods=["GET", "POST"])
def new():
    form = ListForm()
    if form.validate_on_submit():
        contact_list = services.create_list(
            current_user, name=form.name.data, purpose=form.purpose.data or ""
        )
        db.session.commit()
        flash(_("The list was made. Add its members next."), "success")
        return redirect(url_for("lists.add", list_id=contact_list.id), code=303)
    return render_template("lists/list_form.html", form=form, contact_list=None)


@bp.get("/<int:list_id>")
def show(list_id: int):
    contact_list = list_or_404(list_id)
    search = search_text(request.args.get("q"))
    # What was searched for stays out of the log: it is often a person's name.
    detail = f"list {contact_list.id}" + (" search" if search else "")
    audit.record(AuditAction.VIEWED_LIST_MEMBERS, detail=detail)
    page = services.members_page(
        contact_list, search=search, page=request.args.get("page", 1, type=page_number)
    )
    return render_template(
        "lists/show.html",
        contact_list=contact_list,
        page=page,
        search=search,
        left=services.members_who_left(contact_list),
        count=services.member_counts([contact_list]).get(contact_list.id, 0),
        is_owner=services.is_owner(current_user, contact_list),
        erased_after=current_app.config["LIST_MEMBER_DAYS_AFTER_LEAVING"],
    )


@bp.route("/<int:list_id>/edit", methods=["GET", "POST"])
def edit(list_id: int):
    contact_list = list_or_404(list_id)
    form = ListForm(obj=contact_list)
    if form.validate_on_submit():
        services.rename_list(contact_list, name=form.name.data, purpose=form.purpose.data or "")
        db.session.commit()
        flash(_("The list was saved."), "success")
        return _to_list(contact_list)
    return render_template("lists/list_form.html", form=form, contact_list=contact_list)


@bp.route("/<int:list_id>/add", methods=["GET", "POST"])
def add(list_id: int):
    # The list is read, and a file parsed, before the write transaction begins.
    with reading():
        contact_list = list_or_404(list_id)
        form = AddMembersForm(language=str(get_locale()))
        people, problems, field = [], [], None
        if form.validate_on_submit():
            people, problems, field = read_people_list(form)
        if field is None or field.errors:
            return render_template(
                "lists/add.html", contact_list=contact_list, form=form, problems=problems
            )
    added = services.add_members(contact_list, people, locale=form.language.data)
    db.session.commit()
    flash(_added_message(added), "success")
    return _to_list(contact_list)


def _added_message(added: services.Added) -> str:
    message = ngettext(
        "%(num)d person was added to the list.",
        "%(num)d people were added to the list.",
        added.added,
    )
    if added.already_on_list:
        message += " " + ngettext(
            "%(num)d was on the list already.",
            "%(num)d were on the list already.",
            added.already_on_list,
        )
    if added.left_before:
        message += " " + ngettext(
            "%(num)d had left the list and was not added again.",
            "%(num)d had left the list and were not added again.",
            added.left_before,
        )
    return message


@bp.route("/<int:list_id>/members/<int:member_id>", methods=["GET", "POST"])
def member(list_id: int, member_id: int):
    contact_list = list_or_404(list_id)
    person = services.member_of(contact_list, member_id)
    if person is None or person.left_at is not None:
        abort(404)
    form = MemberForm(obj=person, language=person.locale)
    if form.validate_on_submit():
        try:
            services.edit_member(
                person,
                name=form.name.data,
                email=form.email.data.strip(),
                organisation=form.organisation.data or "",
                locale=form.language.data,
            )
        except services.AlreadyOnList:
            form.email.errors.append(_("Someone else on the list has this email address"))
        else:
            db.session.commit()
            flash(_("%(name)s was saved.", name=person.name), "success")
            return _to_list(contact_list)
    return render_template("lists/member.html", contact_list=contact_list, person=person, form=form)


@bp.route("/<int:list_id>/members/<int:member_id>/remove", methods=["GET", "POST"])
def remove_member(list_id: int, member_id: int):
    contact_list = list_or_404(list_id)
    person = services.member_of(contact_list, member_id)
    if person is None:
        abort(404)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = person.name
        services.remove_member(person)
        db.session.commit()
        flash(_("%(name)s was removed from the list.", name=name), "success")
        return _to_list(contact_list)
    return render_template("lists/remove_member.html", contact_list=contact_list, person=person)


@bp.route("/<int:list_id>/sharing", methods=["GET", "POST"])
def sharing(list_id: int):
    contact_list = list_or_404(list_id, owner_only=True)
    form = ShareForm()
    if form.validate_on_submit():
        try:
            organiser = services.share_list(contact_list, form.email.data.strip())
        except AccountDeactivated:
            form.email.errors.append(_("This account has been deactivated"))
        except OrganiserNotFound:
            form.email.errors.append(_("No organiser account has this email address"))
        except services.AlreadySharing:
            form.email.errors.append(_("This organiser may already use the list"))
        else:
            db.session.commit()
            flash(_("%(name)s may now use the list.", name=organiser.name), "success")
            return redirect(url_for("lists.sharing", list_id=contact_list.id), code=303)
    return render_template("lists/sharing.html", contact_list=contact_list, form=form)


@bp.post("/<int:list_id>/sharing/<int:organiser_id>/remove")
def unshare(list_id: int, organiser_id: int):
    contact_list = list_or_404(list_id, owner_only=True)
    services.unshare_list(contact_list, organiser_id)
    db.session.commit()
    flash(_("They may no longer use the list."), "success")
    return redirect(url_for("lists.sharing", list_id=contact_list.id), code=303)


@bp.route("/<int:list_id>/delete", methods=["GET", "POST"])
def delete(list_id: int):
    contact_list = list_or_404(list_id, owner_only=True)
    form = ConfirmForm()
    if form.validate_on_submit():
        name = contact_list.name
        services.delete_list(contact_list)
        db.session.commit()
        flash(_("The list %(name)s was deleted.", name=name), "success")
        return redirect(url_for("lists.index"), code=303)
    return render_template(
        "lists/delete.html",
        contact_list=contact_list,
        count=services.member_counts([contact_list]).get(contact_list.id, 0),
    )


from app.lists import invite_views  # noqa: E402, F401  (the invite page, on this blueprint)
