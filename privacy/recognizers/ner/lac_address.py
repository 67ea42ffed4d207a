"""Chinese street addresses from LAC place names (LOC) joined with the house-number parts after them."""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts

from privacy.recognizers.base import ModelRecognizer
from privacy.recognizers.ner.lac import LacWord, has_cjk, lac_words

_NUM = r"[0-9０-９一二三四五六七八九十百零〇]"
# Words that continue an address after a place name: "88号院", "3号楼", "2", "单元", "501", "室".
_CONTINUATION = re.compile(
    rf"[\-－#]?(?:{_NUM}{{1,6}}|[A-Za-z]{{1,2}})?(?:[\-－]{_NUM}{{1,6}})?"
    r"(?:号楼|号院|号|弄|栋|幢|座|单元|楼|层|室|户|院|巷|段|小区|花园|公寓|新村|家园|大厦)?"
)
# Street level: a house or flat number, or a residential compound. "北京" or "朝阳区" alone is
# not worth redacting, and redacting it would cost the agent branch and city questions.
_STREET_LEVEL = re.compile(
    rf"(?:{_NUM}|[A-Za-z])\s*(?:号|弄|栋|幢|座|单元|楼|层|室)|小区|花园|公寓|新村|家园"
)


class LacAddressRecognizer(ModelRecognizer):
    """LAC finds the place names; the house, building and flat numbers are joined on here."""

    ENTITY = "ADDRESS"
    SCORE = 0.75

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if "ADDRESS" not in entities or not has_cjk(text):
            return []
        return [
            self.result(start, end, "LAC place names joined with house numbers")
            for start, end in _address_spans(lac_words(text))
            if _STREET_LEVEL.search(text[start:end])
        ]


def _address_spans(words: list[LacWord]) -> list[tuple[int, int]]:
    spans: list[tuple[int, int]] = []
    i = 0
    while i < len(words):
        if words[i].tag != "LOC":
            i += 1
            continue
        start, end = words[i].start, words[i].end
        i += 1
        while i < len(words) and _continues(words[i]):
            end = words[i].end
            i += 1
        spans.append((start, end))
    return spans


def _continues(word: LacWord) -> bool:
    if word.tag == "LOC":
        return True
    return word.text.strip() != "" and _CONTINUATION.fullmatch(word.text) is not None
