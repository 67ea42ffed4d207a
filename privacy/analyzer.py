"""The Presidio analyzer for this product, built once per process, and message language detection."""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Literal

from presidio_analyzer import AnalyzerEngine

from privacy.context import CharWindowContextEnhancer
from privacy.nlp_engine import OfflineSpacyNlpEngine, load_pipelines
from privacy.recognizers.registry import build_registry, load_config

LANGUAGES = ["en", "zh"]

_CJK_CHAR = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z]+")
# Addresses and links are not English prose however many dots they have.
_ADDRESS_OR_LINK = re.compile(r"[\w.%+-]+@[\w.-]+|https?://\S+|www\.\S+", re.ASCII)


def detect_language(text: str) -> Literal["zh", "en"]:
    """Chinese when Chinese characters make up at least half of the words.

    A Chinese character carries about what an English word does, so characters are counted
    against English words, not letters: "我的email是john@example.com" stays Chinese.
    """
    cjk = len(_CJK_CHAR.findall(text))
    latin_words = len(_LATIN_WORD.findall(_ADDRESS_OR_LINK.sub(" ", text)))
    return "zh" if cjk and cjk >= latin_words else "en"


@lru_cache(maxsize=4)
def build_analyzer(config: Path | None = None) -> AnalyzerEngine:
    """The recognizers named in `config` (default: `privacy/recognizers.yaml`, or the file in
    PRIVACY_RECOGNIZERS). No predefined Presidio recognizers: several mislabel Chinese numbers
    (a mobile as UK_NHS)."""
    pipelines = load_pipelines()
    return AnalyzerEngine(
        registry=build_registry(load_config(config), LANGUAGES, pipelines),
        nlp_engine=OfflineSpacyNlpEngine(pipelines),
        supported_languages=LANGUAGES,
        context_aware_enhancer=CharWindowContextEnhancer(),
    )
