"""Bank card numbers (银行卡号): 16–19 digits, written plain or in groups."""

from __future__ import annotations

from presidio_analyzer import Pattern

from privacy.recognizers.base import (
    NOT_AFTER_ALNUM,
    NOT_BEFORE_ALNUM,
    REFERENCE_NUMBER_CONTEXT,
    ContextPatternRecognizer,
)
from privacy.recognizers.checksums import digits_only, luhn_valid, plausible_birth_date

# A Luhn failure near 卡号 is a mistyped card; without context it is just a long number.
_UNVALIDATED = 0.3


class BankCardRecognizer(ContextPatternRecognizer):
    """Luhn-valid card numbers; Luhn failures only with card context. No card starts with 0."""

    ENTITY = "BANK_CARD"
    PREFILTER = r"\d{12}"
    PATTERNS = [
        Pattern("card_plain", NOT_AFTER_ALNUM + r"[1-9]\d{15,18}" + NOT_BEFORE_ALNUM, _UNVALIDATED),
        Pattern(
            "card_groups_of_4",
            NOT_AFTER_ALNUM + r"[1-9]\d{3}(?:[ \-]\d{4}){3}(?:[ \-]?\d{1,3})?" + NOT_BEFORE_ALNUM,
            _UNVALIDATED,
        ),
        Pattern("card_6_13", NOT_AFTER_ALNUM + r"[1-9]\d{5}[ \-]\d{10,13}" + NOT_BEFORE_ALNUM, _UNVALIDATED),
    ]
    CONTEXT = [
        "卡号", "银行卡", "信用卡", "储蓄卡", "借记卡", "尾号", "账号", "帐号", "卡",
        "card number", "card no", "card", "account number",
    ]  # fmt: skip
    NEGATIVE_CONTEXT = REFERENCE_NUMBER_CONTEXT

    def validate_result(self, pattern_text: str) -> bool | None:
        """True (score 1.0) when Luhn passes; None keeps the low score for context to lift."""
        number = digits_only(pattern_text)
        if not 16 <= len(number) <= 19 or len(set(number)) == 1:
            return False
        if len(number) == 18 and plausible_birth_date(number[6:14]):
            # Shaped like a resident ID (birth date at 7-14): a mistyped ID passes Luhn one time in ten,
            # and 18-digit cards are rare, so it takes card context to call it a card.
            return None
        return True if luhn_valid(number) else None
