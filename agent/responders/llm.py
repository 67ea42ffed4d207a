"""Answers written by a chat model (any LangChain `BaseChatModel`), checked against the passages.

The model only ever sees redacted text. Its answer is accepted only if every number in it appears in
the passages or the question; otherwise the extractive answer is used, because a wrong fee or rate
is worse than a plain one. A model that fails (timeout, connection error, 5xx) falls back the same
way, through LangChain's `with_fallbacks`, so the customer gets the extractive answer instead of an error.
"""

from __future__ import annotations

import logging
import re

from langchain_core.language_models import BaseChatModel
from langchain_core.output_parsers import StrOutputParser
from langchain_core.runnables import Runnable, RunnableLambda

from agent.prompts import ANSWER_PROMPT
from agent.responders.extractive import ExtractiveResponder
from knowledge import Retrieval

log = logging.getLogger(__name__)

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_CONTEXT_HITS = 3


class LLMResponder:
    name = "llm"

    def __init__(self, model: BaseChatModel, bank_name: str) -> None:
        self.model = model
        self.bank_name = bank_name
        generate: Runnable[dict[str, str], str] = ANSWER_PROMPT | model | StrOutputParser()
        self.chain: Runnable[dict[str, str], str] = generate.with_fallbacks([RunnableLambda(_model_failed)])
        self.fallback = ExtractiveResponder()

    def respond(self, question: str, retrieval: Retrieval, language: str) -> str | None:
        if not retrieval.hits:
            return None
        context = format_context(retrieval)
        answer = self.chain.invoke({"bank": self.bank_name, "context": context, "question": question}).strip()
        if not answer or not is_grounded(answer, context + "\n" + question):
            if answer:
                log.warning("llm answer rejected by grounding check; using extractive answer")
            return self.fallback.respond(question, retrieval, language)
        return answer


def _model_failed(_: dict[str, str]) -> str:
    """An empty answer: `respond` then uses the extractive answer."""
    log.warning("llm call failed; using extractive answer", exc_info=True)
    return ""


def format_context(retrieval: Retrieval) -> str:
    parts = []
    for i, hit in enumerate(retrieval.hits[:_CONTEXT_HITS], start=1):
        parts.append(f"[{i}] 《{hit.chunk.title}》\n{hit.chunk.text}")
    return "\n\n".join(parts)


def is_grounded(answer: str, context: str) -> bool:
    """Every number the model states must appear in what it was given."""
    known = set(_NUMBER.findall(context))
    return all(n in known for n in _NUMBER.findall(answer))
