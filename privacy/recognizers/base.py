"""Base for our regex recognizers: rules live in class attributes, one instance per language."""

from __future__ import annotations

import logging
from typing import ClassVar

import regex as re
from presidio_analyzer import (
    AnalysisExplanation,
    EntityRecognizer,
    LocalRecognizer,
    Pattern,
    PatternRecognizer,
    RecognizerResult,
)
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.pattern_recognizer import REGEX_TIMEOUT_SECONDS

logger = logging.getLogger(__name__)

# Numbers glued to Chinese text have no `\b` (CJK characters are word characters), so number
# patterns are delimited by "no ASCII letter or digit next to it" instead.
NOT_AFTER_ALNUM = r"(?<![0-9A-Za-z])"
NOT_BEFORE_ALNUM = r"(?![0-9A-Za-z])"
# Words that name a long number as a reference (order, transaction, contract), not a person's.
REFERENCE_NUMBER_CONTEXT = ["订单", "单号", "流水", "交易号", "合同", "工单", "order"]


def after_words(words: str, gap: str = r"[\s:：#是为]{0,3}") -> str:
    """A look-behind for a value that follows one of `words` ("微信号：", "QQ "): for values whose
    shape alone says nothing (any 6–20 letters and digits), the word must be right before them."""
    return rf"(?<=(?:{words}){gap})"


class ContextPatternRecognizer(PatternRecognizer):
    """A `PatternRecognizer` whose patterns, context and negative context are class-level rules.

    `NEGATIVE_CONTEXT` (e.g. 订单号 before a long number) is read by
    `privacy.context.CharWindowContextEnhancer`, which lowers the score when such a word is
    closer to the match than any positive context word.
    """

    ENTITY: ClassVar[str]
    PATTERNS: ClassVar[list[Pattern]]
    CONTEXT: ClassVar[list[str]] = []
    NEGATIVE_CONTEXT: ClassVar[list[str]] = []
    FLAGS: ClassVar[int] = re.DOTALL | re.MULTILINE | re.IGNORECASE
    # A cheap test every match needs (e.g. a run of digits): text without it skips the patterns.
    PREFILTER: ClassVar[str | None] = None
    # Set by Presidio's __init__, declared here for the type checker.
    patterns: list[Pattern]
    name: str

    def __init__(self, supported_language: str = "zh") -> None:
        super().__init__(
            supported_entity=self.ENTITY,
            name=type(self).__name__,
            supported_language=supported_language,
            patterns=list(self.PATTERNS),
            context=list(self.CONTEXT),
            global_regex_flags=self.FLAGS,
        )
        self.negative_context: list[str] = list(self.NEGATIVE_CONTEXT)
        self._prefilter = re.compile(self.PREFILTER, self.FLAGS) if self.PREFILTER else None

    def analyze(
        self,
        text: str,
        entities: list[str],
        nlp_artifacts: NlpArtifacts | None = None,
        regex_flags: int | None = None,
    ) -> list[RecognizerResult]:
        if self._prefilter is not None and self._prefilter.search(text) is None:
            return []
        return self._match_patterns(text, regex_flags or self.global_regex_flags or 0)

    def _match_patterns(self, text: str, flags: int) -> list[RecognizerResult]:
        """Presidio's `PatternRecognizer` pattern pass with the same results, without what costs
        most of its time on a short message and tells us nothing: two clock reads and a debug log
        per pattern, and an `AnalysisExplanation` per match (our analyzer drops explanations, as
        Presidio does unless asked for its decision process)."""
        results: list[RecognizerResult] = []
        entity = self.supported_entities[0]
        metadata = {
            RecognizerResult.RECOGNIZER_NAME_KEY: self.name,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: self.id,
        }
        for pattern in self.patterns:
            compiled: re.Pattern[str] | None = pattern.compiled_regex
            if not compiled or pattern.compiled_with_flags != flags:
                compiled = re.compile(pattern.regex, flags=flags)
                pattern.compiled_with_flags = flags  # type: ignore[assignment]  # None in Presidio's stubs
                pattern.compiled_regex = compiled
            try:
                matches = compiled.finditer(text, timeout=REGEX_TIMEOUT_SECONDS)
                for match in matches:
                    start, end = match.span()
                    value = text[start:end]
                    if not value:
                        continue
                    score = pattern.score
                    validation = self.validate_result(value)
                    if validation is not None:
                        score = EntityRecognizer.MAX_SCORE if validation else EntityRecognizer.MIN_SCORE
                    if self.invalidate_result(value):
                        score = EntityRecognizer.MIN_SCORE
                    if score > EntityRecognizer.MIN_SCORE:
                        results.append(
                            RecognizerResult(
                                entity, start, end, score, None,  # type: ignore[arg-type]
                                recognition_metadata=dict(metadata),
                            )
                        )  # fmt: skip
            except TimeoutError:
                logger.warning("Regex pattern %r timed out, skipping.", pattern.name)
        return EntityRecognizer.remove_duplicates(results)


class ModelRecognizer(LocalRecognizer):
    """Base for our model-backed recognizers (LAC, spaCy): one entity, one score, a shared model.

    Models are loaded lazily and shared between instances, so `load` has nothing to do here.
    """

    ENTITY: ClassVar[str]
    SCORE: ClassVar[float]

    def __init__(self, supported_language: str = "zh") -> None:
        super().__init__(
            supported_entities=[self.ENTITY], name=type(self).__name__, supported_language=supported_language
        )

    def load(self) -> None:
        """Nothing to load per instance: see the class docstring."""

    def result(self, start: int, end: int, why: str) -> RecognizerResult:
        return model_result(self, self.ENTITY, start, end, self.SCORE, why)


def model_result(
    recognizer: EntityRecognizer, entity_type: str, start: int, end: int, score: float, why: str
) -> RecognizerResult:
    """A result from one of our model-based recognizers, tagged so context enhancement can find it."""
    name = type(recognizer).__name__  # our recognizers are named after their class
    explanation = AnalysisExplanation(recognizer=name, original_score=score, textual_explanation=why)
    return RecognizerResult(
        entity_type,
        start,
        end,
        score,
        explanation,
        recognition_metadata={
            RecognizerResult.RECOGNIZER_NAME_KEY: name,
            RecognizerResult.RECOGNIZER_IDENTIFIER_KEY: recognizer.id,
        },
    )
