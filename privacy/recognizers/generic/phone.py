"""Phone numbers outside mainland China (US, UK and the formats `phonenumbers` knows), for English text."""

from __future__ import annotations

import phonenumbers
from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import PhoneRecognizer


class InternationalPhoneRecognizer(PhoneRecognizer):
    """Presidio's `phonenumbers`-based recognizer under our name (our registry, our context words)."""

    REGIONS = ("US", "GB", "DE", "FR", "IL", "IN", "CA", "BR", "AU", "IT", "ES", "NL", "SE", "FI", "CH")

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(
            supported_language=supported_language,
            supported_regions=self.REGIONS,
            context=["phone", "call", "tel", "mobile", "cell", "fax", "number", "contact"],
        )
        self.name: str = type(self).__name__
        # `phonenumbers` compiles each region's metadata patterns through `re.compile`; 15 regions'
        # patterns overflow the `re` module's cache (512), so they were compiled again every message.
        phonenumbers.enable_pattern_cache()

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        """`phonenumbers` scans the text for ~1 ms even when it holds no number: skip text with
        fewer digits than the shortest phone number."""
        if nlp_artifacts is None or sum(ch.isdigit() for ch in text) < 7:
            return []
        return super().analyze(text, entities, nlp_artifacts)
