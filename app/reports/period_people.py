"""Who a report may still count after the retention purge: one person once, named by no one.

The purge erases a registration's address; just before, it keeps a keyed hash of the
normalised address in Registration.person_key (HMAC-SHA256, its key derived from the
app's SECRET_KEY and a fixed label). A period's report makes the same hash of a live
row's address, so a person counts once across purged and unpurged events. Without the
SECRET_KEY the hash cannot be tested against a guessed address; a changed SECRET_KEY
starts new keys (people before and after the change count apart).

The organisation and the person's region are kept by the purge too (the funder's counts
per organisation and region); a person's own erasure request blanks all three.
"""

import hashlib
import hmac
from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app

from app.extensions import db
from app.models import Registration

_LABEL = b"kutsu person key for period reports, v1"
# An address erased (app.privacy): "erased-<id>", not an address at all.
ERASED = "erased-"


def person_key_secret() -> bytes:
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret, _LABEL, hashlib.sha256).digest()


def person_key(address: str, secret: bytes) -> str:
    """The keyed hash of a normalised address; "" for no address (or an erased one)."""
    if not address or address.startswith(ERASED):
        return ""
    return hmac.digest(secret, address.encode(), "sha256").hex()


def keep_person_keys(event_id: int) -> None:
    """Before the purge erases the event's addresses: each registration's person key."""
    secret = person_key_secret()
    rows = db.session.execute(
        sa.select(Registration.id, Registration.email_normalised).where(
            Registration.event_id == event_id
        )
    )
    keys = [
        {"id": id_, "person_key": key}
        for id_, address in rows
        if (key := person_key(address, secret))
    ]
    if keys:
        db.session.execute(sa.update(Registration), keys)


def forget_report_traces(address: str, registration_ids: Iterable[int]) -> None:
    """A person's own erasure: nothing kept for reports ties them to anything, also at
    events already purged (found by the key of their address)."""
    key = person_key(address, person_key_secret())
    theirs = Registration.id.in_(list(registration_ids))
    if key:
        theirs = sa.or_(theirs, Registration.person_key == key)
    db.session.execute(
        sa.update(Registration).where(theirs).values(person_key="", organisation="", region=""),
        execution_options={"synchronize_session": False},
    )


def people_counted(rows: Iterable[tuple[int, str, str, str]], fold) -> tuple[int, dict[str, int]]:
    """Distinct people among (id, person_key, email_normalised, organisation) rows: in all,
    and per organisation (by fold(organisation); "" is none given). A row with neither key
    nor address (someone added without one, or erased) is a person of its own. Each
    address is hashed once, however many rows have it."""
    secret = person_key_secret()
    everyone: set[str] = set()
    by_organisation: dict[str, set[str]] = {}
    folded: dict[str, str] = {}
    hashed: dict[str, str] = {}
    for id_, kept, address, organisation in rows:
        key = kept or hashed.get(address)
        if not key:
            key = hashed[address] = person_key(address, secret)
        if not key:  # no address: not cached, "" is everyone's without one
            key = f"#{id_}"
        everyone.add(key)
        if (name := folded.get(organisation)) is None:
            name = folded[organisation] = fold(organisation)
        by_organisation.setdefault(name, set()).add(key)
    return len(everyone), {name: len(keys) for name, keys in by_organisation.items()}
