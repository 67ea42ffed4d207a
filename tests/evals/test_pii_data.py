"""The generated PII set is labelled correctly by construction, and the span scoring counts what it says."""

from __future__ import annotations

from evals.pii_data import generate, load_cluener, load_presidio_synth
from evals.privacy import Found, Outcome, score
from evals.report import SHARED_EVALDATA
from privacy.entities import ENTITY_TYPES
from privacy.recognizers.checksums import digits_only, gb11643_valid, luhn_valid

MESSAGES = generate(400)


def test_gold_spans_point_at_their_values() -> None:
    for message in MESSAGES:
        for span in message.spans:
            assert message.text[span.start : span.end] == span.value


def test_generation_is_seeded() -> None:
    assert [m.text for m in generate(50)] == [m.text for m in MESSAGES[:50]]


def test_every_entity_type_and_both_languages_are_covered() -> None:
    entities = {s.entity for m in MESSAGES for s in m.gold}
    assert entities == set(ENTITY_TYPES), "every type the product redacts has generated examples"
    assert {m.language for m in MESSAGES} == {"zh", "en"}


def test_ids_and_cards_pass_or_fail_their_checksums_as_labelled() -> None:
    spans = [s for m in MESSAGES for s in m.spans]
    assert all(gb11643_valid(s.value) for s in spans if s.kind == "id18")
    assert all(not gb11643_valid(s.value) for s in spans if s.kind == "id18_mistyped")
    assert all(luhn_valid(digits_only(s.value)) for s in spans if s.kind == "card")
    assert all(not luhn_valid(s.value) for s in spans if s.kind == "luhn_fail16")


def test_mistyped_ids_sit_next_to_id_context() -> None:
    for message in MESSAGES:
        for span in message.spans:
            if span.kind == "id18_mistyped":
                assert "身份证" in message.text[: span.start] or "证件号" in message.text[: span.start]


def test_public_sets_load_with_mapped_labels() -> None:
    cluener = load_cluener(SHARED_EVALDATA / "pii" / "cluener2020_train.json", 50)
    synth = load_presidio_synth(SHARED_EVALDATA / "pii" / "synth_dataset_v2.json", 50)
    for message in [*cluener, *synth]:
        for span in message.spans:
            assert message.text[span.start : span.end] == span.value
    assert {s.entity for m in cluener for s in m.spans} == {"PERSON", "ADDRESS"}
    assert {s.entity for m in synth for s in m.spans} <= {
        "PERSON",
        "ADDRESS",
        "BANK_CARD",
        "PHONE_NUMBER",
        "EMAIL_ADDRESS",
    }


def test_scoring_counts_overlap_of_the_same_type_and_verbatim_leaks() -> None:
    message = generate(1)[0]
    gold = message.gold[0]
    found = [
        Found(gold.entity or "", gold.start + 1, gold.end),  # overlaps: counts, though not exact
        Found("PASSPORT", len(message.text) + 5, len(message.text) + 9),  # a false positive
    ]
    redacted = message.text[: gold.start] + "<X>" + message.text[gold.end :]
    scores = score([message], Outcome([found], [redacted], 0.0), [gold.entity or ""])
    counts = scores.per_entity[gold.entity or ""]
    assert (counts.gold, counts.gold_found, counts.pred, counts.pred_ok) == (1, 1, 1, 1)
    assert scores.per_entity["any type"].pred == 2
    leaking = score([message], Outcome([found], [message.text], 0.0), [gold.entity or ""])
    assert leaking.leak_rate == 1.0 and scores.kind_leaked[gold.kind] == [0, 1]
