"""Redaction of a customer message: the first thing done to it, before any model, log or table.

Detection runs on the message's detection view (`privacy.view`: full-width characters, Chinese
numerals and separators inside numbers normalised) and every find is mapped back to the original
characters, which are what gets replaced. Then, in view coordinates:

1. names grow to whole-name boundaries (`阿卜杜拉·卡罗`), addresses keep their building and room numbers;
2. every other occurrence of a value found, in this message or earlier in the conversation (the
   vault's values), gets the same placeholder;
3. the residual guard (`privacy.guard`) masks any long digit run nothing explains.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import regex as re
from presidio_analyzer import AnalyzerEngine, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from privacy.analyzer import analyze, detect_language
from privacy.entities import ENTITY_TYPES, NUMBER_TYPES, PLACEHOLDER_RE, RESIDUAL_NUMBER, placeholder_prefix
from privacy.guard import residual_spans
from privacy.recognizers.ner.lac_name import lone_surname
from privacy.vault import BatchVault, KnownValue, Vault, normalise
from privacy.view import DetectionView

logger = logging.getLogger(__name__)

# Tie-break between equally scored overlapping finds: an 18-digit number that passes both the
# ID check digit and Luhn is far more often an ID (most Chinese cards have 16 or 19 digits).
_PRIORITY = {entity_type: rank for rank, entity_type in enumerate(reversed(ENTITY_TYPES))}
_CJK = r"[\u3400-\u4dbf\u4e00-\u9fff]"
# Transliterated names join their parts with a middle dot: 阿卜杜拉·卡罗, 约翰·史密斯.
_NAME_TAIL = re.compile(rf"(?:\s?[·•・]\s?{_CJK}{{1,6}})+")
_NAME_HEAD = re.compile(rf"(?:{_CJK}{{1,6}}\s?[·•・]\s?)+$")
_NUM = r"[0-9一二三四五六七八九十百零〇]"
# Building, unit, floor and room numbers that continue an address ("…大厦B座1203室").
_ADDRESS_TAIL = re.compile(
    rf"(?:\s?(?:{_NUM}{{1,5}}|[A-Za-z]{{1,2}}\d{{0,3}})\s?(?:号楼|号院|栋|幢|座|单元|楼|层|室|号|弄|区|期)"
    rf"|\s?[\-－]{_NUM}{{1,5}})+(?:\s?{_NUM}{{1,5}}室?)?"
)
_DIGITS = re.compile(r"\d+")
_MIN_REPEAT = {"PERSON": 2, "ADDRESS": 4}


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
    residual_masked: int = 0  # long digit runs masked by the residual guard, not by a recognizer

    @property
    def found_types(self) -> frozenset[str]:
        return frozenset(entity.entity_type for entity in self.entities)


class Redactor:
    """Finds personal data with the analyzer and swaps it for vault placeholders.

    `allow_list` holds strings that look like names but are public (the bot's and the bank's
    names), compared exactly. `residual_masked` counts the guard's masks since start (a metric).
    """

    def __init__(
        self,
        analyzer: AnalyzerEngine,
        vault: Vault,
        score_threshold: float = 0.5,
        allow_list: Iterable[str] = (),
        residual_guard: bool = True,
    ) -> None:
        self._analyzer = analyzer
        self._vault = vault
        self._threshold = score_threshold
        self._allow = frozenset(allow_list)
        self._guard = residual_guard
        # Checked once: a runtime Protocol check costs more than the rest of a vault lookup.
        self._batch = vault if isinstance(vault, BatchVault) else None
        self._no_nlp: dict[str, NlpArtifacts] = {}  # empty NLP artifacts, read-only, one per language
        self.residual_masked = 0

    def detect(self, text: str) -> list[RecognizerResult]:
        """Non-overlapping finds in text order, original offsets; nothing is stored (the widget
        warns with this)."""
        return self._find(text, ())

    def redact(self, text: str, conversation_id: str, *, allow: Iterable[str] = ()) -> Redaction:
        """`allow`: public strings for this text only, e.g. a staff member's own name in their reply."""
        known = self._batch.known_values(conversation_id) if self._batch else []
        found = self._find(text, known, self._allow.union(a for a in allow if a))
        items = [(r.entity_type, text[r.start : r.end]) for r in found]
        if self._batch:
            placeholders = self._batch.placeholders_for(conversation_id, items, known)
        else:
            placeholders = [self._vault.placeholder_for(conversation_id, t, v) for t, v in items]
        # Numbered left to right, so the first phone in a message is <PHONE_1>.
        entities = tuple(
            RedactedEntity(r.entity_type, placeholder, r.start, r.end, r.score)
            for r, placeholder in zip(found, placeholders, strict=True)
        )
        residual = sum(r.entity_type == RESIDUAL_NUMBER for r in found)
        if residual:
            self.residual_masked += residual
            logger.info("residual guard masked %d digit run(s)", residual)
        redacted = _replace(text, [(e.start, e.end, e.placeholder) for e in entities])
        return Redaction(redacted, entities, residual)

    def preview(self, text: str, found: Sequence[RecognizerResult] | None = None) -> str:
        """Masks with unnumbered placeholders (`<ID_CARD>`) and stores nothing; pass `found` (from
        `detect`) when the finds are already known, so detection runs once."""
        found = self.detect(text) if found is None else found
        return _replace(text, [(r.start, r.end, f"<{placeholder_prefix(r.entity_type)}>") for r in found])

    # --- detection in the view ------------------------------------------------------------------

    def _find(
        self, text: str, known: Sequence[KnownValue], allow: frozenset[str] | None = None
    ) -> list[RecognizerResult]:
        allow = self._allow if allow is None else allow
        view = DetectionView.of(text)
        vtext = view.text
        kept_out = [match.span() for match in PLACEHOLDER_RE.finditer(vtext)]
        results = [
            r
            for r in self._analyze(vtext)
            if vtext[r.start : r.end].strip() not in allow
            and not any(r.start < end and start < r.end for start, end in kept_out)
        ]
        results = _without_lone_surnames(vtext, [_grow(vtext, r) for r in results], known)
        results += _coordinated_names(vtext, results)
        results += _repeats(vtext, results, known, kept_out, allow)
        resolved = _resolve_overlaps(results)
        if self._guard:
            covered = [(r.start, r.end) for r in resolved] + kept_out
            resolved += [_result(RESIDUAL_NUMBER, s, e, 0.5) for s, e in residual_spans(vtext, covered)]
        mapped = []
        for r in sorted(resolved, key=lambda r: r.start):
            start, end = view.to_original(r.start, r.end)
            mapped.append(_copy(r, start, end))
        return mapped

    def _analyze(self, vtext: str) -> list[RecognizerResult]:
        language = detect_language(vtext)
        # Chinese needs no spaCy pass: its recognizers are rules and LAC, and English names inside a
        # Chinese message are read run by run (LatinNameRecognizer). Presidio would tokenise every
        # Chinese character for nothing.
        artifacts = None
        if language != "en":
            artifacts = self._no_nlp.get(language) or self._no_nlp.setdefault(
                language, _no_nlp(self._analyzer, language)
            )
        return analyze(self._analyzer, vtext, language, self._threshold, artifacts)


def _no_nlp(analyzer: AnalyzerEngine, language: str) -> NlpArtifacts:
    from spacy.tokens import Doc

    nlp = analyzer.nlp_engine.nlp[language]  # type: ignore[attr-defined]
    return NlpArtifacts(
        entities=[], tokens=Doc(nlp.vocab, words=[]), tokens_indices=[], lemmas=[],
        nlp_engine=analyzer.nlp_engine, language=language,
    )  # fmt: skip


def _result(entity_type: str, start: int, end: int, score: float) -> RecognizerResult:
    return RecognizerResult(entity_type=entity_type, start=start, end=end, score=score)


def _copy(result: RecognizerResult, start: int, end: int) -> RecognizerResult:
    return RecognizerResult(
        entity_type=result.entity_type,
        start=start,
        end=end,
        score=result.score,
        analysis_explanation=result.analysis_explanation,
        recognition_metadata=result.recognition_metadata,
    )


def _grow(text: str, result: RecognizerResult) -> RecognizerResult:
    """Whole names and whole addresses: a model's word boundaries are not the value's."""
    start, end = result.start, result.end
    if result.entity_type == "PERSON":
        if tail := _NAME_TAIL.match(text, end):
            end = tail.end()
        if head := _NAME_HEAD.search(text[max(0, start - 12) : start]):
            start -= len(head.group())
    elif result.entity_type in ("ADDRESS", "LOCATION") and (tail := _ADDRESS_TAIL.match(text, end)):
        end = tail.end()
    return result if (start, end) == (result.start, result.end) else _copy(result, start, end)


def _without_lone_surnames(
    text: str, results: list[RecognizerResult], known: Sequence[KnownValue]
) -> list[RecognizerResult]:
    """A surname said alone ("王经理", "小王") is kept only for a person whose full name was found in
    this message or earlier in the conversation: "王伟 … 王先生" is the same person, "王经理" alone
    identifies nobody."""
    lone = {
        i: surname
        for i, r in enumerate(results)
        if r.entity_type == "PERSON" and (surname := lone_surname(text, r.start, r.end))
    }
    if not lone:
        return results
    full_names = [
        text[r.start : r.end] for i, r in enumerate(results) if r.entity_type == "PERSON" and i not in lone
    ]
    full_names += [value.original for value in known if value.entity_type == "PERSON"]
    named = {name.strip()[:1] for name in full_names if len(name.strip()) >= 2}
    named |= {name.strip()[:2] for name in full_names if len(name.strip()) >= 3}  # 欧阳, 司马
    return [r for i, r in enumerate(results) if i not in lone or lone[i] in named]


# "Eklund, Michael and Hodge": when one member of such a list is a name, they all are.
_NAME_LIST = re.compile(
    r"(?<![\p{L}])\p{Lu}[\p{Ll}'’\-]+(?:,\s\p{Lu}[\p{Ll}'’\-]+)*,?\s(?:and|&)\s\p{Lu}[\p{Ll}'’\-]+(?![\p{L}])"
)
_WORD_IN_LIST = re.compile(r"\p{Lu}[\p{Ll}'’\-]+")


def _coordinated_names(text: str, results: Sequence[RecognizerResult]) -> list[RecognizerResult]:
    names = [r for r in results if r.entity_type == "PERSON"]
    if not names or not any(c.isascii() and c.isalpha() for c in text):
        return []
    found = []
    for listing in _NAME_LIST.finditer(text):
        members = [m.span() for m in _WORD_IN_LIST.finditer(text, listing.start(), listing.end())]
        if any(any(r.start < e and s < r.end for s, e in members) for r in names):
            found += [_result("PERSON", s + 0, e, 0.6) for s, e in members]
    return found


def _repeats(
    text: str,
    results: Sequence[RecognizerResult],
    known: Sequence[KnownValue],
    kept_out: Sequence[tuple[int, int]],
    allow: frozenset[str],
) -> list[RecognizerResult]:
    """Other occurrences of values found here or earlier in the conversation (same placeholder)."""
    values: dict[str, tuple[str, float]] = {}
    for r in results:
        values.setdefault(_search_form(r.entity_type, text[r.start : r.end]), (r.entity_type, r.score))
        if r.entity_type == "PERSON" and " " in text[r.start : r.end].strip():
            # "Asya Godina" found: "Asya" alone later in the text is the same person.
            for part in text[r.start : r.end].split():
                if len(part) >= 3 and part.isalpha() and part[0].isupper():
                    values.setdefault(part.lower(), ("PERSON", r.score))
    for value in known:
        if value.original not in allow:
            values.setdefault(_search_form(value.entity_type, value.original), (value.entity_type, 1.0))
    taken = [(r.start, r.end) for r in results] + list(kept_out)
    lowered = text.lower()
    digits_view = [(m.start(), m.end(), m.group()) for m in _DIGITS.finditer(text)] if any(
        t in NUMBER_TYPES for t, _ in values.values()
    ) else []
    found = []
    for form, (entity_type, score) in values.items():
        if len(form) < _MIN_REPEAT.get(entity_type, 3):
            continue
        if entity_type in NUMBER_TYPES and form.isdecimal():
            spans = [(s, e) for s, e, digits in digits_view if digits == form]
        else:
            spans = _occurrences(lowered, form)
            if entity_type == "PERSON" and form[:1].isascii() and form[:1].isalpha():
                # Latin words match whole and capitalised ("Ann" is not in "Annex"; "orchestra" is no name).
                spans = [
                    (s, e)
                    for s, e in spans
                    if not _letter_at(text, s - 1) and not _letter_at(text, e) and text[s].isupper()
                ]
        for start, end in spans:
            if not any(start < t_end and t_start < end for t_start, t_end in taken):
                found.append(_result(entity_type, start, end, score))
                taken.append((start, end))
    return found


def _letter_at(text: str, index: int) -> bool:
    return 0 <= index < len(text) and text[index].isalpha() and text[index].isascii()


def _occurrences(text: str, form: str) -> list[tuple[int, int]]:
    spans = []
    at = text.find(form)
    while at != -1:
        spans.append((at, at + len(form)))
        at = text.find(form, at + len(form))
    return spans


def _search_form(entity_type: str, value: str) -> str:
    """How a value reads in a detection view: numbers as digits, the rest NFKC and lower-cased."""
    if entity_type in NUMBER_TYPES:
        return normalise(entity_type, value)
    return DetectionView.of(value.strip()).text.lower()


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
    return _copy(best, min(r.start for r in group), max(r.end for r in group))


def _replace(text: str, spans: list[tuple[int, int, str]]) -> str:
    """Right to left, so earlier offsets stay valid while later spans change length."""
    for start, end, replacement in sorted(spans, reverse=True):
        text = text[:start] + replacement + text[end:]
    return text
