"""Context enhancement by character window, which works for Chinese as well as English."""

from __future__ import annotations

import copy
from collections.abc import Sequence
from functools import lru_cache

import regex as re
from presidio_analyzer import EntityRecognizer, RecognizerResult
from presidio_analyzer.context_aware_enhancers import ContextAwareEnhancer
from presidio_analyzer.nlp_engine import NlpArtifacts


class CharWindowContextEnhancer(ContextAwareEnhancer):
    """Looks for a recognizer's context words in the characters around a match.

    Presidio's `LemmaContextAwareEnhancer` compares whole tokens: with `spacy.blank("zh")` every
    Chinese character is a token, so "身份证" never matches, and in "身份证号110…" the word is
    glued to the number. A character window has neither problem. Chinese context words match as
    substrings, ASCII ones as whole words ("card" must not fire inside "discard").

    Negative context (a recognizer's `negative_context`, e.g. 订单号) lowers the score when it
    is nearer before the match than any positive word: "订单号6222…" is an order, not a card.
    """

    def __init__(
        self,
        context_similarity_factor: float = 0.35,
        min_score_with_context_similarity: float = 0.4,
        prefix_chars: int = 20,
        suffix_chars: int = 10,
        negative_penalty: float = 0.6,
    ) -> None:
        super().__init__(
            context_similarity_factor=context_similarity_factor,
            min_score_with_context_similarity=min_score_with_context_similarity,
            context_prefix_count=prefix_chars,
            context_suffix_count=suffix_chars,
        )
        self.negative_penalty = negative_penalty

    def enhance_using_context(
        self,
        text: str,
        raw_results: list[RecognizerResult],
        nlp_artifacts: NlpArtifacts,
        recognizers: list[EntityRecognizer],
        context: list[str] | None = None,
    ) -> list[RecognizerResult]:
        results = copy.deepcopy(raw_results)
        self.enhance_in_place(text, results, recognizers, context)
        return results

    def enhance_in_place(
        self,
        text: str,
        results: list[RecognizerResult],
        recognizers: Sequence[EntityRecognizer],
        context: list[str] | None = None,
    ) -> None:
        """`enhance_using_context` on results the caller owns (fresh from the recognizers), without
        Presidio's defensive deep copy of every result."""
        by_id = {recognizer.id: recognizer for recognizer in recognizers}
        extra = [word.lower() for word in context or []]
        for result in results:
            metadata = result.recognition_metadata or {}
            recognizer = by_id.get(metadata.get(RecognizerResult.RECOGNIZER_IDENTIFIER_KEY))
            if recognizer is None or metadata.get(RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY):
                continue
            before = text[max(0, result.start - self.context_prefix_count) : result.start]
            after = text[result.end : result.end + self.context_suffix_count]
            positive = recognizer.context or []
            negative: list[str] = getattr(recognizer, "negative_context", [])
            near_positive = _nearest_before(before, positive)
            near_negative = _nearest_before(before, negative)
            if near_negative is not None and (near_positive is None or near_negative < near_positive):
                result.score = max(0.0, result.score - self.negative_penalty)
                continue
            word = _first_found(positive, before, after, extra)
            if word is not None:
                self._boost(result, word)

    def _boost(self, result: RecognizerResult, word: str) -> None:
        score = max(result.score + self.context_similarity_factor, self.min_score_with_context_similarity)
        result.score = min(score, self.MAX_SCORE)
        result.recognition_metadata[RecognizerResult.IS_SCORE_ENHANCED_BY_CONTEXT_KEY] = True
        if result.analysis_explanation is not None:
            result.analysis_explanation.set_supportive_context_word(word)
            result.analysis_explanation.set_improved_score(result.score)


@lru_cache(maxsize=256)
def _word_pattern(word: str) -> re.Pattern[str]:
    escaped = re.escape(word)
    if word.isascii():
        return re.compile(rf"(?<![A-Za-z]){escaped}(?![A-Za-z])", re.IGNORECASE)
    return re.compile(escaped, re.IGNORECASE)


def _nearest_before(window: str, words: Sequence[str]) -> int | None:
    """Distance in characters from the end of the nearest word to the end of `window`."""
    distances = [
        len(window) - match.end() for word in words for match in _word_pattern(word).finditer(window)
    ]
    return min(distances) if distances else None


def _first_found(words: Sequence[str], before: str, after: str, extra: Sequence[str]) -> str | None:
    for word in words:
        pattern = _word_pattern(word)
        if pattern.search(before) or pattern.search(after) or word.lower() in extra:
            return word
    return None
