"""Passports of any country (US/UK 9 digits, letters + digits): only right after a passport word."""

from __future__ import annotations

from presidio_analyzer import Pattern

from privacy.recognizers.base import NOT_BEFORE_ALNUM, ContextPatternRecognizer, after_words

_WORDS = r"护照(?:号码?)?|passport(?:\s?(?:number|no\.?|#))?"


class PassportRecognizer(ContextPatternRecognizer):
    """Chinese e-passports have their own shape rules (`china.passport`); this covers the rest."""

    ENTITY = "PASSPORT"
    PREFILTER = r"\d{5}"
    PATTERNS = [
        Pattern(
            "passport_after_word",
            after_words(_WORDS, r"[\s:：#是为]{0,3}")
            + r"(?=[A-Z0-9]*\d)[A-Z]{0,2}\d?[A-Z0-9]{5,9}"
            + NOT_BEFORE_ALNUM,
            0.7,
        )
    ]
    CONTEXT = ["护照", "passport"]
