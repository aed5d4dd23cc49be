"""Sign-in sessions kept on the server: the session cookie holds only a random id, whose
SHA-256 names a row of SignInSession. Signing out ends that row, a new password ends all
of the account's rows, and a session unused for SIGN_IN_IDLE_MINUTES or older than
SIGN_IN_MAX_DAYS ends by itself: a copied cookie then opens nothing."""

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app, g, request

from app import clock, tokens
from app.database import READ_ONLY_FLAG, writing
from app.extensions import db
from app.models import Organiser, SignInSession

log = logging.getLogger(__name__)

# How stale last_seen_at may get before a request writes it again: idle expiry is this
# much less exact, and an organiser's pages write once a minute at most, not every time.
TOUCH_INTERVAL = timedelta(minutes=1)
_TO_TOUCH = "kutsu_sign_in_to_touch"


def start_session(organiser: Organiser) -> str:
    """A new session for the organiser (in the caller's transaction); its raw id, which
    goes only into the session cookie (Flask-Login keeps organiser.get_id() there)."""
    raw, digest = tokens.new_secret()
    now = clock.now()
    db.session.add(
        SignInSession(hash=digest, organiser_id=organiser.id, created_at=now, last_seen_at=now)
    )
    organiser.sign_in_id = raw
    return raw


def load_organiser(raw: str) -> Organiser | None:
    """Flask-Login's user loader: the organiser of a live session, or None."""
    digest = tokens.digest_of(raw)
    if digest is None:
        return None
    row = db.session.scalar(sa.select(SignInSession).where(SignInSession.hash == digest))
    now = clock.now()
    if row is None or not is_live(row, now) or not row.organiser.active:
        return None
    if now - row.last_seen_at >= TOUCH_INTERVAL:
        _note_seen(row, now)
    row.organiser.sign_in_id = raw
    return row.organiser


def is_live(row: SignInSession, now: datetime) -> bool:
    config = current_app.config
    idle = timedelta(minutes=config["SIGN_IN_IDLE_MINUTES"])
    longest = timedelta(days=config["SIGN_IN_MAX_DAYS"])
    return row.ended_at is None and now < row.last_seen_at + idle and now < row.created_at + longest


def _note_seen(row: SignInSession, now: datetime) -> None:
    if not request.environ.get(READ_ONLY_FLAG):
        row.last_seen_at = now  # a form post writes anyway: with its commit
    else:
        g.setdefault(_TO_TOUCH, row.id)  # a page only reads: after it (touch_after_page)


def touch_after_page(exc: BaseException | None) -> None:
    """After a page that found its session's last_seen_at stale: write it in a short
    transaction of its own, once the page's read has ended (SQLite cannot turn a read
    into a write; a failure here only loses a minute of idle time)."""
    row_id = g.pop(_TO_TOUCH, None)
    if row_id is None or exc is not None:
        return
    try:
        db.session.commit()  # the page's read ends; a page writes nothing
        with writing():
            db.session.execute(
                sa.update(SignInSession)
                .where(SignInSession.id == row_id, SignInSession.ended_at.is_(None))
                .values(last_seen_at=clock.now())
            )
            db.session.commit()
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        log.warning("could not note that sign-in session %s was used", row_id, exc_info=True)


def end_session(raw: str | None) -> None:
    """Signing out: the session's row ends, so its cookie, wherever copied, opens nothing."""
    digest = tokens.digest_of(raw or "")
    if digest is not None:
        _end(SignInSession.hash == digest)


def end_all_sessions(organiser: Organiser) -> None:
    """A new password (or, later, a deactivated account): every session of the account ends."""
    _end(SignInSession.organiser_id == organiser.id)


def end_other_sessions(organiser: Organiser, keep_raw: str | None) -> None:
    """A new password, or "sign out everywhere else": every session but this one ends."""
    keep = tokens.digest_of(keep_raw or "") or ""
    _end(sa.and_(SignInSession.organiser_id == organiser.id, SignInSession.hash != keep))


def _end(condition) -> None:
    db.session.execute(
        sa.update(SignInSession)
        .where(condition, SignInSession.ended_at.is_(None))
        .values(ended_at=clock.now()),
        execution_options={"synchronize_session": False},
    )


def forget_old_sessions(now: datetime, *, dry_run: bool = False) -> int:
    """Retention: sessions unused for SIGN_IN_SESSION_RETENTION_DAYS (ended or expired long
    since; a live one is used within its idle time) are deleted. Returns how many."""
    config = current_app.config
    kept = max(
        timedelta(days=config["SIGN_IN_SESSION_RETENTION_DAYS"]),
        timedelta(minutes=config["SIGN_IN_IDLE_MINUTES"]),
    )
    old = SignInSession.last_seen_at < now - kept
    if dry_run:
        count = sa.select(sa.func.count()).select_from(SignInSession).where(old)
        return db.session.scalar(count) or 0
    return db.session.execute(sa.delete(SignInSession).where(old)).rowcount or 0


def sessions_of(organiser_id: int) -> list[SignInSession]:
    query = sa.select(SignInSession).where(SignInSession.organiser_id == organiser_id)
    return list(db.session.scalars(query.order_by(SignInSession.created_at)))
