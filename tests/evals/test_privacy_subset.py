"""The privacy eval on its quick subsets (200 generated, 100 CLUENER, 100 Presidio synth messages).

Floors are the figures measured on these subsets (2026-12-02) minus a margin, so a change to a recognizer
that costs recall, precision or leaks shows up here; the full eval is `python -m evals privacy`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evals import privacy

# Measured F2 on the quick generated subset: IDs, cards, phones, e-mail, passports 1.00; PERSON 0.94;
# ADDRESS 0.80; any type 0.97.
GENERATED_F2_FLOOR = {
    "CN_ID_CARD": 0.95,
    "BANK_CARD": 0.95,
    "PHONE_NUMBER": 0.95,
    "EMAIL_ADDRESS": 0.95,
    "PASSPORT": 0.95,
    "PERSON": 0.88,
    "ADDRESS": 0.70,
    "any type": 0.93,
}


@pytest.fixture(scope="module")
def metrics(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    section = privacy.run(quick=True, plots_dir=tmp_path_factory.mktemp("plots"))
    assert section.title == privacy.TITLE
    assert all(Path(p).read_bytes().startswith(b"\x89PNG") for p in section.plots)
    return section.metrics


def test_generated_set_f2_per_entity_stays_above_measured_floor(metrics: dict[str, Any]) -> None:
    entities = metrics["generated"]["ours"]["entities"]
    for entity, floor in GENERATED_F2_FLOOR.items():
        assert entities[entity]["f2"] >= floor, entity


def test_valid_ids_and_cards_never_leak(metrics: dict[str, Any]) -> None:
    leaked = metrics["generated"]["ours"]["kind_leaked"]
    assert leaked["id18"] == 0.0
    assert leaked["card"] == 0.0
    # A mistyped ID next to 身份证 is still personal data.
    assert leaked["id18_mistyped"] == 0.0


def test_message_leak_rate_stays_low(metrics: dict[str, Any]) -> None:
    # Measured 0.036 (English street names Faker invents, a few names); Presidio default 0.69.
    generated = metrics["generated"]
    assert generated["ours"]["leak_rate"] <= 0.06
    assert generated["ours"]["leak_rate"] < generated["presidio_default"]["leak_rate"]


def test_non_pii_numbers_are_not_flagged(metrics: dict[str, Any]) -> None:
    ours = metrics["generated"]["ours"]
    # Measured 0 on every kind of the subset (0.034 on order numbers in the full set: "Order DD…" read
    # as a name by spaCy); PII-free messages flagged: 0.
    assert max(ours["decoy_flagged"].values()) <= 0.05
    for kind in ("order18", "luhn_fail16", "date", "amount", "tail4", "hotline"):
        assert ours["decoy_flagged"][kind] == 0.0, kind
    assert ours["clean_flagged"] <= 0.03


def test_chinese_names_in_news_text_are_found(metrics: dict[str, Any]) -> None:
    cluener = metrics["CLUENER2020"]
    person = cluener["ours"]["entities"]["PERSON"]
    # Measured recall 0.93, precision 0.72; Presidio default finds none.
    assert person["recall"] >= 0.85
    assert person["precision"] >= 0.6
    assert person["f2"] > cluener["presidio_default"]["entities"]["PERSON"]["f2"]


def test_presidio_synth_english_figures(metrics: dict[str, Any]) -> None:
    ours = metrics["Presidio synth_dataset_v2"]["ours"]["entities"]
    # Measured: e-mail 1.00, PERSON F2 0.70, any type precision 0.89.
    assert ours["EMAIL_ADDRESS"]["recall"] >= 0.95
    assert ours["PERSON"]["f2"] >= 0.6
    assert ours["any type"]["precision"] >= 0.8


def test_numbers_and_emails_never_leak_in_any_written_form(metrics: dict[str, Any]) -> None:
    """Issue 10's target: IDs (valid and mistyped), cards, mobiles and e-mails, every form, leak 0."""
    leaked = metrics["generated"]["ours"]["kind_leaked"]
    guarded = [k for k in leaked if k.split("/")[0] in _ZERO_LEAK_KINDS]
    assert any("/" in k for k in guarded), "the subset holds other written forms"
    assert {k: leaked[k] for k in guarded if leaked[k] > 0} == {}


def test_overall_value_leak_and_clean_changes_meet_the_targets(metrics: dict[str, Any]) -> None:
    ours = metrics["generated"]["ours"]
    # Measured on the full set (2400): 0.002 of values leaked (English names), clean messages 0.000.
    assert ours["value_leak_rate"] <= 0.02
    assert ours["clean_flagged"] <= 0.03


def test_presidio_synth_beats_presidio_default(metrics: dict[str, Any]) -> None:
    synth = metrics["Presidio synth_dataset_v2"]
    # Full set (1500, 2026-12-03): ours F2 0.818 against Presidio default 0.600 (any type).
    ours, default = synth["ours"]["entities"], synth["presidio_default"]["entities"]
    assert ours["any type"]["f2"] > default["any type"]["f2"]


_ZERO_LEAK_KINDS = {
    "id18", "id18_mistyped", "id18_mistyped_no_context", "id18_form", "id15", "card", "card_form",
    "mobile", "mobile_form", "email", "email_form",
}  # fmt: skip


def test_profile_paragraphs_leak_almost_nothing_and_keep_their_numbers(metrics: dict[str, Any]) -> None:
    # Measured on 500 paragraphs (2026-12-03): any-type F2 0.998, 0.2 % of values leaked (names only),
    # no date, amount, order or transaction number flagged; Presidio default leaked 66 %.
    profiles = metrics[privacy.PROFILES]
    ours = profiles["ours"]
    assert ours["entities"]["any type"]["f2"] >= 0.95
    assert ours["value_leak_rate"] <= 0.02
    assert ours["value_leak_rate"] < profiles["presidio_default"]["value_leak_rate"]
    for kind in ("id18", "card", "mobile", "email"):
        assert ours["kind_leaked"][kind] == 0.0, kind
    assert max(ours["decoy_flagged"].values()) <= 0.03
