"""Normalising what people type, so matching and storage treat equal text as equal."""

import unicodedata

from email_validator import EmailNotValidError, validate_email


def clean_text(value: str | None) -> str:
    """NFC, surrounding whitespace removed."""
    return unicodedata.normalize("NFC", value or "").strip()


def normalise_email(email: str) -> str:
    """The form used to match people: NFC and case-insensitive."""
    return clean_text(email).casefold()


# Directional embeddings, overrides and isolates: in a name they turn the text after it
# around wherever it is shown (an organiser's list, the audit log). The marks a
# right-to-left name may need (U+200E, U+200F) are letters' company, and allowed.
_TEXT_TURNING = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def has_control_characters(value: str, *, multiline: bool = False) -> bool:
    allowed = {"\n", "\r", "\t"} if multiline else set()
    return any(
        (unicodedata.category(ch) == "Cc" and ch not in allowed) or ch in _TEXT_TURNING
        for ch in value
    )


class LettersMailCannotCarry(EmailNotValidError):
    """Letters like ä before the @: a valid address, but Kutsu's mail (SMTP without the
    SMTPUTF8 extension) cannot be sent to it, and the message would only fail later."""

    def __init__(self):
        super().__init__("the address has letters like ä or ö before the @")


def check_mail_can_carry(address: str) -> None:
    """Raise LettersMailCannotCarry for letters beyond ASCII before the @ (a domain's are
    written in ASCII when mail is sent)."""
    if not address.rpartition("@")[0].isascii():
        raise LettersMailCannotCarry


def check_email(address: str) -> None:
    """Raise EmailNotValidError unless mail can be sent to address (LettersMailCannotCarry
    for an address that is right but for its letters)."""
    validate_email(address, check_deliverability=False)
    check_mail_can_carry(address)
