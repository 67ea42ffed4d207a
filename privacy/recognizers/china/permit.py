"""Travel permits: 港澳通行证, 往来台湾通行证, 回乡证 (Home Return Permit) and 台胞证."""

from __future__ import annotations

from presidio_analyzer import Pattern

from privacy.recognizers.base import (
    NOT_AFTER_ALNUM,
    NOT_BEFORE_ALNUM,
    ContextPatternRecognizer,
    after_words,
)

_WORDS = r"通行证|回乡证|台胞证|港澳证|台湾证|permit"


class TravelPermitRecognizer(ContextPatternRecognizer):
    """Letter-prefixed numbers are common product codes too: alone they score under the threshold."""

    ENTITY = "TRAVEL_PERMIT"
    PREFILTER = r"\d{7}"
    PATTERNS = [
        # 港澳通行证: C + 8 digits (electronic) or C + letter + 7 digits; older W + 8 digits.
        Pattern(
            "hk_macau_pass", NOT_AFTER_ALNUM + r"(?:C[0-9A-HJ-NP-Z]\d{7}|W\d{8})" + NOT_BEFORE_ALNUM, 0.3
        ),
        # 往来台湾通行证: L + 8 digits; 回乡证: H/M + 8 (or 10) digits.
        Pattern(
            "tw_pass_home_return", NOT_AFTER_ALNUM + r"(?:L\d{8}|[HM]\d{8}(?:\d{2})?)" + NOT_BEFORE_ALNUM, 0.3
        ),
        # 台胞证: 8 digits (since 2015) or the older 10-character form, only after the word.
        Pattern(
            "after_word",
            after_words(_WORDS, r"[^\w\n]{0,3}?(?:号码?)?[\s:：是为]{0,3}")
            + r"[A-Z0-9]{8,11}(?:\([A-Z0-9]\))?"
            + NOT_BEFORE_ALNUM,
            0.75,
        ),
    ]
    CONTEXT = ["通行证", "回乡证", "台胞证", "港澳", "台湾", "permit"]
