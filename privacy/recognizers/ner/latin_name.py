"""English names inside Chinese messages ("我的客户经理是John Smith"), via the English spaCy model."""

from __future__ import annotations

import re

from presidio_analyzer import RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from spacy.language import Language

from privacy.recognizers.base import ModelRecognizer

# A run of Latin-script words between Chinese characters or punctuation.
_LATIN_RUN = re.compile(r"[A-Za-z][A-Za-z .'’\-]*[A-Za-z]")
_CAPITALISED_WORD = re.compile(r"(?<![A-Za-z])[A-Z][a-z]+")
_WHY = "English NER on a Latin-script run of a Chinese message"


class LatinNameRecognizer(ModelRecognizer):
    """Runs English NER on each Latin-script run of a Chinese message, on its own.

    The Chinese pipeline is blank, so without this a Chinese message would lose its English
    names. Run on the whole message, spaCy sees "是John" as one token; with the Chinese blanked
    out it finds 80% of Faker names; on the run alone ("Peggy Rivera") 88%.
    """

    ENTITY = "PERSON"
    SCORE = 0.7

    def __init__(self, english: Language, supported_language: str = "zh") -> None:
        self._english = english  # already loaded by the NLP engine, shared
        super().__init__(supported_language)

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        if "PERSON" not in entities or not _CAPITALISED_WORD.search(text):
            return []
        results = []
        for run in _LATIN_RUN.finditer(text):
            if not _CAPITALISED_WORD.search(run.group()):
                continue
            for ent in self._english(run.group()).ents:
                if ent.label_ != "PERSON":
                    continue
                start = run.start() + ent.start_char
                results.append(self.result(start, run.start() + ent.end_char, _WHY))
        return results
