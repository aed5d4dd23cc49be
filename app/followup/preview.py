"""The follow-up emails as an organiser checks them before they go: rendered from the
mail's own templates in a chosen language, for a stand-in person."""

import secrets
from dataclasses import dataclass
from types import SimpleNamespace

from flask import render_template
from flask_babel import force_locale, get_locale, gettext
from flask_babel import lazy_gettext as _l
from markupsafe import Markup

from app.followup.access import link_valid_until
from app.followup.materials import event_materials
from app.messages.preview import with_words
from app.models import Event, FollowUpAudience, FollowUpMessage
from app.models.content import Shown
from app.navigation import public_url
from app.places.modes import shown_in_mail


@dataclass
class Preview:
    audience: FollowUpAudience
    locale: str
    subject: Shown
    title: Shown
    text: Markup  # the organiser's words inside `lang` when not in `locale`


def previews(
    event: Event, saved: dict[FollowUpAudience, FollowUpMessage], locale: str | None
) -> list[Preview]:
    locale = locale or str(get_locale())
    return [
        _preview(event, saved[audience], locale)
        for audience in FollowUpAudience  # those who came first
        if audience in saved and saved[audience].cancelled_at is None
    ]


def _preview(event: Event, message: FollowUpMessage, locale: str) -> Preview:
    body = message.body_in(locale)
    place = f"kutsu-follow-up-{secrets.token_hex(8)}"  # the words go in after rendering
    materials = event_materials(event.id) if message.include_materials else []
    with force_locale(locale):
        text = render_template(
            "mail/follow_up.txt",
            event=event,
            registration=SimpleNamespace(name=_l("First name Last name")),
            follow_up=message,
            message_body=Shown(place, body.lang),
            locale=locale,
            event_url=public_url("events.show", slug=event.slug),
            materials=materials,
            materials_url=gettext("[a personal link for each person]") if materials else None,
            materials_until=link_valid_until(event),
            manage_url=None,
            **shown_in_mail(None, event, False),
        )
    return Preview(
        audience=message.audience,
        locale=locale,
        subject=message.subject_in(locale),
        title=event.title_in(locale),
        text=with_words(text, place, body, locale),
    )
