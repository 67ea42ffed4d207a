"""Chinese passport numbers (护照号)."""

from __future__ import annotations

from presidio_analyzer import Pattern

from privacy.recognizers.base import NOT_AFTER_ALNUM, NOT_BEFORE_ALNUM, ContextPatternRecognizer


class CnPassportRecognizer(ContextPatternRecognizer):
    """E + 8 digits and E + letter + 7 digits (current e-passports); older forms need context."""

    ENTITY = "PASSPORT"
    PREFILTER = r"\d{7}"
    PATTERNS = [
        Pattern(
            "cn_passport_e",
            NOT_AFTER_ALNUM + r"E(?:\d{8}|[A-HJ-NP-Z]\d{7})" + NOT_BEFORE_ALNUM,
            0.5,
        ),
        Pattern("cn_passport_g", NOT_AFTER_ALNUM + r"G\d{8}" + NOT_BEFORE_ALNUM, 0.4),
        # Diplomatic, service and public-affairs passports: shapes common in product codes.
        Pattern("cn_passport_dsp", NOT_AFTER_ALNUM + r"(?:DE|SE|PE|[DSP])\d{7,8}" + NOT_BEFORE_ALNUM, 0.2),
    ]
    CONTEXT = ["护照", "护照号", "证件号", "passport"]
