"""Two-step sign-in: a TOTP code from an authenticator app after the password, or one of
ten single-use recovery codes; and who an admin requires to use it."""

import hashlib
import re
import secrets
import unicodedata
from datetime import datetime

import pyotp
import segno
import sqlalchemy as sa
from markupsafe import Markup

from app import clock
from app.extensions import db
from app.models import EventOrganiser, Organiser, OrganiserRole, Question, RecoveryCode
from app.models.accounts import SiteSettings

ISSUER = "Kutsu"
STEP_SECONDS = 30
# A code of the step before or after is taken too: phones' clocks are often a little off.
STEPS_ALLOWED = (-1, 0, 1)
RECOVERY_CODES = 10
# 10 characters of 31 (no 0/o, 1/l/i): 49 bits each, against online guessing that is
# rate-limited as passwords are.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_CODE = re.compile(r"[0-9]{6}")


# --- turning it on and off -----------------------------------------------------------------


def start_setup(organiser: Organiser) -> None:
    """A new secret, not yet in use: it takes effect when a code from it is given."""
    if not organiser.has_two_step:
        organiser.totp_secret = pyotp.random_base32()
        organiser.totp_last_step = None


def provisioning_uri(organiser: Organiser) -> str:
    return pyotp.TOTP(organiser.totp_secret).provisioning_uri(
        name=organiser.email, issuer_name=ISSUER
    )


def qr_code_svg(organiser: Organiser) -> Markup:
    """The secret as a QR code, an inline SVG made here: no script, no outside service."""
    qr = segno.make(provisioning_uri(organiser), error="m")
    # segno writes only paths of its own making, no text of ours: safe as it is.
    return Markup(qr.svg_inline(omitsize=True, border=4, dark="#0b0c0c", light="#ffffff"))  # noqa: S704


def grouped_secret(organiser: Organiser) -> str:
    """The secret for typing in by hand, in groups of four."""
    secret = organiser.totp_secret or ""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def finish_setup(organiser: Organiser, code: str) -> list[str] | None:
    """Turn two-step sign-in on, if the code is from the new secret; its recovery codes
    (raw, to show once), or None for a wrong code."""
    if organiser.has_two_step or not organiser.totp_secret or not accept_code(organiser, code):
        return None
    organiser.two_step_since = clock.now()
    return new_recovery_codes(organiser)


def turn_off(organiser: Organiser) -> None:
    """Off, by the person or (reset) by an admin: secret and recovery codes go."""
    organiser.totp_secret = None
    organiser.totp_last_step = None
    organiser.two_step_since = None
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.organiser_id == organiser.id))


# --- codes ---------------------------------------------------------------------------------


def current_step(now: datetime | None = None) -> int:
    return int((now or clock.now()).timestamp()) // STEP_SECONDS


def accept_code(organiser: Organiser, code: str) -> bool:
    """Whether the code is right for now and not used before. A code taken is spent: the
    last step used is stored, and a code of that step or before is refused, even when two
    requests bring it at once (the update is conditional)."""
    code = app_code(code)
    if not _CODE.fullmatch(code) or not organiser.totp_secret:
        return False
    totp = pyotp.TOTP(organiser.totp_secret)
    now = current_step()
    for step in (now + offset for offset in STEPS_ALLOWED):
        if secrets.compare_digest(totp.at(step * STEP_SECONDS), code):
            return _spend_step(organiser, step)
    return False


def app_code(code: str | None) -> str:
    """The code without spaces, its digits as 0-9: a phone's keyboard may write Arabic-Indic
    or full-width digits, which mean the same, and compare_digest refuses text beyond ASCII
    (such a code was a 500)."""
    spaceless = re.sub(r"\s", "", code or "")
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in spaceless)


def _spend_step(organiser: Organiser, step: int) -> bool:
    spent = db.session.execute(
        sa.update(Organiser)
        .where(
            Organiser.id == organiser.id,
            sa.or_(Organiser.totp_last_step.is_(None), Organiser.totp_last_step < step),
        )
        .values(totp_last_step=step),
        execution_options={"synchronize_session": False},
    )
    if spent.rowcount != 1:
        return False
    organiser.totp_last_step = step
    return True


def _recovery_digest(code: str) -> str:
    normal = re.sub(r"[\s-]", "", code or "").casefold()
    return hashlib.sha256(normal.encode()).hexdigest()


def new_recovery_codes(organiser: Organiser) -> list[str]:
    """Ten new codes (the old ones end); only their SHA-256 is kept."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.organiser_id == organiser.id))
    codes = []
    for _ in range(RECOVERY_CODES):
        raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(10))
        code = f"{raw[:5]}-{raw[5:]}"
        codes.append(code)
        db.session.add(RecoveryCode(organiser_id=organiser.id, hash=_recovery_digest(code)))
    return codes


def use_recovery_code(organiser: Organiser, code: str) -> bool:
    """Whether the code is one of the account's unused ones; it is then used up."""
    if len(code or "") > 40:
        return False
    used = db.session.execute(
        sa.update(RecoveryCode)
        .where(
            RecoveryCode.organiser_id == organiser.id,
            RecoveryCode.hash == _recovery_digest(code),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=clock.now()),
        execution_options={"synchronize_session": False},
    )
    return used.rowcount == 1


def recovery_codes_left(organiser: Organiser) -> int:
    query = sa.select(sa.func.count()).where(
        RecoveryCode.organiser_id == organiser.id, RecoveryCode.used_at.is_(None)
    )
    return db.session.scalar(query) or 0


def check_second_step(organiser: Organiser, code: str) -> str | None:
    """What the person gave, if right: "code" (from the app) or "recovery"; else None."""
    if _CODE.fullmatch(app_code(code)):
        return "code" if accept_code(organiser, code) else None
    return "recovery" if use_recovery_code(organiser, code) else None


# --- required by an admin ------------------------------------------------------------------


def site_settings() -> SiteSettings:
    """The settings row, or the defaults (nothing required) before any was saved."""
    return db.session.get(SiteSettings, 1) or SiteSettings(
        id=1, require_two_step_admins=False, require_two_step_sensitive=False
    )


def set_requirement(*, admins: bool, sensitive: bool) -> SiteSettings:
    settings = db.session.get(SiteSettings, 1)
    if settings is None:
        settings = SiteSettings(id=1)
        db.session.add(settings)
    settings.require_two_step_admins = admins
    settings.require_two_step_sensitive = sensitive
    settings.updated_at = clock.now()
    return settings


def organises_sensitive_event(organiser: Organiser) -> bool:
    """Owner or co-organiser of an event that asks a sensitive question."""
    query = (
        sa.select(EventOrganiser.event_id)
        .join(Question, Question.event_id == EventOrganiser.event_id)
        .where(
            EventOrganiser.organiser_id == organiser.id,
            EventOrganiser.role != OrganiserRole.HELPER,
            Question.sensitive.is_(True),
        )
        .limit(1)
    )
    return db.session.scalar(query) is not None


def two_step_required(organiser: Organiser) -> bool:
    settings = site_settings()
    if settings.require_two_step_admins and organiser.is_admin:
        return True
    return settings.require_two_step_sensitive and organises_sensitive_event(organiser)
