"""Phone numbers outside mainland China (US, UK and the formats `phonenumbers` knows), for English text."""

from __future__ import annotations

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
        self.name = type(self).__name__
