"""Receipt codes (volgcodes): short, easy to type, unguessable, with a check character.

A code is 11 random characters and 1 check character from Crockford's base-32 alphabet
(no I, L, O or U, so nothing looks alike), shown in groups of four: `7KQM-3XRD-9HWP`.
That is 55 random bits: far beyond guessing, also at the lookup's rate limit. The check
character (Luhn mod 32) catches every single mistyped character and almost every swap of
two neighbours, so a typo is reported as a typo, not as "unknown code".
"""

import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
RANDOM_LENGTH = 11
CODE_LENGTH = RANDOM_LENGTH + 1
_VALUE = {char: index for index, char in enumerate(ALPHABET)}
# Characters people type for ones that are not in the alphabet (Crockford's decoding).
_LOOKALIKES = str.maketrans({"O": "0", "I": "1", "L": "1", "U": "V"})
_SEPARATORS = str.maketrans("", "", " -_.\u00a0\t")


class InvalidCode(ValueError):
    """The text is not a well-formed code: wrong length, foreign characters or a typo."""


def check_character(payload: str) -> str:
    """The Luhn mod 32 check character for `payload`."""
    total = 0
    factor = 2
    for char in reversed(payload):
        addend = factor * _VALUE[char]
        total += addend // 32 + addend % 32
        factor = 1 if factor == 2 else 2
    return ALPHABET[(32 - total % 32) % 32]


def is_valid(code: str) -> bool:
    return (
        len(code) == CODE_LENGTH
        and all(char in _VALUE for char in code)
        and check_character(code[:-1]) == code[-1]
    )


def new_code() -> str:
    """A fresh random code in its canonical form (no separators)."""
    payload = "".join(secrets.choice(ALPHABET) for _ in range(RANDOM_LENGTH))
    return payload + check_character(payload)


def normalise(text: str) -> str:
    """The canonical form of what a person typed, or InvalidCode if it cannot be a code."""
    code = text.upper().translate(_SEPARATORS).translate(_LOOKALIKES)
    if len(code) != CODE_LENGTH or any(char not in _VALUE for char in code):
        raise InvalidCode(text)
    if check_character(code[:-1]) != code[-1]:
        raise InvalidCode(text)
    return code


def display(code: str) -> str:
    """The code as people read it: groups of four, joined by hyphens."""
    return "-".join(code[i : i + 4] for i in range(0, len(code), 4))
