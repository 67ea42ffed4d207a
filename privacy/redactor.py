"""Redaction of a customer message: the first thing done to it, before any model, log or table."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from presidio_analyzer import AnalyzerEngine, RecognizerResult

from privacy.analyzer import detect_language
from privacy.entities import ENTITY_TYPES, PLACEHOLDER_RE, placeholder_prefix
from privacy.vault import Vault

# Tie-break between equally scored overlapping finds: an 18-digit number that passes both the
# ID check digit and Luhn is far more often an ID (most Chinese cards have 16 or 19 digits).
_PRIORITY = {entity_type: rank for rank, entity_type in enumerate(reversed(ENTITY_TYPES))}


@dataclass(frozen=True)
class RedactedEntity:
    entity_type: str
    placeholder: str
    start: int  # offsets in the original text
    end: int
    score: float


@dataclass(frozen=True)
class Redaction:
    text: str
    entities: tuple[RedactedEntity, ...]

    @property
    def found_types(self) -> frozenset[str]:
        return frozenset(entity.entity_type for entity in self.entities)


class Redactor:
    """Finds personal data with the analyzer and swaps it for vault placeholders.

    `allow_list` holds strings that look like names but are public (the bot's and the bank's
    names), compared exactly.
    """

    def __init__(
        self,
        analyzer: AnalyzerEngine,
        vault: Vault,
        score_threshold: float = 0.5,
        allow_list: Iterable[str] = (),
    ) -> None:
        self._analyzer = analyzer
        self._vault = vault
        self._threshold = score_threshold
        self._allow = frozenset(allow_list)

    def detect(self, text: str) -> list[RecognizerResult]:
        """Non-overlapping finds in text order; nothing is stored (the widget warns with this)."""
        results = self._analyzer.analyze(
            text, language=detect_language(text), score_threshold=self._threshold
        )
        kept_out = [match.span() for match in PLACEHOLDER_RE.finditer(text)]
        candidates = [
            result
            for result in results
            if text[result.start : result.end].strip() not in self._allow
            and not any(result.start < end and start < result.end for start, end in kept_out)
        ]
        return _resolve_overlaps(candidates)

    def redact(self, text: str, conversation_id: str) -> Redaction:
        found = self.detect(text)
        # Numbered left to right, so the first phone in a message is <PHONE_1>.
        entities = tuple(
            RedactedEntity(
                result.entity_type,
                self._vault.placeholder_for(
                    conversation_id, result.entity_type, text[result.start : result.end]
                ),
                result.start,
                result.end,
                result.score,
            )
            for result in found
        )
        return Redaction(_replace(text, [(e.start, e.end, e.placeholder) for e in entities]), entities)

    def preview(self, text: str) -> str:
        """Masks with unnumbered placeholders (`<ID_CARD>`) and stores nothing."""
        found = self.detect(text)
        return _replace(text, [(r.start, r.end, f"<{placeholder_prefix(r.entity_type)}>") for r in found])


def _resolve_overlaps(results: list[RecognizerResult]) -> list[RecognizerResult]:
    """One result per group of overlapping finds.

    The best find (score, then length, then type priority) names the type; the span covers the
    whole group, so no part of a longer, lower-scored find is left in clear text.
    """
    groups: list[list[RecognizerResult]] = []
    for result in sorted(results, key=lambda r: (r.start, -r.end)):
        if groups and result.start < max(r.end for r in groups[-1]):
            groups[-1].append(result)
        else:
            groups.append([result])
    return [_merge(group) for group in groups]


def _merge(group: list[RecognizerResult]) -> RecognizerResult:
    best = max(group, key=lambda r: (r.score, r.end - r.start, _PRIORITY.get(r.entity_type, -1)))
    return RecognizerResult(
        entity_type=best.entity_type,
        start=min(r.start for r in group),
        end=max(r.end for r in group),
        score=best.score,
        analysis_explanation=best.analysis_explanation,
        recognition_metadata=best.recognition_metadata,
    )


def _replace(text: str, spans: list[tuple[int, int, str]]) -> str:
    """Right to left, so earlier offsets stay valid while later spans change length."""
    for start, end, replacement in sorted(spans, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text
