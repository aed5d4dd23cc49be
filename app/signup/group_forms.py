"""The sign-up form of an event that takes groups: the contact person's own sign-up form,
then a row for each person they add (name; email optional; organisation; the event's
questions, unless the contact person answers for everyone). Without JavaScript: "Add a
person" sends the form back with one more row, values kept; empty rows are left out."""

from typing import Any

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, EmailField, Form, FormField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional

from app.forms import EmailAddress, NoControlCharacters, SafeFieldList, StoredLength
from app.models import Event
from app.reports.person_region import GROUP_HINT, asking_region
from app.signup.conditions import applicable, conditions_of, without_inapplicable
from app.signup.forms import (
    SignupForm,
    _answer_value,
    _answered,
    _make_conditional,
    _make_form_class,
    _question_field,
    consent_field,
    organisation_field,
)
from app.signup.group_services import GroupPerson
from app.text import normalise_email


class GroupMemberForm(Form):
    """One person the contact person adds: part of the group form, which has the token."""

    name = StringField(
        _l("Full name"),
        validators=[
            DataRequired(_l("Enter the person’s full name, or leave the whole row empty")),
            Length(max=200, message=_l("Name must be 200 characters or fewer")),
            NoControlCharacters(),
            StoredLength(200, _l("Name must be 200 characters or fewer")),
        ],
    )
    email = EmailField(
        _l("Email address"),
        description=_l("Their own confirmation and link to change or cancel it go here."),
        validators=[
            Optional(),
            Length(max=254, message=_l("Email address must be 254 characters or fewer")),
            NoControlCharacters(),
            StoredLength(254, _l("Email address must be 254 characters or fewer"), normalise_email),
            EmailAddress(),
        ],
    )
    organisation = organisation_field()

    def question_fields(self):
        return [field for name, field in self._fields.items() if name.startswith("q_")]

    def is_blank(self) -> bool:
        return not any(_answered(_answer_value(field)) for field in self)

    # The event's conditional questions (app.signup.conditions), as on the sign-up form.
    conditions: dict = {}

    def answers(self) -> dict[int, Any]:
        given = self._given()
        return without_inapplicable(self.conditions, given) if self.conditions else given

    def applies(self, field_name: str) -> bool:
        """Whether this person's question applies, as their row was filled."""
        if not self.conditions:
            return True
        question_id = int(field_name.rsplit("-", 1)[-1].removeprefix("q_"))
        return question_id in applicable(self.conditions, self._given())

    def _given(self) -> dict[int, Any]:
        return {
            int(field.short_name.removeprefix("q_")): _answer_value(field)
            for field in self.question_fields()
        }


class GroupSignupForm(SignupForm):
    """The contact person's fields and answers, then the members."""

    def validate(self, extra_validators=None) -> bool:
        self._leave_out_empty_rows()
        valid = super().validate(extra_validators)
        return self._addresses_differ() and self._consent_covers_members() and valid

    def can_add_member(self) -> bool:
        return len(self.members.entries) < self.members.max_entries

    def answers_for_all(self) -> bool:
        field = getattr(self, "answer_for_all", None)
        return bool(field is not None and field.data)

    def member_forms(self) -> list[GroupMemberForm]:
        return [entry.form for entry in self.members.entries]

    def group_members(self) -> list[GroupPerson]:
        own = self.answers()
        return [
            GroupPerson(
                name=member.name.data,
                email=(member.email.data or "").strip(),
                organisation=member.organisation.data or "",
                answers=own if self.answers_for_all() else member.answers(),
            )
            for member in self.member_forms()
        ]

    def mark_registered(self, addresses: set[str]) -> None:
        """Addresses already registered for the event, reported at their fields."""
        for field in self._email_fields():
            if normalise_email(field.data or "") in addresses:
                field.errors = [_l("This person is already registered for this event")]

    def report_on_members(self, message) -> None:
        """A problem of the group as a whole: shown at its first member, where it is fixed
        (at the contact person's address when they came alone)."""
        members = self.member_forms()
        field = members[0].name if members else self.email
        field.errors = [message]

    def _email_fields(self):
        return [self.email, *(member.email for member in self.member_forms())]

    def _leave_out_empty_rows(self) -> None:
        self.members.entries = [e for e in self.members.entries if not e.form.is_blank()]
        if self.answers_for_all():
            for member in self.member_forms():
                for field in member.question_fields():
                    del member[field.short_name]

    def _addresses_differ(self) -> bool:
        seen = set()
        differ = True
        for field in self._email_fields():
            address = normalise_email(field.data or "")
            if address and address in seen:
                field.errors = [_l("This address is already given for another person in the group")]
                differ = False
            seen.add(address)
        return differ

    def _consent_covers_members(self) -> bool:
        consent = getattr(self, "sensitive_consent", None)
        if consent is None or consent.data:
            return True
        answered = any(
            field.render_kw.get("data-sensitive") and _answered(_answer_value(field))
            for member in self.member_forms()
            for field in member.question_fields()
        )
        if answered:
            consent.errors = [
                _l("Tick this to give your answers to the sensitive questions, or leave them empty")
            ]
        return not answered

    def gave_sensitive_answers(self) -> bool:
        consent = getattr(self, "sensitive_consent", None)
        return bool(consent is not None and consent.data)


def group_form_for(event: Event, **kwargs) -> GroupSignupForm:
    """The form for the event's questions and its largest group (group_size_max people,
    the contact person one of them)."""
    locale = str(get_locale())
    member_class = _member_form_class(event, locale)
    after = {}
    if event.questions:
        after["answer_for_all"] = _answer_for_all_field
    after["members"] = lambda: SafeFieldList(
        FormField(member_class), min_entries=1, max_entries=event.group_size_max - 1
    )
    after["add_member"] = lambda: SubmitField(_l("Add a person"))
    after["consent"] = consent_field
    base = asking_region(GroupSignupForm, event, hint=GROUP_HINT)  # for the whole group
    return _make_form_class(base, event, locale, after)(**kwargs)


def _answer_for_all_field() -> BooleanField:
    return BooleanField(
        _l("I answer the questions for everyone in the group"),
        description=_l(
            "Your answers are copied to each person. The questions under each person "
            "are then left out."
        ),
    )


def _member_form_class(event: Event, locale: str) -> type[GroupMemberForm]:
    questions = event.questions
    fields = {
        f"q_{question.id}": _question_field(question, locale, event.language)
        for question in questions
    }
    conditions = conditions_of(questions)
    if conditions:  # each row's follow-up shown by that row's own answer
        _make_conditional(fields, questions, conditions, locale)
    return type("GroupMemberFormForEvent", (GroupMemberForm,), fields)
