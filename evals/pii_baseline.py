"""Presidio out of the box, as the baseline our privacy layer is compared with (evals and benchmarks).

Default predefined recognizers and the default NER mapping over spaCy's small English model (the
only spaCy model that installs offline here; Presidio's published figures use en_core_web_lg).
Presidio's default configuration supports English only, so every message, Chinese included, is
analysed as English: that is what an unmodified deployment does.
"""

from __future__ import annotations

from functools import lru_cache

import spacy
import tldextract
from presidio_analyzer import AnalyzerEngine, EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer import predefined_recognizers as predefined
from presidio_analyzer.nlp_engine import SpacyNlpEngine

from privacy.nlp_engine import ENGLISH_MODEL

# Presidio's types → ours. Types left out (dates, organisations, nationalities, URLs) are not
# personal identifiers in our scope and are dropped, so they cannot count against the baseline.
DEFAULT_TO_OURS = {
    "PERSON": "PERSON",
    "LOCATION": "ADDRESS",
    "PHONE_NUMBER": "PHONE_NUMBER",
    "EMAIL_ADDRESS": "EMAIL_ADDRESS",
    "CREDIT_CARD": "BANK_CARD",
    "US_PASSPORT": "PASSPORT",
}
NOT_PERSONAL = frozenset({"DATE_TIME", "ORGANIZATION", "NRP", "URL", "AGE"})


@lru_cache(maxsize=1)
def build_presidio_default() -> AnalyzerEngine:
    # Presidio's e-mail recognizer calls tldextract, which would try to download the public-suffix
    # list; the bundled snapshot is the same list, offline.
    tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)
    engine = SpacyNlpEngine(models=[{"lang_code": "en", "model_name": ENGLISH_MODEL}])
    engine.nlp = {"en": spacy.load(ENGLISH_MODEL)}  # type: ignore[assignment]  # no download
    registry = RecognizerRegistry(supported_languages=["en"])
    for recognizer in _default_english_recognizers():
        registry.add_recognizer(recognizer)
    return AnalyzerEngine(registry=registry, nlp_engine=engine, supported_languages=["en"])


def _default_english_recognizers() -> list[EntityRecognizer]:
    """The recognizers Presidio's default configuration loads for English, built explicitly.

    Presidio's loader finds classes by name among all `EntityRecognizer` subclasses in the process (ours
    once shadowed its `EmailRecognizer`, picked at random by set order). Naming the classes here keeps
    the baseline Presidio's own whatever else is imported.
    """
    return [
        predefined.CreditCardRecognizer(),
        predefined.UsBankRecognizer(),
        predefined.UsLicenseRecognizer(),
        predefined.UsItinRecognizer(),
        predefined.UsPassportRecognizer(),
        predefined.UsSsnRecognizer(),
        predefined.NhsRecognizer(),
        predefined.CryptoRecognizer(),
        predefined.DateRecognizer(),
        predefined.EmailRecognizer(),
        predefined.IbanRecognizer(),
        predefined.IpRecognizer(),
        predefined.MedicalLicenseRecognizer(),
        predefined.MacAddressRecognizer(),
        predefined.UuidRecognizer(),
        predefined.PhoneRecognizer(),
        predefined.UrlRecognizer(),
        predefined.SpacyRecognizer(),
    ]


def presidio_default_results(analyzer: AnalyzerEngine, text: str) -> list[RecognizerResult]:
    """Default results at Presidio's default threshold, mapped to our types (unknown types kept as is)."""
    results = []
    for r in analyzer.analyze(text, language="en"):
        if r.entity_type in NOT_PERSONAL:
            continue
        results.append(
            RecognizerResult(DEFAULT_TO_OURS.get(r.entity_type, r.entity_type), r.start, r.end, r.score)
        )
    return results
