"""Check digits and date plausibility shared by the number recognizers (and their tests)."""

from __future__ import annotations

from datetime import date

_GB11643_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_GB11643_CHECK = "10X98765432"


def digits_only(text: str) -> str:
    """Drop separators a customer may type (spaces, dashes), keeping the digits."""
    return "".join(ch for ch in text if ch.isdecimal())


def gb11643_check_char(first17: str) -> str:
    """The 18th character of a resident ID (GB 11643-1999, ISO 7064 MOD 11-2)."""
    total = sum(int(d) * w for d, w in zip(first17, _GB11643_WEIGHTS, strict=True))
    return _GB11643_CHECK[total % 11]


def gb11643_valid(id18: str) -> bool:
    if len(id18) != 18 or not id18[:17].isdecimal():
        return False
    return gb11643_check_char(id18[:17]) == id18[17].upper()


def plausible_birth_date(yyyymmdd: str, today: date | None = None) -> bool:
    """A real calendar date, not in the future, at most 120 years ago."""
    today = today or date.today()
    try:
        born = date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return today.year - 120 <= born.year and born <= today


def luhn_valid(number: str) -> bool:
    if not number.isdecimal():
        return False
    total = 0
    for i, ch in enumerate(reversed(number)):
        d = int(ch)
        if i % 2 == 1:
            d = d * 2 - 9 if d > 4 else d * 2
        total += d
    return total % 10 == 0
