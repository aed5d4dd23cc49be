"""Passwords: argon2 hashes, and whether a new password is good enough to keep.

A new password is refused when zxcvbn (Dropbox's estimator, offline: its lists of common
passwords, words and names, and the patterns people use, such as keyboard walks, repeats,
dates and l33t) rates it guessable, or when it carries the account's own name or address."""

import re
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask_babel import lazy_gettext as _l

MIN_LENGTH = 10
MAX_LENGTH = 200
# zxcvbn's score, 0-4: 3 is "safely unguessable" (about 10^8 guesses) against an attacker
# who is throttled online (app.ratelimits) and slowed offline by argon2.
MIN_SCORE = 3
# zxcvbn's time grows fast with length, and it refuses more than 72 characters; what
# follows the first 72 only adds strength, so the estimate looks at those.
ESTIMATED_LENGTH = 72

TOO_GUESSABLE = _l(
    "This password is too easy to guess: it is a common password or follows a common "
    "pattern. A few unrelated words make a good one."
)
NAMES_THE_ACCOUNT = _l("Do not use your name or email address in the password")

# zxcvbn knows English words and names only: the words a Finnish or Swedish speaker would
# try first are given to it as well (as words of the account's own are).
LOCAL_WORDS = (
    "salasana", "lösenord", "kutsu", "kutsut", "tapahtuma", "yhdistys", "järjestö",
    "suomi", "finland", "helsinki", "tampere", "turku", "oulu", "hämeenlinna",
    "kesä", "talvi", "syksy", "kevät", "sommar", "vinter", "hösten", "våren",
    "tammikuu", "helmikuu", "maaliskuu", "huhtikuu", "toukokuu", "kesäkuu",
    "heinäkuu", "elokuu", "syyskuu", "lokakuu", "marraskuu", "joulukuu",
    "maanantai", "perjantai", "sunnuntai", "kissa", "koira", "aurinko", "rakkaus",
    "perkele", "moikka", "terve", "kiitos", "sisu", "sauna", "hei",
)  # fmt: skip

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether the password matches; with no hash (an unknown address), a dummy one is
    checked, so that both take the same time."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and bool(password_hash)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    return _hasher.check_needs_rehash(password_hash)


@cache
def _dummy_hash() -> str:
    """Made on first use: an argon2 hash takes 64 MiB, which start-up should not pay."""
    return _hasher.hash("kutsu-timing-equaliser")


def weakness(password: str, *, name: str = "", email: str = "") -> str | None:
    """Why a new password should not be used (a message for the person), or None."""
    from zxcvbn import zxcvbn  # 13 MB and 0.1 s: loaded where a password is set, not by all

    own = _own_words(name, email)
    folded = password.casefold()
    if any(word in folded for word in own):
        return str(NAMES_THE_ACCOUNT)
    if zxcvbn(password[:ESTIMATED_LENGTH], user_inputs=[*own, *LOCAL_WORDS])["score"] < MIN_SCORE:
        return str(TOO_GUESSABLE)
    return None


def _own_words(name: str, email: str) -> list[str]:
    """The parts of a name and an address that someone guessing would try first."""
    local, _, domain = email.casefold().partition("@")
    parts = re.split(r"[\W_]+", f"{name.casefold()} {local} {domain.split('.')[0]}")
    return [part for part in {*parts, local} if len(part) >= 4]
