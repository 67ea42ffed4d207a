"""Pick the responder named in settings."""

from __future__ import annotations

from agent.responders.base import Responder
from agent.responders.extractive import ExtractiveResponder
from agent.responders.llm import LLMResponder
from core.settings import Settings


def build_responder(settings: Settings) -> Responder:
    if settings.llm_backend == "extractive":
        return ExtractiveResponder()
    if settings.llm_backend == "openai":
        from langchain_openai import ChatOpenAI

        model = ChatOpenAI(
            model=settings.llm_model or "",
            base_url=settings.llm_base_url,
            api_key=settings.llm_api_key or "not-needed",  # type: ignore[arg-type]
            temperature=settings.llm_temperature,
            timeout=settings.llm_timeout_s,
            max_retries=1,
        )
        return LLMResponder(model, settings.bank_name)
    raise ValueError(f"unknown LLM backend {settings.llm_backend!r}")
