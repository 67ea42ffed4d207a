"""Mainland China phone numbers: mobiles and landlines, with the ways people write them."""

from __future__ import annotations

from presidio_analyzer import Pattern

from privacy.guard import is_date_digits
from privacy.recognizers.base import (
    NOT_AFTER_ALNUM,
    NOT_BEFORE_ALNUM,
    REFERENCE_NUMBER_CONTEXT,
    ContextPatternRecognizer,
)

_COUNTRY = r"(?:(?:\+|00)\s?86|\(\+?86\)|86)[ \-]?"
# Area codes: 010 and 02x have three digits, the rest four (0[3-9]xx). 400/800 service
# numbers never start with 0, so bank hotlines are not matched.
_AREA = r"(?:10|2\d|[3-9]\d{2})"
_EXTENSION = r"(?:(?:转|分机|-|\s?(?:ext\.?|x)\s?)\d{1,5})?"


class CnPhoneRecognizer(ContextPatternRecognizer):
    """Personal phone numbers; 400/800 hotlines and short service numbers are not personal."""

    ENTITY = "PHONE_NUMBER"
    PREFILTER = r"\d{3}"
    PATTERNS = [
        Pattern(
            "cn_mobile",
            NOT_AFTER_ALNUM + rf"(?:{_COUNTRY})?1[3-9]\d(?:[ \-]?\d{{4}}){{2}}" + NOT_BEFORE_ALNUM,
            0.75,
        ),
        Pattern(
            "cn_landline_separated",
            NOT_AFTER_ALNUM
            + rf"(?:\(0{_AREA}\)\s?|0{_AREA}[ \-])\d{{3,4}}[ \-]?\d{{4}}{_EXTENSION}"
            + NOT_BEFORE_ALNUM,
            0.6,
        ),
        Pattern(
            "cn_landline_international",
            NOT_AFTER_ALNUM
            + rf"(?:\+|00)\s?86[ \-]?\(?0?(?!400|800){_AREA}\)?[ \-]?\d{{3,4}}[ \-]?\d{{4}}{_EXTENSION}"
            + NOT_BEFORE_ALNUM,
            0.6,
        ),
        # Eleven or twelve digits starting with 0 could be many things: needs context.
        Pattern("cn_landline_plain", NOT_AFTER_ALNUM + rf"0{_AREA}\d{{7,8}}" + NOT_BEFORE_ALNUM, 0.35),
        # A local number without its area code ("6543 2109"): only with a phone word near it.
        Pattern("cn_landline_local", NOT_AFTER_ALNUM + r"[2-9]\d{6,7}" + NOT_BEFORE_ALNUM, 0.2),
    ]
    CONTEXT = [
        "电话", "手机", "联系", "号码", "座机", "致电", "打给", "回电", "来电", "微信",
        "phone", "mobile", "tel", "call",
    ]  # fmt: skip
    NEGATIVE_CONTEXT = REFERENCE_NUMBER_CONTEXT

    def invalidate_result(self, pattern_text: str) -> bool:
        """Eight digits that are a date ("王先生20240711来电") are the date, even next to 来电."""
        return len(pattern_text) == 8 and is_date_digits(pattern_text)
