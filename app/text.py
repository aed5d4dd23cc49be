"""Normalising what people type, so matching and storage treat equal text as equal."""

import unicodedata


def clean_text(value: str | None) -> str:
    """NFC, surrounding whitespace removed."""
    return unicodedata.normalize("NFC", value or "").strip()


def normalise_email(email: str) -> str:
    """The form used to match people: NFC and case-insensitive."""
    return clean_text(email).casefold()


def has_control_characters(value: str, *, multiline: bool = False) -> bool:
    allowed = {"\n", "\r", "\t"} if multiline else set()
    return any(unicodedata.category(ch) == "Cc" and ch not in allowed for ch in value)
