"""Answer writers: the embedded extractive responder and any LangChain chat model."""

from agent.responders.base import Responder
from agent.responders.extractive import ExtractiveResponder
from agent.responders.llm import LLMResponder
from agent.responders.provider import build_responder

__all__ = ["ExtractiveResponder", "LLMResponder", "Responder", "build_responder"]
