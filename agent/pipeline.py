"""One customer message, start to finish: redact → follow the last offer → understand → classify → route →
retrieve → check scope → respond → hand off → reply.

Every channel reaches this through the conversation service (`services/conversations.py`), which loads
the conversation, commits the customer's (redacted) message, calls `Agent.run` and stores the
`TurnOutcome` in one transaction. The steps are plain functions over values: none of them touches SQL,
and the raw text exists only in `Agent.redact`'s argument.

Understanding comes first: a reply to what the bot offered last ("好的" to "需要为您转接人工客服吗？", "2"
to a clarifying question) does what was offered; an elliptical turn ("那金卡呢") is rewritten into a
standalone question from the conversation state, and that question is what is classified, retrieved,
summarised for staff and remembered. Only a confident intent model takes a message away from the
knowledge base; otherwise retrieval decides, and an answer is given only when the question's subject is
ours (`agent.understanding.scope`).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Protocol

from agent.classify import Classification, Intent
from agent.compliance import check_answer
from agent.conversation_state import ConversationState
from agent.group import is_addressed, is_mentioned, without_bot_mentions
from agent.handoff import CATEGORY, Passage, build_summary, unanswered_question, urgency_for
from agent.prompts import (
    CLARIFY,
    FALLBACK,
    GREETING,
    GROUP_PRIVATE,
    GROUP_QUEUED,
    GROUP_SERVING,
    HANDOFF,
    HUMAN_MODE,
    NOT_OFFERED,
    NOT_OURS,
    OFFER_ACCEPTED,
    OFFER_ACCEPTED_QUEUED,
    OFFER_DECLINED,
    ONLY_CHINESE_EN,
    OUT_OF_SCOPE,
    PII_WARNING,
    PII_WARNING_PRIVATE,
    RISK_NOTICE,
    SOURCES_LABEL,
    THANKS,
    eta_text,
    say,
)
from agent.responders import Responder
from agent.routing import decide
from agent.state import (
    Action,
    Citation,
    HandoffChange,
    HandoffPlan,
    RedactedMessage,
    TranscriptLine,
    TurnContext,
    TurnOutcome,
    source_url,
)
from agent.understanding.answerability import Context, PassageWords
from agent.understanding.clarify import Tie, near_tie
from agent.understanding.classifier import ModelClassifier
from agent.understanding.followup import asked_again, bare_question, remember
from agent.understanding.offers import Choice, declines_all, pick, yes_or_no
from agent.understanding.query_vectors import QueryVectors
from agent.understanding.scope import ScopeCheck
from agent.understanding.terms import KnowledgeTerms, RewriterFactory, Terms, slot_rewriter
from agent.understanding.vocabulary import SlotVocabulary
from core.status import LOW_CONFIDENCE, ConversationMode, Role, urgency_rank
from knowledge import KnowledgeBase, Retrieval, StoreUnavailable
from privacy import Redactor, detect_language

log = logging.getLogger(__name__)

# PII whose appearance in a message deserves a warning to the customer.
WARN_PII = {"CN_ID_CARD", "BANK_CARD", "PASSPORT"}
# Intents for which the knowledge base is consulted.
RETRIEVE_FOR = {Intent.FAQ, Intent.URGENT, Intent.COMPLAINT}
_THANKS_WORDS = ("谢", "thank", "感谢", "多谢")
# Turns that were questions about something: remembered as the topic for follow-ups.
QUESTION_ACTIONS = {Action.ANSWER, Action.FALLBACK, Action.HANDOFF, Action.PRIVATE_FOLLOWUP}
# A short message the intent model is sure leans on the last question is a follow-up even if no rule says so.
MAX_MODEL_FOLLOWUP_CHARS = 20
# Enough candidates to find the document a customer picked among the clarifying choices.
CHOICE_CANDIDATES = 20
ACCEPTED = Classification(
    intent=Intent.HUMAN,
    flags=frozenset({Intent.HUMAN}),
    sentiment=0.0,
    negative=False,
    urgency="normal",
    reasons=("offer:accepted",),
)


class Classifier(Protocol):
    def classify(self, text: str, vectors: QueryVectors | None = None) -> Classification: ...


class Answerability(Protocol):
    """Whether the top hit answers the question (`agent.understanding.answerability.AnswerGate`)."""

    def judge(
        self,
        question: str,
        retrieval: Retrieval,
        passages: PassageWords,
        vocabulary: SlotVocabulary,
        context: Context = ...,
    ) -> Retrieval: ...


@dataclass(frozen=True)
class AgentConfig:
    bank_name: str
    hotline: str
    bot_names: tuple[str, ...]
    retrieval_k: int = 5


@dataclass(frozen=True)
class Route:
    """The action decided so far, why a person is needed (if one is), and any retrieval already done."""

    action: Action
    handoff_reason: str | None = None
    retrieval: Retrieval | None = None
    scope: ScopeCheck | None = None  # the question names something that is not ours
    tie: Tie | None = None  # two topics nearly tied: ask which one
    waiting: bool = False  # a person is coming: answer what the base answers well, else stay quiet
    unplaced: bool = False  # the intent model called it out of scope: answered only if the gate agrees


@dataclass(frozen=True)
class Answer:
    text: str
    notices: tuple[str, ...]
    citations: tuple[Citation, ...]
    in_language: bool = True  # False: an English question answered with the Chinese text


class UnknownConversation(LookupError):
    """The channel named a conversation that does not exist."""


class Agent:
    def __init__(
        self,
        *,
        redactor: Redactor,
        classifier: Classifier,
        knowledge: KnowledgeBase,
        responder: Responder,
        config: AgentConfig,
        rewriter: RewriterFactory = slot_rewriter,
        gate: Answerability | None = None,
    ) -> None:
        """`gate`: judges answerability after retrieval (None: the retriever's own confidence decides)."""
        self.redactor = redactor
        self.classifier = classifier
        self.knowledge = knowledge
        self.responder = responder
        self.config = config
        self.rewriter = rewriter
        self.gate = gate
        self.terms = KnowledgeTerms(knowledge, config.bank_name)

    # -- the two entry points the conversation service calls --------------------------------------
    def redact(self, text: str, conversation_id: str) -> RedactedMessage:
        """Replace PII by placeholders numbered per conversation (originals go to the vault)."""
        redaction = self.redactor.redact(text, conversation_id)
        return RedactedMessage(
            text=redaction.text,
            pii_types=tuple(sorted({e.entity_type for e in redaction.entities})),
            language="en" if detect_language(text) == "en" else "zh",
        )

    def run(self, ctx: TurnContext, message: RedactedMessage) -> TurnOutcome:
        ctx, message = self.addressed_by_name(ctx, message)
        terms = self.terms.current()
        # Each question of the turn is embedded once, for the intent model, retrieval and hand-off alike.
        vectors = QueryVectors(self.knowledge.embedder)
        followed = self.follow_offer(ctx, message, terms, vectors)
        if followed is not None:
            return followed
        question = self.understand(ctx, message, terms, vectors)
        c = self.classifier.classify(question.text, vectors)
        route = self.route(ctx, question, c, vectors)
        route = self.retrieve(ctx, question, c, route, terms, vectors)
        route = self.check_scope(question, c, route, terms)
        route, answer = self.respond(ctx, question, route)
        return self.outcome(ctx, question, c, route, answer, terms, vectors)

    def addressed_by_name(
        self, ctx: TurnContext, message: RedactedMessage
    ) -> tuple[TurnContext, RedactedMessage]:
        """A mention of the bot ("@小禾") says who is asked, not what: it is noted as a mention and left out
        of the question, so it weighs on neither the intent model, retrieval nor the answer gate."""
        names = self.config.bot_names
        if not any(f"@{n}".lower() in message.text.lower() for n in names):
            return ctx, message
        asked = without_bot_mentions(message.text, names)
        if not asked:
            return ctx, message
        if not is_mentioned("", ctx.mentions, names):
            ctx = replace(ctx, mentions=(*ctx.mentions, next(iter(names))))
        return ctx, replace(message, text=asked)

    def search(self, text: str, k: int, vectors: QueryVectors) -> Retrieval:
        """Hybrid retrieval with the turn's embedding of `text` (computed here only if it is new)."""
        return self.knowledge.search(text, k=k, query_vector=vectors(text))

    def outcome(
        self,
        ctx: TurnContext,
        question: RedactedMessage,
        c: Classification,
        route: Route,
        answer: Answer | None,
        terms: Terms,
        vectors: QueryVectors,
    ) -> TurnOutcome:
        handoff = self.hand_off(ctx, question, c, route, vectors)
        reply = self.reply(ctx, question, c, route, answer)
        mode = ConversationMode.HUMAN if handoff and route.handoff_reason != LOW_CONFIDENCE else None
        citations = answer.citations if answer else ()
        return TurnOutcome(
            action=route.action,
            reply=reply,
            intent=str(c.intent),
            confidence=route.retrieval.confidence if route.retrieval else None,
            citations=citations,
            handoff=handoff,
            mode=mode,
            state=next_state(ctx, question, c, route, citations, terms),
            standalone=question.text if question.asked is not None else None,
        )

    # -- understanding the turn ----------------------------------------------------------------------
    def follow_offer(
        self, ctx: TurnContext, message: RedactedMessage, terms: Terms, vectors: QueryVectors
    ) -> TurnOutcome | None:
        """A reply to what the bot offered last does what was offered; anything else is a new turn."""
        state = ctx.state
        if ctx.mode == ConversationMode.HUMAN or state.last_offer is None:
            return None
        if state.last_offer == "handoff":
            reply = yes_or_no(message.text)
            if reply == "yes":
                return self.accept_offer(ctx, message, vectors)
            if reply == "no":
                text = self.compose(ctx, message, say(OFFER_DECLINED, message.language))
                return _plain_outcome(
                    Action.SMALLTALK, text, state.with_(last_offer=None, turns=state.turns + 1)
                )
            return None
        if not any(ch.isalpha() for ch in message.text):  # "2": the language the conversation is in
            message = replace(message, language=state.language)
        if asked_again(message.text, state.last_question):
            return None  # the same question word for word is asked anew, not a pick among the choices
        choices = [Choice(doc_id, terms.title(doc_id, message.language)) for doc_id in state.offer_choices]
        picked = pick(message.text, choices)
        if picked is not None:
            return self.answer_choice(ctx, message, choices[picked].doc_id, terms, vectors)
        if declines_all(message.text):
            question = replace(message, text=state.last_question or message.text)
            route = Route(Action.FALLBACK, LOW_CONFIDENCE)
            c = self.classifier.classify(question.text, vectors)
            return self.outcome(ctx, question, c, route, None, terms, vectors)
        return None

    def accept_offer(self, ctx: TurnContext, message: RedactedMessage, vectors: QueryVectors) -> TurnOutcome:
        """Hand off as offered: the low-confidence handoff already waiting becomes a request for a person."""
        question = replace(message, text=ctx.state.last_question or message.text)
        route = Route(Action.HANDOFF, "human_request")
        handoff = self.hand_off(ctx, question, ACCEPTED, route, vectors)
        accepted = OFFER_ACCEPTED_QUEUED if ctx.open_handoff is not None else OFFER_ACCEPTED
        state = ctx.state.with_(last_offer=None, offer_choices=(), turns=ctx.state.turns + 1)
        return TurnOutcome(
            action=Action.HANDOFF,
            reply=self.compose(ctx, message, say(accepted, message.language)),
            intent=str(Intent.HUMAN),
            confidence=None,
            citations=(),
            handoff=handoff,
            mode=ConversationMode.HUMAN,
            state=state,
        )

    def answer_choice(
        self, ctx: TurnContext, message: RedactedMessage, doc_id: str, terms: Terms, vectors: QueryVectors
    ) -> TurnOutcome | None:
        """Answer the last question from the document the customer picked."""
        query = ctx.state.last_question or message.text
        hits = []
        for text in (query, terms.title(doc_id, "zh")):
            found = self.search(text, CHOICE_CANDIDATES, vectors)
            hits = [h for h in found.hits if h.chunk.doc_id == doc_id]
            if hits:
                break
        if not hits:
            return None
        chosen = Retrieval(query=query, hits=hits, confidence=1.0, answerable=True)
        question = replace(message, text=query)
        c = self.classifier.classify(query, vectors)
        route, answer = self.respond(ctx, question, Route(Action.ANSWER, retrieval=chosen))
        return self.outcome(ctx, question, c, route, answer, terms, vectors)

    def understand(
        self, ctx: TurnContext, message: RedactedMessage, terms: Terms, vectors: QueryVectors
    ) -> RedactedMessage:
        """The standalone question this turn asks: follow-ups are rewritten from the conversation state."""
        state = ctx.state
        if not state.last_question or staff_has_spoken(ctx.transcript):
            return message
        rewriter = self.rewriter(terms.vocabulary)
        rewrite = rewriter.rewrite(message.text, state)
        if not rewrite.rewritten and self.model_says_followup(message.text, terms, vectors):
            rewrite = rewriter.rewrite(message.text, state, force=True)
        if not rewrite.rewritten:
            return message
        log.info("follow-up rewritten (%s) conversation=%s", rewrite.how, ctx.conversation_id)
        return replace(message, text=rewrite.question, asked=message.text, topic=rewrite.topic)

    def model_says_followup(self, text: str, terms: Terms, vectors: QueryVectors) -> bool:
        """The model reads it as a follow-up, or it is a short question naming nothing ("首付要多少") that
        the model cannot place (it would otherwise be refused as out of scope)."""
        if not isinstance(self.classifier, ModelClassifier) or len(text) > MAX_MODEL_FOLLOWUP_CHARS:
            return False
        label = self.classifier.predict(text, vectors).label
        if label == "followup":
            return True
        return label in (None, "out_of_scope") and bare_question(text, terms.vocabulary)

    # -- steps ---------------------------------------------------------------------------------------
    def route(
        self, ctx: TurnContext, message: RedactedMessage, c: Classification, vectors: QueryVectors
    ) -> Route:
        """Decide the action before any answer is written; retrieval may still refine FAQ routes."""
        addressed, retrieval = True, None
        if ctx.channel == "group":
            mentioned = is_mentioned(message.text, ctx.mentions, self.config.bot_names)
            addressed = is_addressed(message.text, c, mentioned)
            if not addressed and c.intent == Intent.FAQ and mentioned is False:
                # A question that mentions no one: speak only if the base can answer it confidently.
                retrieval = self.search(message.text, self.config.retrieval_k, vectors)
                addressed = is_addressed(message.text, c, mentioned, retrieval.answerable)
        if ctx.mode == ConversationMode.HUMAN and c.intent != Intent.URGENT:
            if c.intent == Intent.FAQ and addressed and not staff_has_spoken(ctx.transcript):
                return Route(Action.ANSWER, retrieval=retrieval, waiting=True)
            return Route(Action.HUMAN_MODE, retrieval=retrieval)
        if not addressed:
            return Route(Action.SILENT, retrieval=retrieval)
        action, reason = decide(c.intent, ctx.channel)
        if c.intent == Intent.OUT_OF_SCOPE and self.gate is not None:
            # Out of scope is no signal that pre-empts the knowledge base ("How do I apply for a Qinghe
            # credit card?" was read as one): the answer gate decides, else it is declined as before.
            return Route(Action.ANSWER, None, retrieval, unplaced=True)
        return Route(action, reason, retrieval)

    def retrieve(
        self,
        ctx: TurnContext,
        message: RedactedMessage,
        c: Classification,
        route: Route,
        terms: Terms,
        vectors: QueryVectors,
    ) -> Route:
        wants_answer = route.action == Action.ANSWER or (
            route.action == Action.HANDOFF
            and (c.intent == Intent.URGENT or (c.intent == Intent.COMPLAINT and Intent.FAQ in c.flags))
        )
        if not wants_answer or (c.intent not in RETRIEVE_FOR and not route.unplaced):
            return route
        if route.retrieval is None and route.action == Action.HANDOFF:
            # Going to a person anyway: an answer first is a courtesy, and a knowledge outage must not
            # stop an urgent case from reaching staff.
            try:
                retrieval = self.search(message.text, self.config.retrieval_k, vectors)
            except StoreUnavailable:
                log.warning("knowledge store down: handing off without an answer first")
                return route
        else:  # an answer is what the customer asked for: an outage is a 503, never a guess
            retrieval = route.retrieval or self.search(message.text, self.config.retrieval_k, vectors)
        if self.gate is not None:
            context = Context(message.asked is not None, ctx.state.topic_doc_ids)
            retrieval = self.gate.judge(message.text, retrieval, terms.passages, terms.vocabulary, context)
        route = replace(route, retrieval=retrieval)
        if route.action == Action.ANSWER and not retrieval.answerable:
            if route.unplaced:
                return replace(route, action=Action.FALLBACK)
            if route.waiting:
                return replace(route, action=Action.HUMAN_MODE)
            return replace(route, action=Action.FALLBACK, handoff_reason=LOW_CONFIDENCE)
        return route

    def check_scope(self, question: RedactedMessage, c: Classification, route: Route, terms: Terms) -> Route:
        """Answer only about what was asked: refuse plainly when the subject is not ours; ask on a tie."""
        asks_knowledge = route.action == Action.ANSWER or (
            route.action == Action.FALLBACK and c.intent in (Intent.FAQ, Intent.OUT_OF_SCOPE)
        )
        if not asks_knowledge:
            return route
        retrieval = route.retrieval
        top = retrieval.hits[0].chunk if retrieval and retrieval.hits else None
        passage = "\n".join(filter(None, (top.title, top.text, top.title_en, top.answer_en))) if top else ""
        check = terms.gazetteer.check(question.text, passage)
        if not check.ours:
            return Route(Action.FALLBACK, None, retrieval, scope=check)
        if route.action == Action.FALLBACK and route.handoff_reason == LOW_CONFIDENCE and retrieval:
            tie = near_tie(retrieval.hits, question.language)
            if tie is not None:
                return Route(Action.FALLBACK, None, retrieval, tie=tie)
        return route

    def respond(
        self, ctx: TurnContext, message: RedactedMessage, route: Route
    ) -> tuple[Route, Answer | None]:
        """Write the answer and run the compliance check on it."""
        retrieval = route.retrieval
        if (
            retrieval is None
            or not retrieval.answerable
            or route.action not in (Action.ANSWER, Action.HANDOFF)
        ):
            return route, None
        unanswered = route
        if route.action == Action.ANSWER:
            unanswered = replace(
                route,
                action=Action.HUMAN_MODE if route.waiting else Action.FALLBACK,
                handoff_reason=None if route.waiting else LOW_CONFIDENCE,
            )
        text = self.responder.respond(message.text, retrieval, message.language)
        if not text:
            return unanswered, None
        top = retrieval.hits[:1]
        result = check_answer(text, message.text, [h.chunk for h in top])
        if result.blocked:
            log.warning("answer blocked by compliance check conversation=%s", ctx.conversation_id)
            return unanswered, None
        english = message.language == "en"
        notices = (say(RISK_NOTICE, message.language),) if result.needs_risk_notice else ()
        citations = tuple(
            Citation(
                title=(h.chunk.title_en or h.chunk.title) if english else h.chunk.title,
                source=source_url(h.chunk.doc_id),
                doc_id=h.chunk.doc_id,
                chunk_id=h.chunk.id,
                score=round(h.score, 4),
            )
            for h in top
        )
        in_language = not english or bool(
            top and top[0].chunk.answer_en and text == top[0].chunk.answer_en.strip()
        )
        return route, Answer(
            result.text, notices, citations, in_language or self.responder.name != "extractive"
        )

    def hand_off(
        self,
        ctx: TurnContext,
        message: RedactedMessage,
        c: Classification,
        route: Route,
        vectors: QueryVectors,
    ) -> HandoffPlan | None:
        """What to open or update for staff, or None when no person is needed."""
        reason = route.handoff_reason
        if not reason:
            return None
        private = route.action == Action.PRIVATE_FOLLOWUP
        history = ctx.transcript
        if history and history[-1].role == "customer":  # the current message: triaged just now
            history = (*history[:-1], replace(history[-1], intent=str(c.intent)))
        summary = build_summary(
            customer_ref=ctx.customer_ref,
            customer_tier=ctx.customer_tier,
            channel=ctx.channel,
            group_id=ctx.group_id,
            reason=reason,
            classification=c,
            question=message.text,
            history=history,
            private_followup=private,
            passages=self._passages(history, message, route, vectors),
        )
        low = reason == LOW_CONFIDENCE
        urgency = "low" if low else urgency_for(reason, c)
        waiting = ctx.open_handoff
        if waiting is None:
            change = HandoffChange.OPEN
        elif urgency_rank(urgency) < urgency_rank(waiting.urgency) or waiting.reason == LOW_CONFIDENCE:
            change = HandoffChange.RETRIAGE
        else:
            change = HandoffChange.TRANSCRIPT
            summary = {**waiting.summary, "transcript": summary["transcript"]}
        return HandoffPlan(
            change=change,
            reason=reason,
            category=LOW_CONFIDENCE if low else CATEGORY.get(c.intent, reason),
            urgency=urgency,
            sentiment=c.sentiment,
            private_followup=private,
            summary=summary,
        )

    def _passages(
        self, history: Sequence[TranscriptLine], message: RedactedMessage, route: Route, vectors: QueryVectors
    ) -> list[Passage]:
        """Passages for the staff's suggested reply: for the question the case is about."""
        asked = unanswered_question(history)
        query = asked.text if asked is not None else message.text
        retrieval = route.retrieval if route.retrieval is not None and query == message.text else None
        if retrieval is None:
            try:
                retrieval = self.search(query, self.config.retrieval_k, vectors)
            except StoreUnavailable:  # staff still get the case, without suggested passages
                log.warning("knowledge store down: handoff opened without suggested passages")
                return []
        return [
            Passage(h.chunk.title, _passage_body(h.chunk.text), h.score, h.chunk.doc_id)
            for h in retrieval.hits[:3]
        ]

    def reply(
        self,
        ctx: TurnContext,
        message: RedactedMessage,
        c: Classification,
        route: Route,
        answer: Answer | None,
    ) -> str | None:
        """Compose what the customer reads (None: stay silent)."""
        lang = message.language
        facts = {"bank": self.config.bank_name, "hotline": self.config.hotline}
        text: str | None = None
        if route.action == Action.SMALLTALK:
            thanks = any(w in message.text.lower() for w in _THANKS_WORDS)
            text = say(THANKS if thanks else GREETING, lang, **facts)
        elif route.action == Action.HUMAN_MODE:
            if ctx.channel != "group" and not human_mode_announced(ctx.transcript):
                text = say(HUMAN_MODE, lang)
            elif ctx.channel == "group":
                text = self.group_waiting(ctx, message)
        elif route.action == Action.FALLBACK:
            text = self.decline(message, c, route)
        elif route.action == Action.PRIVATE_FOLLOWUP:
            text = say(GROUP_PRIVATE, lang)
        elif route.action in (Action.ANSWER, Action.HANDOFF):
            parts = [format_answer(answer, lang)] if answer else []
            if route.action == Action.HANDOFF and route.handoff_reason:
                parts.append(say(HANDOFF[route.handoff_reason], lang, **facts))
            text = "\n\n".join(parts) or None
        return self.compose(ctx, message, text)

    def group_waiting(self, ctx: TurnContext, message: RedactedMessage) -> str | None:
        """In a group the bot stays quiet while staff handle a case, unless the customer asks it
        ("@小禾 怎么还没人理我"): then it says where the case stands, never more."""
        waiting = ctx.open_handoff
        if waiting is None or not is_mentioned(message.text, ctx.mentions, self.config.bot_names):
            return None
        lang = message.language
        if waiting.staff_name and waiting.queue_position is None:
            return say(GROUP_SERVING, lang, name=waiting.staff_name)
        if waiting.queue_position is None:
            return say(HUMAN_MODE, lang)
        eta = eta_text(waiting.expected_first_response_s, lang)
        return say(GROUP_QUEUED, lang, position=str(waiting.queue_position), eta=eta)

    def decline(self, message: RedactedMessage, c: Classification, route: Route) -> str:
        """Not answering: say why in one sentence (not ours, not offered, which topic, or unsure)."""
        lang = message.language
        facts = {"bank": self.config.bank_name, "hotline": self.config.hotline}
        if route.scope is not None and route.scope.subject:
            table = NOT_OFFERED if route.scope.verdict == "not_offered" else NOT_OURS
            return say(table, lang, subject=route.scope.subject, **facts)
        if route.tie is not None:
            lines = "\n".join(f"{n}. {choice.title}" for n, choice in enumerate(route.tie.choices, 1))
            return say(CLARIFY, lang, choices=lines)
        return say(OUT_OF_SCOPE if c.intent == Intent.OUT_OF_SCOPE else FALLBACK, lang, **facts)

    def compose(self, ctx: TurnContext, message: RedactedMessage, text: str | None) -> str | None:
        """The PII warning (when the customer posted an ID or card number) in front of the reply."""
        parts: list[str] = []
        if set(message.pii_types) & WARN_PII:
            parts.append(
                say(PII_WARNING if ctx.channel == "group" else PII_WARNING_PRIVATE, message.language)
            )
        if text:
            parts.append(text)
        return "\n\n".join(parts) if parts else None


def next_state(
    ctx: TurnContext,
    question: RedactedMessage,
    c: Classification,
    route: Route,
    citations: tuple[Citation, ...],
    terms: Terms,
) -> ConversationState:
    """What to remember: the standalone question and its slots, the sources, and what the bot offered."""
    state = ctx.state
    if route.action in QUESTION_ACTIONS and route.tie is None:
        doc_ids = tuple(dict.fromkeys(ci.doc_id for ci in citations))
        state = remember(
            state,
            question.text,
            terms.vocabulary,
            doc_ids=doc_ids,
            language=question.language,
            topic=question.topic,
        )
    else:
        state = state.with_(language=question.language, turns=state.turns + 1)
    offers_person = route.action == Action.FALLBACK and (
        route.scope is not None or (route.tie is None and c.intent != Intent.OUT_OF_SCOPE)
    )
    if route.tie is not None:
        return state.with_(last_offer="clarify", offer_choices=tuple(ch.doc_id for ch in route.tie.choices))
    return state.with_(last_offer="handoff" if offers_person else None, offer_choices=())


def _plain_outcome(action: Action, reply: str | None, state: ConversationState) -> TurnOutcome:
    return TurnOutcome(
        action=action,
        reply=reply,
        intent=str(Intent.CHITCHAT),
        confidence=None,
        citations=(),
        handoff=None,
        mode=None,
        state=state,
    )


def staff_has_spoken(transcript: tuple[TranscriptLine, ...]) -> bool:
    return any(line.role == Role.STAFF for line in transcript)


def format_answer(answer: Answer, lang: str) -> str:
    """The answer, its notices and sources; an English question answered in Chinese says so first."""
    body = answer.text
    if lang == "en" and not answer.in_language:
        body = f"{ONLY_CHINESE_EN}\n{answer.text}"
    lines = [body, *answer.notices]
    if answer.citations:
        titles = "；".join(f"《{c.title}》" for c in answer.citations)
        lines.append(f"{say(SOURCES_LABEL, lang)}：{titles}")
    return "\n".join(lines)


def human_mode_announced(transcript: tuple[TranscriptLine, ...]) -> bool:
    """Say "a person is handling this" once: not again after saying it, nor once staff have spoken."""
    for line in reversed(transcript):
        if line.role == Role.STAFF:
            return True
        if line.role == Role.BOT:
            return line.action == Action.HUMAN_MODE
    return False


def _passage_body(text: str) -> str:
    """A chunk's text without what retrieval needs but a reply does not: the FAQ's question, an
    article chunk's "title > heading" line."""
    if text.startswith("问：") and "\n答：" in text:
        return text.split("\n答：", 1)[1]
    return text.split("\n", 1)[1] if "\n" in text else text
