"""Alphabetical order as Finns and Finland-Swedes read it: å, ä and ö after z.

Python's own order puts ä before å and any accented letter after z; SQLite's lower() and
ORDER BY know nothing of either. This follows the Finnish and Swedish rules of the Unicode
collation data (CLDR) closely enough for lists of names: å, ä, ö are letters of their own
after z; æ sorts as ä, ø as ö, ü as y; other accents (é, š, ž) sort as their base letter.
"""

import unicodedata

_AFTER_Z = {"å": "{", "ä": "|", "æ": "|", "ö": "}", "ø": "}", "ü": "y"}  # { | } follow z


def alphabetical_key(text: str) -> tuple[str, str]:
    """Sorts text alphabetically; equal letters in a different case or accent stay stable."""
    folded = unicodedata.normalize("NFC", text).casefold()
    letters = []
    for char in folded:
        if char in _AFTER_Z:
            letters.append(_AFTER_Z[char])
        else:
            base = unicodedata.normalize("NFD", char)[0]
            letters.append(base)
    return "".join(letters), folded


def surname_first_key(name: str) -> tuple:
    """A person's name in the order a door list is read: surname, then first names.

    A simple rule, right for most names people give: the last word is the surname
    ("Anna-Liisa Lehtinen" under L, "Ville van der Berg" under B)."""
    words = name.split()
    if not words:
        return alphabetical_key(""), alphabetical_key("")
    return alphabetical_key(words[-1]), alphabetical_key(" ".join(words[:-1]))
