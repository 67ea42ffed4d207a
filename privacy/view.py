"""The detection view: a message as the recognizers should read it, with an exact map back to it.

Customers type numbers the way their keyboard or voice input gives them: full-width digits from a
Chinese IME (`１３９…`, `＠`), Chinese numerals from voice input (`一三九零…`, `幺`, `两`, `壹贰叁`),
and separators anywhere (`139.0001.2345`, `139 00 01 23 45`, `(135)12345678`, a line break pasted
from a form). Recognizers written for `13900012345` would miss all of these, so detection runs on a
view where:

- every character is NFKC-normalised (full-width → ASCII);
- inside a run of at least seven digit-like characters, Chinese numerals become digits;
- separators between the digit groups of such a run are dropped where the joined digits have the
  shape of a personal number (an 18-character ID with a birth date, a Luhn-valid card, a mobile,
  a landline, a 12–25 digit account), so `139 0001 2345` reads `13900012345` but two numbers
  written side by side (`ID 手机`) stay two numbers.

Every view character remembers the original characters it came from, so a span found in the
view is replaced in the original text, separators and all. Dates (`2024-03-15`) and decimals
(`12345678.90`) are never joined. Check digits (GB 11643, Luhn) still decide validity, in the
recognizers.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import regex as re

from privacy.recognizers.checksums import luhn_valid, plausible_birth_date

CHINESE_DIGITS = {
    "零": "0", "〇": "0", "○": "0", "一": "1", "幺": "1", "壹": "1", "二": "2", "两": "2", "贰": "2",
    "三": "3", "叁": "3", "四": "4", "肆": "4", "五": "5", "伍": "5", "六": "6", "陆": "6",
    "七": "7", "柒": "7", "八": "8", "捌": "8", "九": "9", "玖": "9",
}  # fmt: skip
_DIGIT = "[0-9" + "".join(CHINESE_DIGITS) + "]"
_SEP = r"[ \t\r\n\u00a0.\-–—_/\\()\[\]【】·•]"
# Digit groups joined by up to three separator characters, an ID's X check character at the end.
_CANDIDATE = re.compile(rf"{_DIGIT}+(?:{_SEP}{{1,3}}{_DIGIT}+)*(?:[Xx](?![A-Za-z]))?")
_GROUP = re.compile(rf"{_DIGIT}+(?:[Xx](?![A-Za-z]))?")
# Never joined: dates, times and decimals (an amount's cents are not the end of a phone number).
_PROTECTED = re.compile(
    r"(?<!\d)(?:19|20)\d{2}(?:[-/.]\d{1,2}[-/.]\d{1,2}|年\d{1,2}月\d{1,2}日?)(?!\d)"
    r"|(?<!\d)\d{1,2}[-/.]\d{1,2}[-/.](?:19|20)\d{2}(?!\d)"
    r"|(?<!\d)\d{1,2}:\d{2}(?::\d{2})?(?!\d)"
    r"|(?<![\d.])\d+\.\d{1,2}(?!\d|\.\d)"  # a full stop after the cents ends the sentence
)
MIN_DIGITS = 7


@lru_cache(maxsize=4096)
def _nfkc(char: str) -> str:
    return unicodedata.normalize("NFKC", char)


def _strong_shape(digits: str) -> bool:
    """Joined digit groups that read as one personal number."""
    n = len(digits)
    body = digits[:-1] if digits[-1:] in "Xx" else digits
    if not body.isdecimal():
        return False
    if n == 18:
        return plausible_birth_date(digits[6:14]) or (body == digits and luhn_valid(digits))
    if body != digits:
        return False
    if n == 15 and plausible_birth_date("19" + digits[6:12]):
        return True
    if 16 <= n <= 19 and digits[0] != "0" and luhn_valid(digits):
        return True
    if n == 11 and digits[0] == "1" and digits[1] in "3456789":
        return True
    return False


def _kept_as_written(values: list[str], seps: list[str]) -> bool:
    """Shapes the recognizers read with their separators: a landline after its area code
    ("0755 1234 5678", "(021)12345678") and 400/800 hotlines, which are not personal."""
    digits = "".join(values)
    if digits[:3] in ("400", "800") and len(digits) == 10:
        return True
    plain = all(set(sep) <= set(" -()") for sep in seps)
    return plain and 10 <= len(digits) <= 12 and values[0][:1] == "0" and 3 <= len(values[0]) <= 4

def _weak_shape(digits: str) -> bool:
    """A bank account (not a card, or a mistyped card) has 12 to 25 digits; a landline without its
    area code 7 or 8."""
    n = len(digits)
    return digits.isdecimal() and (12 <= n <= 25 or (n in (7, 8) and digits[0] in "23456789"))


@dataclass(frozen=True)
class DetectionView:
    """`text` is what recognizers read; `origin[i]` is the original index of view character i."""

    original: str
    text: str
    origin: tuple[int, ...]

    @classmethod
    def of(cls, original: str) -> DetectionView:
        return _build(original)

    def to_original(self, start: int, end: int) -> tuple[int, int]:
        """The original span a view span came from (separators dropped inside it included)."""
        if start >= end:
            at = self.origin[start] if start < len(self.origin) else len(self.original)
            return at, at
        return self.origin[start], self.origin[end - 1] + 1

    def to_view(self, start: int, end: int) -> tuple[int, int]:
        """The smallest view span covering original span [start, end) (for known spans)."""
        first = next((i for i, o in enumerate(self.origin) if o >= start), len(self.origin))
        last = next((i for i in range(len(self.origin) - 1, -1, -1) if self.origin[i] < end), first - 1)
        return first, last + 1


def _build(original: str) -> DetectionView:
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(original):
        normal = char if char.isascii() else _nfkc(char)
        for out in normal:
            chars.append(out)
            origin.append(index)
    nfkc = "".join(chars)
    drop, digit_at = _number_edits(nfkc)
    if not drop and not digit_at:
        return DetectionView(original, nfkc, tuple(origin))
    text: list[str] = []
    mapped: list[int] = []
    for i, char in enumerate(chars):
        if i in drop:
            continue
        text.append(digit_at.get(i, char))
        mapped.append(origin[i])
    return DetectionView(original, "".join(text), tuple(mapped))


def _number_edits(nfkc: str) -> tuple[set[int], dict[int, str]]:
    """Separator positions to drop and Chinese numerals to turn into digits, in NFKC coordinates."""
    shadow = _PROTECTED.sub(lambda m: "\x00" * len(m.group()), nfkc) if _has_digit(nfkc) else nfkc
    drop: set[int] = set()
    digit_at: dict[int, str] = {}
    for candidate in _CANDIDATE.finditer(shadow):
        groups = [(m.start() + candidate.start(), m.end() + candidate.start()) for m in _GROUP.finditer(
            candidate.group()
        )]
        values = ["".join(CHINESE_DIGITS.get(c, c) for c in nfkc[s:e]) for s, e in groups]
        if sum(len(v) for v in values) < MIN_DIGITS:
            continue
        for start, end in groups:
            for i in range(start, end):
                if nfkc[i] in CHINESE_DIGITS:
                    digit_at[i] = CHINESE_DIGITS[nfkc[i]]
        seps = [nfkc[end:next_start] for (_, end), (next_start, _) in zip(groups, groups[1:], strict=False)]
        for first, last in _segments(values, seps):
            gaps = zip(groups[first:last], groups[first + 1 : last + 1], strict=True)
            for (_, gap_start), (gap_end, _) in gaps:
                drop.update(range(gap_start, gap_end))
    return drop, digit_at


def _has_digit(text: str) -> bool:
    return any(c.isdigit() for c in text)


def _segments(values: list[str], seps: list[str]) -> list[tuple[int, int]]:
    """Runs of groups (first, last index) to join: a group that is a number on its own stays alone,
    and so does a country code before one; otherwise the longest run with a personal number's
    shape wins, accounts last."""
    joined: list[tuple[int, int]] = []
    i = 0
    while i < len(values):
        alone = _strong_shape(values[i]) and len(values[i]) >= 11
        country = values[i] in ("86", "0086") and i + 1 < len(values) and _strong_shape(values[i + 1])
        if alone or country:
            i += 1
            continue
        kept = next(
            (j for j in range(len(values) - 1, i, -1) if _kept_as_written(values[i : j + 1], seps[i:j])), None
        )
        if kept is not None:
            i = kept + 1
            continue
        found = next(
            (j for j in range(len(values) - 1, i, -1) if _strong_shape("".join(values[i : j + 1]))), None
        )
        if found is None:
            found = next(
                (j for j in range(len(values) - 1, i, -1) if _weak_shape("".join(values[i : j + 1]))), None
            )
        if found is None:
            i += 1
            continue
        joined.append((i, found))
        i = found + 1
    return joined
