"""What an organiser checks before a message goes: who gets it, in which language, and the
email as each language's readers get it."""

import secrets
from dataclasses import dataclass
from types import SimpleNamespace

import sqlalchemy as sa
from flask import render_template
from flask_babel import force_locale, gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup, escape

from app.extensions import db
from app.forms import LANGUAGE_CHOICES
from app.messages.services import KIND, recipients_filter, recipients_query
from app.models import (
    Audience,
    Event,
    MessageBatch,
    Organiser,
    ParticipationMode,
    Registration,
)
from app.models.content import Shown
from app.navigation import public_url
from app.places.modes import shown_in_mail
from app.places.services import has_a_place

BY_NAME = (sa.func.lower(Registration.name), Registration.id)


@dataclass
class Recipients:
    count: int
    first: list[Registration]
    # How many of them read each language, in LANGUAGE_CHOICES order; languages nobody
    # reads are left out.
    by_language: dict[str, int]

    @property
    def others(self) -> int:
        return self.count - len(self.first)


def recipients_preview(
    event: Event, audience: Audience, *, shown: int = 5, mode: ParticipationMode | None = None
) -> Recipients:
    counted = dict(
        db.session.execute(
            sa.select(Registration.locale, sa.func.count())
            .where(*recipients_filter(event, audience, mode))
            .group_by(Registration.locale)
        ).all()
    )
    first = db.session.scalars(
        recipients_query(event, audience, mode).order_by(*BY_NAME).limit(shown)
    ).all()
    by_language = {
        choice.value: counted[choice.value]
        for choice in LANGUAGE_CHOICES
        if counted.get(choice.value)
    }
    return Recipients(count=sum(counted.values()), first=list(first), by_language=by_language)


def sample_recipient(
    event: Event, audience: Audience, locale: str, mode: ParticipationMode | None = None
) -> Registration | None:
    """The first by name of those who get the email in `locale`."""
    return db.session.scalars(
        recipients_query(event, audience, mode)
        .where(Registration.locale == locale)
        .order_by(*BY_NAME)
        .limit(1)
    ).first()


def draft(
    event: Event, author: Organiser, subject: str, body: str, translations: dict
) -> MessageBatch:
    """The message as it would be saved, kept out of the database."""
    return MessageBatch(
        author=author,
        subject=subject,
        body=body,
        language=event.language,
        translations=translations,
    )


@dataclass
class EmailPreview:
    locale: str
    sample: str  # whose email it is: a person's name, or a stand-in
    is_real_person: bool
    subject: Shown  # the organiser's subject as people reading `locale` get it
    title: Shown
    text: Markup  # the text part; the organiser's words inside `lang` when not in `locale`


def email_preview(
    event: Event, message: MessageBatch, locale: str, person: Registration | None
) -> EmailPreview:
    """The email as `person`, who signed up in `locale`, gets it (None: a stand-in),
    rendered from the email's own templates in that language; the personal link is a
    placeholder, since a real one would be a live token."""
    stand_in = SimpleNamespace(name=_l("First name Last name"), status=None)
    body = message.body_in(locale)
    # The organiser's words go in after rendering, so they can be marked with their lang.
    place = f"kutsu-message-{secrets.token_hex(8)}"
    has_place = person is not None and has_a_place(person)
    with force_locale(locale):
        text = render_template(
            f"mail/{KIND}.txt",
            event=event,
            registration=person or stand_in,
            batch=message,
            message_body=Shown(place, body.lang),
            locale=locale,
            event_url=public_url("events.show", slug=event.slug),
            is_confirmed=has_place,
            manage_url=gettext("[a personal link for each person]"),
            position=None,
            payload={},
            **shown_in_mail(person, event, has_place),
        )
        sample = str(person.name if person else stand_in.name)
    return EmailPreview(
        locale=locale,
        sample=sample,
        is_real_person=person is not None,
        subject=message.subject_in(locale),
        title=event.title_in(locale),
        text=with_words(text, place, body, locale),
    )


def with_words(text: str, place: str, words: Shown, locale: str) -> Markup:
    """A preview's text with the organiser's words put in at `place` (they go in after
    rendering), inside their own `lang` when not in `locale`."""
    before, after = text.split(place, 1)
    marked = (
        escape(words.text)
        if words.lang == locale
        else Markup('<span lang="{}">{}</span>').format(words.lang, words.text)
    )
    return escape(before) + marked + escape(after)
