"""The entity types this layer redacts and the placeholders that stand in for them."""

from __future__ import annotations

import re
from typing import Final

ENTITY_TYPES: Final[tuple[str, ...]] = (
    "CN_ID_CARD",
    "BANK_CARD",
    "PHONE_NUMBER",
    "EMAIL_ADDRESS",
    "PASSPORT",
    "PERSON",
    "ADDRESS",
)

# LOCATION is kept for results from generic NER models; it is redacted as an address.
PLACEHOLDER_PREFIX: Final[dict[str, str]] = {
    "CN_ID_CARD": "ID_CARD",
    "BANK_CARD": "BANK_CARD",
    "PHONE_NUMBER": "PHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "PASSPORT": "PASSPORT",
    "PERSON": "NAME",
    "ADDRESS": "ADDRESS",
    "LOCATION": "ADDRESS",
}

# `<PHONE_1>` (stored) or `<PHONE>` (preview): text already redacted is left alone.
PLACEHOLDER_RE: Final = re.compile(r"<[A-Z][A-Z_]*[A-Z](?:_\d+)?>")


def placeholder_prefix(entity_type: str) -> str:
    """Unknown types still get a readable placeholder rather than an error mid-redaction."""
    return PLACEHOLDER_PREFIX.get(entity_type, entity_type)
