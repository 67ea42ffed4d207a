"""The composition root: build the running product from `Settings` (database, vault, redactor,
knowledge base, agent, conversation service, event dispatch).

The one place that knows which backend is configured; every entry point (API, CLI, tests, evals)
goes through `build_services`. It sits at the top of the layering (only `api` and `core.cli` import it).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from cryptography.fernet import Fernet
from langchain_core.language_models import BaseChatModel
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from agent.classify import MessageClassifier
from agent.identity import Pseudonymizer
from agent.pipeline import Agent, AgentConfig, Classifier
from agent.responders import Responder, build_responder
from agent.responders.provider import build_chat_model
from agent.understanding.answerability import load_gate
from agent.understanding.classifier import ModelClassifier
from agent.understanding.followup import LLMRewriter, SlotRewriter
from agent.understanding.intent_model import load_model
from agent.understanding.scope import gazetteer_names
from agent.understanding.terms import RewriterFactory, slot_rewriter
from channels.wecom.alerts import WeComAlertSender
from channels.wecom.config import WeComSettings
from channels.wecom.runtime import WeComRuntime, build_wecom
from core.clock import utcnow
from core.files import create_private
from core.settings import Settings
from events.bus import EventBus, TopicBus
from events.dispatch import Dispatcher
from knowledge import KnowledgeBase, build_embedder, build_store
from knowledge.embedders.base import Embedder
from privacy import Redactor, SqlVault, build_analyzer, generate_key
from services.alerts import AlertSender, LogAlertSender
from services.conversations import ConversationService
from services.copilot import StaffCopilot
from services.handoffs import HandoffDesk, waiting_for
from services.privacy_rights import PrivacyRights
from services.sla import SlaPolicy, policy_from_settings
from storage.engine import build_engine
from storage.migrations import upgrade

log = logging.getLogger(__name__)


@dataclass
class Services:
    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    vault: SqlVault
    redactor: Redactor
    embedder: Embedder
    knowledge: KnowledgeBase
    classifier: Classifier
    responder: Responder
    agent: Agent
    pseudonymizer: Pseudonymizer
    conversations: ConversationService
    handoffs: HandoffDesk
    dispatcher: Dispatcher  # domain events: services publish, listeners react
    events: TopicBus  # topic bus behind the SSE streams (fed by listeners in api/); Redis with REDIS_URL
    sla: SlaPolicy  # service-level targets by priority and tier, on the service team's calendar
    alerts: AlertSender = field(default_factory=LogAlertSender)  # SLA breaches, re-triaged cases
    wecom: WeComRuntime | None = None  # the WeCom channel, when WECOM_CORP_ID is set
    copilot: StaffCopilot | None = None  # suggested replies for staff on open handoffs

    def close(self) -> None:
        if self.wecom is not None:
            self.wecom.close()
        close_bus = getattr(self.events, "close", None)
        if callable(close_bus):
            close_bus()
        self.engine.dispose()


def build_topic_bus(settings: Settings) -> TopicBus:
    """In-process for one worker; through Redis pub/sub when several workers share `REDIS_URL`."""
    if not settings.redis_url:
        return EventBus()
    from events.redis_bus import RedisTopicBus

    return RedisTopicBus(settings.redis_url)


def vault_key(settings: Settings) -> str:
    """The configured key, or in development a key generated once into the data directory."""
    if settings.vault_key:
        return settings.vault_key
    path = Path(settings.data_dir) / "vault.key"
    key = generate_key()
    if not create_private(path, key):
        return path.read_text().strip()
    log.warning("generated a development vault key at %s; set VAULT_KEY in production", path)
    return key


def build_knowledge(settings: Settings, embedder: Embedder | None = None) -> KnowledgeBase:
    """The knowledge base. An embedded Chroma directory that cannot be opened (corrupted by a crash or
    a full disk) is moved aside and started afresh: the index is derived data, and the app's startup
    re-fills it from the catalog in SQL. A Chroma server that fails is an outage, not corruption."""
    embedder = embedder or build_embedder(
        settings.embedder, settings.embedder_model_path, threads=settings.native_threads
    )

    def open_knowledge() -> KnowledgeBase:
        store = build_store(
            path=settings.chroma_dir, url=settings.chroma_url, collection=settings.chroma_collection
        )
        return KnowledgeBase(
            store, embedder, dense_weight=settings.dense_weight, threshold=settings.answer_confidence
        )

    try:
        return open_knowledge()
    except Exception as exc:
        if settings.chroma_url or not settings.chroma_dir.exists():
            raise
        aside = settings.chroma_dir.with_name(f"{settings.chroma_dir.name}.corrupt-{utcnow():%Y%m%dT%H%M%S}")
        settings.chroma_dir.rename(aside)
        log.error("the Chroma index could not be opened (%s); moved to %s", type(exc).__name__, aside)
        from chromadb.api.shared_system_client import SharedSystemClient

        SharedSystemClient.clear_system_cache()  # chromadb keeps one client per path per process
        return open_knowledge()


def build_classifier(embedder: Embedder) -> Classifier:
    """The calibrated intent model when its artifact fits this code and embedder, else the older
    lexicon-and-prototypes classifier (so a checkout without the artifact still runs)."""
    model = load_model()
    if model is not None and model.embedder_name == embedder.name:
        return ModelClassifier(model, embedder)
    log.warning(
        "intent model missing or stale: lexicon classifier instead (python -m agent.understanding.train)"
    )
    return MessageClassifier(embedder)


def build_rewriter(settings: Settings, chat_model: BaseChatModel | None = None) -> RewriterFactory:
    """Follow-ups are rewritten by the configured LLM when there is one, by slot substitution otherwise."""
    model = chat_model or build_chat_model(settings)
    if model is None:
        return slot_rewriter
    llm = model
    return lambda vocabulary: LLMRewriter(llm, SlotRewriter(vocabulary))


def build_services(settings: Settings, responder: Responder | None = None) -> Services:
    engine = build_engine(settings.sqlalchemy_url, settings.data_dir)
    upgrade(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    key = vault_key(settings)
    vault = SqlVault(engine, key, old_keys=settings.vault_old_keys)
    redactor = Redactor(
        build_analyzer(),
        vault,
        score_threshold=settings.pii_score_threshold,
        allow_list=[settings.bank_name, *settings.bot_names, settings.hotline, *gazetteer_names()],
    )
    embedder = build_embedder(
        settings.embedder, settings.embedder_model_path, threads=settings.native_threads
    )
    knowledge = build_knowledge(settings, embedder)
    classifier = build_classifier(embedder)
    responder = responder or build_responder(settings)
    agent = Agent(
        redactor=redactor,
        classifier=classifier,
        knowledge=knowledge,
        responder=responder,
        rewriter=build_rewriter(settings),
        gate=load_gate(),
        config=AgentConfig(
            bank_name=settings.bank_name,
            hotline=settings.hotline,
            bot_names=tuple(settings.bot_names),
            retrieval_k=settings.retrieval_k,
        ),
    )
    pseudonymizer = Pseudonymizer(settings.customer_ref_secret or key)
    dispatcher = Dispatcher()
    sla = policy_from_settings(settings)
    conversations = ConversationService(
        sessions=sessions,
        agent=agent,
        pseudonymizer=pseudonymizer,
        events=dispatcher,
        waiting=lambda session, cid: waiting_for(session, cid, sla, settings.priority_tiers),
    )
    handoffs = HandoffDesk(dispatcher, redactor, vault)
    wecom_settings = WeComSettings.from_settings(settings)
    wecom = (
        build_wecom(
            wecom_settings,
            sessions=sessions,
            conversations=conversations,
            pseudonymizer=pseudonymizer,
            redactor=redactor,
            events=dispatcher,
            cipher=Fernet(key),
            tz=ZoneInfo(settings.service_timezone),
        )
        if wecom_settings
        else None
    )
    alerts: AlertSender = LogAlertSender()
    if wecom is not None and wecom.alerter is not None:  # SLA and re-triage alerts reach the staff group
        alerts = WeComAlertSender(wecom.alerter)
    return Services(
        settings=settings,
        alerts=alerts,
        engine=engine,
        sessions=sessions,
        vault=vault,
        redactor=redactor,
        embedder=embedder,
        knowledge=knowledge,
        classifier=classifier,
        responder=responder,
        agent=agent,
        pseudonymizer=pseudonymizer,
        conversations=conversations,
        handoffs=handoffs,
        dispatcher=dispatcher,
        events=build_topic_bus(settings),
        sla=sla,
        wecom=wecom,
        copilot=StaffCopilot(sessions, knowledge, responder, classifier, k=settings.retrieval_k),
    )


def build_privacy_rights(services: Services) -> PrivacyRights:
    """PIPL export, erasure, retention and key rotation over the running services (CLI and admin API)."""
    s = services.settings
    return PrivacyRights(
        services.sessions,
        services.vault,
        services.pseudonymizer,
        vault_retention_days=s.vault_retention_days,
        transcript_retention_days=s.transcript_retention_days,
        erasure_transcripts=s.erasure_transcripts,
    )
