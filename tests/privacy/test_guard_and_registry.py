"""The residual guard (last line of defence) and the recognizer registry built from configuration."""

from __future__ import annotations

from pathlib import Path

import pytest
from presidio_analyzer import AnalyzerEngine

from privacy import Redactor, SqlVault, build_analyzer
from privacy.guard import residual_spans
from privacy.recognizers.registry import FACTORIES, RecognizerConfigError, load_config


@pytest.mark.parametrize(
    "text, masked",
    [
        ("号码是 98765432101", ["98765432101"]),  # a long number nothing explains
        ("订单号98765432101", []),  # a reference with its word
        ("2024031512 是什么", ["2024031512"]),
        ("20240315", []),  # a date
        ("20240315143000", []),  # a timestamp
        ("12345678元", []),  # an amount
        ("¥12345678", []),
        ("12345678.90", []),
        ("4008208888", []),  # a hotline
        ("DD20240315123456", []),  # letters glued to a reference
        ("C12345678", ["12345678"]),  # one letter is a permit's, not a reference's
        ("123456", []),  # short numbers are codes and tails
    ],
)
def test_residual_guard_masks_unexplained_long_digit_runs(text: str, masked: list[str]) -> None:
    assert [text[s:e] for s, e in residual_spans(text, [])] == masked


def test_guard_masks_are_counted_and_stored(redactor: Redactor, vault: SqlVault) -> None:
    redaction = redactor.redact("号码是 98765432101", "conv-1")
    assert redaction.text == "号码是 <NUMBER_1>"
    assert redaction.residual_masked == 1
    assert redactor.residual_masked == 1
    assert vault.reveal("conv-1", "<NUMBER_1>") == "98765432101"


def test_default_configuration_names_known_recognizers() -> None:
    names = {entry.name for entry in load_config()}
    assert names <= set(FACTORIES)
    assert {"CnIdCardRecognizer", "LacNameRecognizer", "CnEmailRecognizer"} <= names


def test_a_bank_switches_a_recognizer_off_by_configuration(
    tmp_path: Path, analyzer: AnalyzerEngine, vault: SqlVault
) -> None:
    config = tmp_path / "recognizers.yaml"
    config.write_text("recognizers:\n  - name: CnPhoneRecognizer\n  - name: CnEmailRecognizer\n", "utf-8")
    only_numbers = build_analyzer(config)
    names = {r.name for r in only_numbers.registry.recognizers}
    assert names == {"CnPhoneRecognizer", "CnEmailRecognizer"}
    redactor = Redactor(only_numbers, vault)
    assert redactor.redact("我叫张伟，手机13812345678", "conv-1").text == "我叫张伟，手机<PHONE_1>"


def test_languages_limit_a_recognizer(tmp_path: Path) -> None:
    config = tmp_path / "recognizers.yaml"
    config.write_text("recognizers:\n  - name: ShortCardRecognizer\n    languages: [en]\n", "utf-8")
    analyzer = build_analyzer(config)
    assert {r.supported_language for r in analyzer.registry.recognizers} == {"en"}


def test_unknown_recognizer_names_fail_loudly(tmp_path: Path) -> None:
    config = tmp_path / "recognizers.yaml"
    config.write_text("recognizers:\n  - name: NoSuchRecognizer\n", "utf-8")
    with pytest.raises(RecognizerConfigError, match="NoSuchRecognizer"):
        load_config(config)
