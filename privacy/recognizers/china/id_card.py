"""Chinese resident identity card numbers (居民身份证号码)."""

from __future__ import annotations

from presidio_analyzer import Pattern, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from privacy.recognizers.base import (
    NOT_AFTER_ALNUM,
    NOT_BEFORE_ALNUM,
    REFERENCE_NUMBER_CONTEXT,
    ContextPatternRecognizer,
)
from privacy.recognizers.checksums import gb11643_valid, plausible_birth_date

# Weak by design: an ID-shaped number that fails its checksum is only redacted when context
# words lift it over the threshold (customers mistype their ID; an order number is not an ID).
_UNVALIDATED_18 = 0.3
_LEGACY_15 = 0.5
# A checksum failure with a real birth date and a real province code is a mistyped ID, not an order
# number: measured on generated order numbers, transaction references and dates (evals.privacy), the
# two checks together flag about 0.3 % of random 18-digit numbers and no date or amount.
_MISTYPED = 0.55
_PROVINCES = frozenset(
    "11 12 13 14 15 21 22 23 31 32 33 34 35 36 37 41 42 43 44 45 46 50 51 52 53 54 61 62 63 64 65 71 81 82 83"
    .split()
)


def plausible_id_shape(number: str) -> bool:
    """Province code, a non-zero city code and a birth date where an ID has them."""
    return number[:2] in _PROVINCES and number[2:4] != "00" and plausible_birth_date(number[6:14])


class CnIdCardRecognizer(ContextPatternRecognizer):
    """18-digit IDs (GB 11643 check digit, birth date) and the legacy 15-digit form."""

    ENTITY = "CN_ID_CARD"
    PREFILTER = r"\d{15}"
    PATTERNS = [
        Pattern(
            "cn_id_18",
            NOT_AFTER_ALNUM + r"[1-9]\d{5}(?:19|20)\d{9}[\dXx]" + NOT_BEFORE_ALNUM,
            _UNVALIDATED_18,
        ),
        Pattern(
            "cn_id_15",
            NOT_AFTER_ALNUM + r"[1-9]\d{7}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}" + NOT_BEFORE_ALNUM,
            _LEGACY_15,
        ),
    ]
    CONTEXT = ["身份证", "身份证号", "证件号", "证件号码", "居民身份", "id", "id card", "identity"]
    NEGATIVE_CONTEXT = REFERENCE_NUMBER_CONTEXT

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        results = super().analyze(text, entities, nlp_artifacts, regex_flags)
        for result in results:
            value = text[result.start : result.end]
            if len(value) == 18 and result.score < _MISTYPED and plausible_id_shape(value):
                result.score = _MISTYPED
        return results

    def validate_result(self, pattern_text: str) -> bool | None:
        """True (score 1.0) for a valid ID; None keeps the low pattern score for context to lift."""
        if len(pattern_text) == 18:
            valid = gb11643_valid(pattern_text) and plausible_birth_date(pattern_text[6:14])
            return True if valid else None
        # 15-digit form: no check digit; a two-digit year from the 1900s.
        return None if plausible_birth_date("19" + pattern_text[6:12]) else False
