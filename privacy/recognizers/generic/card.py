"""Card numbers of the international schemes with 12–15 digits (Amex, Diners, JCB, Maestro, old Visa)."""

from __future__ import annotations

from presidio_analyzer import Pattern

from privacy.recognizers.base import NOT_AFTER_ALNUM, NOT_BEFORE_ALNUM, ContextPatternRecognizer
from privacy.recognizers.checksums import digits_only, luhn_valid

# Issuer prefixes by length: without them a Luhn-valid 12–15 digit number is one number in ten.
_PREFIXES = {
    12: ("50", "56", "57", "58", "6304", "6759", "676"),
    13: ("4", "50", "56", "57", "58", "6304", "6759"),
    14: ("300", "301", "302", "303", "304", "305", "36", "38", "50", "56", "57", "58"),
    15: ("34", "37", "1800", "2131", "50", "56", "57", "58", "6304", "6759"),
}


class ShortCardRecognizer(ContextPatternRecognizer):
    ENTITY = "BANK_CARD"
    PREFILTER = r"\d{12}"
    PATTERNS = [Pattern("card_12_15", NOT_AFTER_ALNUM + r"[1-9]\d{11,14}" + NOT_BEFORE_ALNUM, 0.3)]
    CONTEXT = ["card", "credit", "visa", "amex", "mastercard", "卡号", "信用卡"]

    def validate_result(self, pattern_text: str) -> bool:
        number = digits_only(pattern_text)
        return number.startswith(_PREFIXES.get(len(number), ())) and luhn_valid(number)
