"""The privacy layer: every customer message is redacted here before anything else sees it.

Build the analyzer once per process (`build_analyzer()`), wrap it with a vault in a `Redactor`,
and pass each message through `Redactor.redact(text, conversation_id)`.
"""

from privacy.analyzer import build_analyzer, detect_language
from privacy.entities import ENTITY_TYPES
from privacy.redactor import RedactedEntity, Redaction, Redactor
from privacy.vault import SqlVault, Vault, VaultError, VaultKeyError, generate_key

__all__ = [
    "ENTITY_TYPES",
    "Redaction",
    "RedactedEntity",
    "Redactor",
    "SqlVault",
    "Vault",
    "VaultError",
    "VaultKeyError",
    "build_analyzer",
    "detect_language",
    "generate_key",
]
