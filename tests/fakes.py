"""Fakes at the one boundary we cannot reach from CI: a remote chat-model API.

`RecordingChatModel` implements LangChain's real `BaseChatModel` interface, records every prompt it is
sent (so tests can assert that no personal data reaches an LLM) and answers by quoting the first
passage of its context, like a well-behaved grounded model would. `FailingChatModel` times out.
"""

from __future__ import annotations

import re
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from pydantic import Field


class RecordingChatModel(BaseChatModel):
    prompts: list[list[BaseMessage]] = Field(default_factory=list)
    canned: str | None = None  # answer with this text instead of quoting the context

    @property
    def _llm_type(self) -> str:
        return "recording-fake"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.prompts.append(list(messages))
        text = self.canned if self.canned is not None else _first_passage_sentence(str(messages[0].content))
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def sent_text(self) -> str:
        return "\n".join(str(m.content) for prompt in self.prompts for m in prompt)


class FailingChatModel(BaseChatModel):
    """A chat model whose endpoint never answers in time: every call raises `TimeoutError`, as the
    OpenAI client does (APITimeoutError) when `LLM_TIMEOUT_S` passes."""

    calls: int = 0

    @property
    def _llm_type(self) -> str:
        return "failing-fake"

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        self.calls += 1
        raise TimeoutError("the model endpoint did not answer in time")


def _first_passage_sentence(system: str) -> str:
    match = re.search(r"\[1\][^\n]*\n(.+)", system)
    body = match.group(1) if match else ""
    return body.split("。")[0] + "。" if body else "资料中没有相关信息。"
