"""Public forms cannot flood an inbox: mail they cause to one address is limited per hour,
in the outbox (shared by every worker), and no subject carries what a form was given."""

import time
from contextlib import ExitStack
from datetime import timedelta

import pytest
import sqlalchemy as sa
from flask_babel import force_locale

from app import clock
from app.accounts.invitations import MAIL_KIND as ACCOUNT_INVITATION
from app.extensions import db
from app.mail.limits import OVER_LIMIT
from app.mail.render import ACCOUNT_MAIL, SUBJECTS
from app.mail.worker import retry_messages
from app.models import EmailStatus, OutboundEmail
from app.organiser.services import cancel_event
from app.signup.services import register_for_event
from tests.conftest import deliver_mail, pending_mail
from tests.servers import running_mail_worker


def sign_up(event, email: str) -> None:
    register_for_event(
        event, name="Buy cheap pills", email=email, organisation="", answers={}, locale="fi"
    )
    db.session.commit()


def failed() -> list[OutboundEmail]:
    return list(
        db.session.scalars(
            sa.select(OutboundEmail)
            .where(OutboundEmail.status == EmailStatus.FAILED)
            .order_by(OutboundEmail.id)
        )
    )


@pytest.mark.both_databases
def test_mail_from_public_forms_to_one_address_stops_at_the_hourly_limit_whatever_its_case(
    app, make_event, mailbox
):
    limit = app.config["MAIL_PUBLIC_FORM_LIMIT_PER_HOUR"]
    events = [make_event(title=f"Tapahtuma {n}") for n in range(limit + 2)]
    for n, event in enumerate(events):
        sign_up(event, "Victim@Example.fi" if n % 2 else "victim@example.fi")
    sign_up(events[0], "someone.else@example.fi")

    deliver_mail(app)

    assert len(mailbox.to("ictim@")) == limit
    assert len(mailbox.to("someone.else@example.fi")) == 1
    held = failed()
    assert len(held) == 2
    assert all(row.last_error == OVER_LIMIT for row in held)

    # Mail an organiser causes is not theirs to limit.
    cancel_event(events[0])
    db.session.commit()
    deliver_mail(app)
    assert len(mailbox.to("ictim@")) == limit + 1

    # An hour on, the held mail can be sent again, and then goes.
    clock.travel(clock.now() + timedelta(hours=1, minutes=1))
    assert retry_messages(failed()) == 2
    db.session.commit()
    deliver_mail(app)
    assert failed() == []


@pytest.mark.both_databases
def test_without_a_limit_every_mail_goes(app, make_event, mailbox):
    app.config["MAIL_PUBLIC_FORM_LIMIT_PER_HOUR"] = 0
    for n in range(7):
        sign_up(make_event(title=f"Tapahtuma {n}"), "victim@example.fi")

    assert deliver_mail(app) == 7
    assert failed() == []


def test_no_subject_carries_text_a_public_form_was_given(app):
    """Subjects name only the event (written by its organisers) or nothing; an organiser's
    message has its own subject. Names, organisations and answers stay in the body."""
    with app.test_request_context():
        for locale in app.config["LANGUAGES"]:
            with force_locale(locale):
                for kind, subject in SUBJECTS.items():
                    # Any other field than the title would be a KeyError here.
                    written = str(subject) % {"title": "TITLE"}
                    no_event = kind in ACCOUNT_MAIL or kind == ACCOUNT_INVITATION
                    assert "TITLE" in written or no_event, (locale, kind)


@pytest.mark.slow
@pytest.mark.postgresql
@pytest.mark.parametrize("backend", ["postgresql"])
def test_two_workers_share_the_limit(app, database_url, make_event, mailbox, smtp_server):
    """Claims of one message each, by two workers at once: the count is the database's."""
    limit = app.config["MAIL_PUBLIC_FORM_LIMIT_PER_HOUR"]
    for n in range(3 * limit):
        sign_up(make_event(title=f"Tapahtuma {n}"), "victim@example.fi")
    db.session.close()

    config = {"MAIL_BATCH_SIZE": 1}
    with ExitStack() as stack:
        workers = [
            stack.enter_context(
                running_mail_worker(database_url, smtp_port=smtp_server.port, config=config)
            )
            for _ in range(2)
        ]
        deadline = time.monotonic() + 45
        while pending_mail():
            for worker in workers:
                worker.check_running()
            assert time.monotonic() < deadline, "the workers took every message"
            time.sleep(0.05)

    assert len(mailbox.to("victim@example.fi")) == limit
    assert len(failed()) == 2 * limit
