"""The intent training set: valid, balanced, reproducible from its sources, and apart from the eval sets."""

from __future__ import annotations

import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from types import ModuleType

ROOT = Path(__file__).resolve().parents[2]


def _builder() -> ModuleType:
    path = ROOT / "scripts" / "build_intent_train.py"
    spec = importlib.util.spec_from_file_location("build_intent_train", path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


build = _builder()


def _committed() -> list[dict[str, str]]:
    lines = build.OUT.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_committed_file_is_valid_and_has_no_duplicates() -> None:
    assert build.check(_committed()) == []


def test_size_balance_and_english_share() -> None:
    records = _committed()
    labels = Counter(r["label"] for r in records)
    assert len(records) >= 3200
    assert all(labels[label] >= 250 for label in build.LABELS), labels
    assert Counter(r["style"] for r in records)["english"] / len(records) >= 0.15


def test_at_least_half_is_hand_written() -> None:
    written = build.read_written()
    assert len(written) * 2 >= len(_committed())


def test_committed_file_is_what_the_sources_build() -> None:
    written = build.read_written()
    assert written + build.generate(written) == _committed()


def test_no_text_of_an_eval_set_is_trained_on() -> None:
    held = build.reserved()
    assert held, "the eval sets should be found"
    assert not [r["text"] for r in _committed() if build.norm(r["text"]) in held]
