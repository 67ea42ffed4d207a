"""QQ numbers: 5–12 digits, only right after QQ/扣扣 (any short number looks like one)."""

from __future__ import annotations

from presidio_analyzer import Pattern

from privacy.recognizers.base import NOT_BEFORE_ALNUM, ContextPatternRecognizer, after_words

_WORDS = r"(?<![A-Za-z])qq(?:号码?|号|\s?number|\s?no\.?)?|扣扣号?|企鹅号"


class QqNumberRecognizer(ContextPatternRecognizer):
    ENTITY = "QQ_NUMBER"
    PREFILTER = r"\d{5}"
    PATTERNS = [Pattern("qq_after_word", after_words(_WORDS) + r"[1-9]\d{4,11}" + NOT_BEFORE_ALNUM, 0.8)]
    CONTEXT = ["qq", "扣扣"]
