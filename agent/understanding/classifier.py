"""`ModelClassifier`: the calibrated intent model behind the `Classification` the pipeline routes on.

Only a confident prediction names an intent that takes the message away from the knowledge base (a
person for urgent risks, complaints, explicit requests and account matters; a greeting; a polite
refusal). When the model abstains the message is treated as a question and retrieval decides, so noise
(a neutral question worded like a complaint, "我的卡…" in a how-to) cannot route it. Sentiment and
urgency still come from the lexicon, which reads them well.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Protocol

from agent.classify import Classification, Urgency, read_lexicon
from agent.intents import Intent
from agent.understanding.intent_model import IntentModel, IntentPrediction
from agent.understanding.query_vectors import QueryVectors

LABEL_INTENT: dict[str, Intent] = {
    "faq": Intent.FAQ,
    "followup": Intent.FAQ,
    "complaint": Intent.COMPLAINT,
    "human": Intent.HUMAN,
    "account": Intent.ACCOUNT,
    "urgent": Intent.URGENT,
    "smalltalk": Intent.CHITCHAT,
    "affirm": Intent.CHITCHAT,
    "deny": Intent.CHITCHAT,
    "out_of_scope": Intent.OUT_OF_SCOPE,
}
# The lexicon's precise "转人工 / 人工客服" cue (agent.intents): a request for a person in so many words.
EXPLICIT_HUMAN_CUE = "ask_human"
# A complaint or urgent message that also asks something gets an answer with its handoff.
ALSO_A_QUESTION_AT = 0.2


class QueryEmbedder(Protocol):
    name: str

    def embed_query(self, text: str) -> Sequence[float]: ...


class ModelClassifier:
    def __init__(self, model: IntentModel, embedder: QueryEmbedder) -> None:
        self.model = model
        self.embedder = embedder

    def predict(self, text: str, vectors: QueryVectors | None = None) -> IntentPrediction:
        """`vectors`: the turn's embeddings (shared with retrieval), used when they come from the model
        this one was fitted with."""
        if vectors is None or vectors.name != self.embedder.name:
            return self.model.predict(text, self.embedder)
        return self.model.predict_many([text], [vectors(text)])[0]

    def classify(self, text: str, vectors: QueryVectors | None = None) -> Classification:
        return to_classification(text, self.predict(text, vectors))


def to_classification(text: str, prediction: IntentPrediction) -> Classification:
    """The route (`intent`) from a confident label, FAQ when the model abstains; lexicon sentiment."""
    evidence = read_lexicon(text)
    intent = LABEL_INTENT[prediction.label] if prediction.label is not None else Intent.FAQ
    if prediction.label is None and _urgent_agreement(prediction, evidence.scores.get(Intent.URGENT, 0.0)):
        intent = Intent.URGENT
    if intent is Intent.CHITCHAT and EXPLICIT_HUMAN_CUE in evidence.cues:
        # "算了，直接给我转人工" read as small talk: an explicit request for a person is never ignored.
        intent = Intent.HUMAN
    flags = {intent}
    if intent in (Intent.URGENT, Intent.COMPLAINT) and (
        prediction.probabilities.get("faq", 0.0) >= ALSO_A_QUESTION_AT or "question" in evidence.cues
    ):
        flags.add(Intent.FAQ)
    negative = evidence.negative + (0.3 if intent in (Intent.COMPLAINT, Intent.URGENT) else 0.0)
    sentiment = math.tanh(evidence.positive - negative)
    reasons = [
        f"model:{prediction.top}={prediction.probability:.2f}" + ("" if prediction.label else "(abstain)")
    ]
    reasons += [f"lexicon:{name}" for name in evidence.cues]
    return Classification(
        intent=intent,
        flags=frozenset(flags),
        sentiment=round(sentiment, 3),
        negative=sentiment <= -0.2,
        urgency=_urgency(intent, sentiment, evidence.pressing, evidence.threat),
        reasons=tuple(reasons),
    )


# A lost or stolen card that the model leans towards but will not call alone: a precise urgent cue
# (挂失, 丢了, 被盗 …) agreeing with the model's own top choice is enough, because a missed urgent risk costs
# the customer money while an extra urgent handoff costs a person a minute.
URGENT_AGREEMENT_AT = 0.3
URGENT_CUE_AT = 1.0


def _urgent_agreement(prediction: IntentPrediction, urgent_cue_score: float) -> bool:
    return (
        prediction.top == "urgent"
        and prediction.probability >= URGENT_AGREEMENT_AT
        and urgent_cue_score >= URGENT_CUE_AT
    )


def _urgency(intent: Intent, sentiment: float, pressing: bool, threat: bool) -> Urgency:
    if intent is Intent.URGENT:
        return "urgent"
    if intent in (Intent.COMPLAINT, Intent.HUMAN, Intent.ACCOUNT):
        if pressing or (intent is Intent.COMPLAINT and (threat or sentiment <= -0.9)):
            return "high"
        return "normal"
    return "normal" if pressing and intent is Intent.FAQ else "low"
