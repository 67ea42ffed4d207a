"""The recognizer registry, built from configuration so a bank can switch recognizers without code.

`privacy/recognizers.yaml` lists recognizers by class name, optionally limited to some languages.
Every recognizer this package ships is registered here under its class name.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import yaml
from presidio_analyzer import EntityRecognizer, RecognizerRegistry, RecognizerResult
from presidio_analyzer.nlp_engine import NlpArtifacts
from presidio_analyzer.predefined_recognizers import SpacyRecognizer
from spacy.language import Language

from privacy.recognizers.china.address_pattern import ChineseAddressPatternRecognizer
from privacy.recognizers.china.bank_account import BankAccountRecognizer
from privacy.recognizers.china.bank_card import BankCardRecognizer
from privacy.recognizers.china.id_card import CnIdCardRecognizer
from privacy.recognizers.china.licence_plate import LicencePlateRecognizer
from privacy.recognizers.china.name_pattern import ChineseNamePatternRecognizer
from privacy.recognizers.china.passport import CnPassportRecognizer
from privacy.recognizers.china.permit import TravelPermitRecognizer
from privacy.recognizers.china.phone import CnPhoneRecognizer
from privacy.recognizers.china.qq import QqNumberRecognizer
from privacy.recognizers.china.wechat import WeChatIdRecognizer
from privacy.recognizers.generic.card import ShortCardRecognizer
from privacy.recognizers.generic.email import CnEmailRecognizer
from privacy.recognizers.generic.en_address import EnglishAddressRecognizer
from privacy.recognizers.generic.en_name_pattern import EnglishNamePatternRecognizer
from privacy.recognizers.generic.passport import PassportRecognizer
from privacy.recognizers.generic.phone import InternationalPhoneRecognizer
from privacy.recognizers.ner.lac_address import LacAddressRecognizer
from privacy.recognizers.ner.lac_name import LacNameRecognizer
from privacy.recognizers.ner.latin_name import LatinNameRecognizer

DEFAULT_CONFIG = Path(__file__).resolve().parent.parent / "recognizers.yaml"
CONFIG_ENV = "PRIVACY_RECOGNIZERS"

Factory = Callable[[str, Mapping[str, Language]], EntityRecognizer]


class SpacyPersonRecognizer(SpacyRecognizer):
    """Only PERSON from spaCy (a bare city or organisation is not personal data here), without the
    small model's usual slips: a capitalised first word of a request ("Email me", "Order DD…")."""

    NOT_NAMES = frozenset(
        {"email", "order", "hi", "hello", "dear", "thanks", "reference", "card", "call", "mail"}
    )

    def __init__(self, supported_language: str = "en") -> None:
        super().__init__(supported_language=supported_language, supported_entities=["PERSON"])
        self.name: str = type(self).__name__

    def analyze(
        self, text: str, entities: list[str], nlp_artifacts: NlpArtifacts | None = None
    ) -> list[RecognizerResult]:
        return [
            r
            for r in super().analyze(text, entities, nlp_artifacts)
            if not any(ch.isdigit() for ch in text[r.start : r.end])
            and text[r.start : r.end].split()[0].lower() not in self.NOT_NAMES
        ]


def _spacy_person(language: str, pipelines: Mapping[str, Language]) -> EntityRecognizer:
    return SpacyPersonRecognizer(language)


def _plain(cls: Callable[[str], EntityRecognizer]) -> Factory:
    return lambda language, _pipelines: cls(language)


FACTORIES: dict[str, Factory] = {
    "CnIdCardRecognizer": _plain(CnIdCardRecognizer),
    "BankCardRecognizer": _plain(BankCardRecognizer),
    "BankAccountRecognizer": _plain(BankAccountRecognizer),
    "CnPhoneRecognizer": _plain(CnPhoneRecognizer),
    "CnPassportRecognizer": _plain(CnPassportRecognizer),
    "TravelPermitRecognizer": _plain(TravelPermitRecognizer),
    "WeChatIdRecognizer": _plain(WeChatIdRecognizer),
    "QqNumberRecognizer": _plain(QqNumberRecognizer),
    "LicencePlateRecognizer": _plain(LicencePlateRecognizer),
    "ChineseNamePatternRecognizer": _plain(ChineseNamePatternRecognizer),
    "ChineseAddressPatternRecognizer": _plain(ChineseAddressPatternRecognizer),
    "CnEmailRecognizer": _plain(CnEmailRecognizer),
    "PassportRecognizer": _plain(PassportRecognizer),
    "EnglishAddressRecognizer": _plain(EnglishAddressRecognizer),
    "EnglishNamePatternRecognizer": _plain(EnglishNamePatternRecognizer),
    "ShortCardRecognizer": _plain(ShortCardRecognizer),
    "InternationalPhoneRecognizer": _plain(InternationalPhoneRecognizer),
    "LacNameRecognizer": _plain(LacNameRecognizer),
    "LacAddressRecognizer": _plain(LacAddressRecognizer),
    "LatinNameRecognizer": lambda language, pipelines: LatinNameRecognizer(pipelines["en"], language),
    "SpacyPersonRecognizer": _spacy_person,
}


class RecognizerConfigError(ValueError):
    """The recognizer configuration names an unknown recognizer or is malformed."""


@dataclass(frozen=True)
class RecognizerEntry:
    name: str
    languages: tuple[str, ...] | None = None  # None: every language


def config_path() -> Path:
    return Path(os.environ.get(CONFIG_ENV) or DEFAULT_CONFIG)


def load_config(path: Path | None = None) -> list[RecognizerEntry]:
    data = yaml.safe_load((path or config_path()).read_text(encoding="utf-8")) or {}
    entries = []
    for item in data.get("recognizers", []):
        item = {"name": item} if isinstance(item, str) else item
        name = item.get("name") if isinstance(item, dict) else None
        if name not in FACTORIES:
            raise RecognizerConfigError(f"unknown recognizer {name!r}; known: {', '.join(sorted(FACTORIES))}")
        languages = item.get("languages")
        entries.append(RecognizerEntry(name, tuple(languages) if languages else None))
    return entries


def build_registry(
    entries: list[RecognizerEntry], languages: list[str], pipelines: Mapping[str, Language]
) -> RecognizerRegistry:
    registry = RecognizerRegistry(supported_languages=languages)
    for language in languages:
        for entry in entries:
            if entry.languages is None or language in entry.languages:
                registry.add_recognizer(FACTORIES[entry.name](language, pipelines))
    return registry
