"""Cleaning text that residents type, before it is checked or stored.

Text is kept as text: markup is escaped when shown, never removed here. What goes is what
no person means to type and what could break storage or display: NUL and other control
characters, and the bidirectional override characters that can make text look different
from what it is (CVE-2021-42574, "Trojan Source").
"""

import re
import unicodedata

# C0 and C1 controls except tab and newline; bidi embeddings, overrides and isolates.
_UNWANTED = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
REPLACEMENT_CHARACTER = "\ufffd"


def clean(value):
    """The text with line ends unified, unwanted characters removed and outer space trimmed.

    Anything that is not a string (a number a field already converted, None) passes as is.
    """
    if not isinstance(value, str):
        return value
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _UNWANTED.sub("", value)
    return unicodedata.normalize("NFC", value).strip()


def has_undecodable_bytes(value: str | None) -> bool:
    """True when the browser sent bytes that were not UTF-8 (decoded as U+FFFD)."""
    return bool(value) and REPLACEMENT_CHARACTER in value
