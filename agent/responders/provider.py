"""Pick the responder named in settings."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from agent.responders.base import Responder
from agent.responders.extractive import ExtractiveResponder
from agent.responders.llm import LLMResponder
from core.settings import Settings


def build_responder(settings: Settings) -> Responder:
    model = build_chat_model(settings)
    return ExtractiveResponder() if model is None else LLMResponder(model, settings.bank_name)


def build_chat_model(settings: Settings) -> BaseChatModel | None:
    """The configured chat model (answers, follow-up rewriting), or None for the embedded default."""
    if settings.llm_backend == "extractive":
        return None
    if settings.llm_backend == "openai":
        from langchain_openai import ChatOpenAI

        return ChatOpenAI(
            model=settings.llm_model or "",
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key or "not-needed",  # type: ignore[arg-type]
            temperature=settings.llm_temperature,
            timeout=settings.llm_timeout_s,
            max_retries=1,
        )
    raise ValueError(f"unknown LLM backend {settings.llm_backend!r}")
