"""Telling an account's owner that someone is guessing its password.

Called when a sign-in limit for the account is reached (app.ratelimits): one mail in each
ALERT_INTERVAL, however many tries, whichever process sees them (the outbox's dedupe key is
unique in the database). An unknown address gets nothing and is answered as a known one."""

from datetime import timedelta

import sqlalchemy as sa
from flask import current_app

from app import clock
from app.auth.services import find_organiser
from app.database import reading, writing
from app.extensions import db
from app.mail.outbox import queue_email
from app.models import OutboundEmail
from app.text import normalise_email

ALERT_INTERVAL = timedelta(minutes=15)

# This process's memory of the warnings it made in the current interval: a script that
# keeps trying costs one look-up, not a query, after the first.
_warned: set[tuple[int, str]] = set()


def warn_of_guessing(email: str) -> None:
    window = int(clock.now().timestamp() // ALERT_INTERVAL.total_seconds())
    email = normalise_email(email)
    if (window, email) in _warned:
        return
    if _warned and next(iter(_warned))[0] != window:
        _warned.clear()
    _warned.add((window, email))
    with reading():
        organiser = find_organiser(email)
        if organiser is None or not organiser.active:
            return
        key = f"sign_in_attempts:{organiser.id}:{window}"
        if db.session.scalar(sa.select(OutboundEmail.id).where(OutboundEmail.dedupe_key == key)):
            return
    with writing():
        queue_email(
            "sign_in_attempts",
            recipient=organiser.email,
            locale=current_app.config["BABEL_DEFAULT_LOCALE"],
            dedupe_key=key,
            payload={"organiser_id": organiser.id},
        )
        db.session.commit()
