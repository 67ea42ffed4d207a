"""Our regex recognizers skip Presidio's pattern pass (`ContextPatternRecognizer._match_patterns`,
for speed); what they find must stay exactly what Presidio's `PatternRecognizer.analyze` finds."""

from __future__ import annotations

from presidio_analyzer import AnalyzerEngine, PatternRecognizer

from evals.pii_data import generate
from privacy.recognizers.base import ContextPatternRecognizer
from privacy.view import DetectionView

# Messages in every written form and type (numbers, e-mails, names, addresses; Chinese and English),
# read as the analyzer reads them: in the detection view.
_TEXTS = [DetectionView.of(message.text).text for message in generate(400, seed=5)] + [
    "手机13800138000，身份证11010519491231002X，卡号6222 0212 3456 7890 128",
    "no personal data here",
    "",
]


def _spans(results: list) -> list[tuple[str, int, int, float]]:
    return sorted((r.entity_type, r.start, r.end, r.score) for r in results)


def test_lean_pattern_pass_finds_what_presidio_finds(analyzer: AnalyzerEngine) -> None:
    recognizers = [
        recognizer
        for language in ("zh", "en")
        for recognizer in analyzer.registry.get_recognizers(language=language, all_fields=True)
        if isinstance(recognizer, ContextPatternRecognizer)
    ]
    assert len(recognizers) >= 10
    found = 0
    for recognizer in recognizers:
        for text in _TEXTS:
            ours = recognizer._match_patterns(text, recognizer.global_regex_flags)
            presidio = PatternRecognizer.analyze(recognizer, text, recognizer.supported_entities)
            assert _spans(ours) == _spans(presidio), (type(recognizer).__name__, text)
            pairs = zip(ours, presidio, strict=True)
            assert all(r.recognition_metadata == p.recognition_metadata for r, p in pairs)
            found += len(ours)
    assert found > 100  # the texts exercise the patterns, not only the empty case
