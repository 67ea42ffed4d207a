"""Chinese person names found by LAC's named-entity tags (PER)."""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from privacy.recognizers.base import ModelRecognizer
from privacy.recognizers.ner.lac import LacWord, has_cjk, lac_words

# "王经理" is tagged as one PER: redact the surname, keep the role so the reply still reads well.
_TITLES = re.compile(
    r"(?:先生|女士|小姐|经理|总监|老师|主任|行长|师傅|阿姨|同学|律师|医生|大夫|教授|总|姐|哥)$"
)
_JOINERS = {" ", "·", "•", "-"}


class LacNameRecognizer(ModelRecognizer):
    """LAC tags names well in running Chinese text (张伟, 欧阳娜娜, 王经理, even John Smith)."""

    ENTITY = "PERSON"
    SCORE = 0.85

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if "PERSON" not in entities or not has_cjk(text):
            return []
        # In an English message keep only Chinese-script names: spaCy handles the Latin ones.
        cjk_only = self.supported_language != "zh"
        results = []
        for start, end in _person_spans(lac_words(text)):
            start, end = _strip_title(text, start, end)
            name = text[start:end]
            if any(ch.isdigit() for ch in name) or (cjk_only and not has_cjk(name)):
                continue
            results.append(self.result(start, end, "Tagged PER by LAC"))
        return results


def _person_spans(words: list[LacWord]) -> list[tuple[int, int]]:
    """PER words, with "John" + " " + "Smith" joined into one name."""
    spans: list[tuple[int, int]] = []
    for i, word in enumerate(words):
        if word.tag != "PER":
            continue
        joined = (
            spans
            and i >= 2
            and words[i - 1].text in _JOINERS
            and words[i - 2].tag == "PER"
            and spans[-1][1] == words[i - 1].start
        )
        if joined:
            spans[-1] = (spans[-1][0], word.end)
        else:
            spans.append((word.start, word.end))
    return spans


def _strip_title(text: str, start: int, end: int) -> tuple[int, int]:
    name = text[start:end]
    match = _TITLES.search(name)
    if match and match.start() > 0:
        return start, start + match.start()
    return start, end
