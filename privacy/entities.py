"""The entity types this layer redacts and the placeholders that stand in for them."""

from __future__ import annotations

import re
from typing import Final

ENTITY_TYPES: Final[tuple[str, ...]] = (
    "CN_ID_CARD",
    "BANK_CARD",
    "BANK_ACCOUNT",
    "PHONE_NUMBER",
    "EMAIL_ADDRESS",
    "PASSPORT",
    "TRAVEL_PERMIT",
    "WECHAT_ID",
    "QQ_NUMBER",
    "LICENSE_PLATE",
    "PERSON",
    "ADDRESS",
)
# What the residual guard masks: a long digit run no recognizer claimed and nothing explains.
RESIDUAL_NUMBER: Final = "OTHER_NUMBER"

# LOCATION is kept for results from generic NER models; it is redacted as an address.
PLACEHOLDER_PREFIX: Final[dict[str, str]] = {
    "CN_ID_CARD": "ID_CARD",
    "BANK_CARD": "BANK_CARD",
    "BANK_ACCOUNT": "ACCOUNT",
    "PHONE_NUMBER": "PHONE",
    "EMAIL_ADDRESS": "EMAIL",
    "PASSPORT": "PASSPORT",
    "TRAVEL_PERMIT": "PERMIT",
    "WECHAT_ID": "WECHAT",
    "QQ_NUMBER": "QQ",
    "LICENSE_PLATE": "PLATE",
    "PERSON": "NAME",
    "ADDRESS": "ADDRESS",
    "LOCATION": "ADDRESS",
    RESIDUAL_NUMBER: "NUMBER",
}
# Compared digit by digit (separators dropped) when the vault decides "same value".
NUMBER_TYPES: Final = frozenset(
    {"CN_ID_CARD", "BANK_CARD", "BANK_ACCOUNT", "PHONE_NUMBER", "PASSPORT", "TRAVEL_PERMIT", "QQ_NUMBER",
     RESIDUAL_NUMBER}
)

# `<PHONE_1>` (stored) or `<PHONE>` (preview): text already redacted is left alone.
PLACEHOLDER_RE: Final = re.compile(r"<[A-Z][A-Z_]*[A-Z](?:_\d+)?>")


def placeholder_prefix(entity_type: str) -> str:
    """Unknown types still get a readable placeholder rather than an error mid-redaction."""
    return PLACEHOLDER_PREFIX.get(entity_type, entity_type)
