"""English street addresses ("221B Baker Street", "12 Queen's Road Central, Flat 3")."""

from __future__ import annotations

import regex as re
from presidio_analyzer import Pattern

from privacy.recognizers.base import ContextPatternRecognizer

_STREET_TYPES = (
    "Street|St|Road|Rd|Avenue|Ave|Lane|Ln|Boulevard|Blvd|Drive|Dr|Way|Court|Ct|Place|Pl"
    "|Terrace|Close|Crescent|Highway|Hwy|Square|Sq"
)


class EnglishAddressRecognizer(ContextPatternRecognizer):
    """House number + capitalised street name + street type; case matters, so no IGNORECASE."""

    ENTITY = "ADDRESS"
    PREFILTER = r"\d"
    FLAGS = re.DOTALL | re.MULTILINE
    PATTERNS = [
        Pattern(
            "en_street_address",
            r"(?<![0-9A-Za-z])\d{1,5}[A-Za-z]?,?\s+(?:[A-Z][A-Za-z'’\-]+\s+){1,4}"
            rf"(?:{_STREET_TYPES})\b\.?"
            r"(?:\s+(?:Central|East|West|North|South))?"
            r"(?:,?\s*(?:Apt|Apartment|Suite|Unit|Flat|Room|Rm|Floor)\.?\s*#?[0-9A-Za-z\-]+)?",
            0.6,
        )
    ]
    CONTEXT = ["address", "live at", "lives at", "located at", "ship to", "mail to"]
