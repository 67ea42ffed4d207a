"""The Presidio analyzer for this product, built once per process, and message language detection."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Literal

from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry
from presidio_analyzer.predefined_recognizers import SpacyRecognizer
from spacy.language import Language

from privacy.context import CharWindowContextEnhancer
from privacy.nlp_engine import OfflineSpacyNlpEngine, load_pipelines
from privacy.recognizers import (
    BankCardRecognizer,
    ChineseAddressPatternRecognizer,
    ChineseAddressRecognizer,
    ChineseNamePatternRecognizer,
    ChineseNameRecognizer,
    CnEmailRecognizer,
    CnIdCardRecognizer,
    CnPassportRecognizer,
    CnPhoneRecognizer,
    EnglishAddressRecognizer,
    LatinNameRecognizer,
)

LANGUAGES = ["en", "zh"]

_CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
# Addresses and links are not English prose however many dots they have.
_ADDRESS_OR_LINK = re.compile(r"[\w.%+-]+@[\w.-]+|https?://\S+|www\.\S+", re.ASCII)


def detect_language(text: str) -> Literal["zh", "en"]:
    """Chinese when Chinese characters make up at least half of the words.

    A Chinese character carries about what an English word does, so characters are counted
    against English words, not letters: "我的email是john@example.com" stays Chinese.
    """
    cjk = len(_CJK_CHAR.findall(text))
    latin_words = len(_LATIN_WORD.findall(_ADDRESS_OR_LINK.sub(" ", text)))
    return "zh" if cjk and cjk >= latin_words else "en"


def _recognizers(language: str, english: Language) -> list[EntityRecognizer]:
    """Both languages get every rule: numbers and e-mails look the same in either, and customers
    mix scripts (a Chinese name in an English message, an English name in a Chinese one)."""
    shared: list[EntityRecognizer] = [
        CnIdCardRecognizer(language),
        BankCardRecognizer(language),
        CnPhoneRecognizer(language),
        CnEmailRecognizer(language),
        CnPassportRecognizer(language),
        ChineseNameRecognizer(language),
        ChineseNamePatternRecognizer(language),
        ChineseAddressRecognizer(language),
        ChineseAddressPatternRecognizer(language),
        EnglishAddressRecognizer(language),
    ]
    if language == "en":
        # Only PERSON from spaCy: a bare city or organisation is not personal data here.
        return [*shared, SpacyRecognizer(supported_language="en", supported_entities=["PERSON"])]
    return [*shared, LatinNameRecognizer(english, supported_language=language)]


@lru_cache(maxsize=1)
def build_analyzer() -> AnalyzerEngine:
    """No predefined Presidio recognizers: several mislabel Chinese numbers (a mobile as UK_NHS)."""
    pipelines = load_pipelines()
    registry = RecognizerRegistry(supported_languages=LANGUAGES)
    for language in LANGUAGES:
        for recognizer in _recognizers(language, pipelines["en"]):
            registry.add_recognizer(recognizer)
    return AnalyzerEngine(
        registry=registry,
        nlp_engine=OfflineSpacyNlpEngine(pipelines),
        supported_languages=LANGUAGES,
        context_aware_enhancer=CharWindowContextEnhancer(),
    )
