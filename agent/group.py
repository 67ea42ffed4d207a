"""When the bot speaks in a group chat: only when addressed or when the bank must act.

Customers chatting among themselves get no reply; a question to the bank, a complaint, an urgent
risk or a request for a person does.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from agent.classify import Classification, Intent

_QUESTION = re.compile(
    r"[?？]|吗|么|怎么|咋|如何|多少|能不能|可不可以|可以.{0,8}[吗么]|哪里|哪儿|哪个|什么|为什么|是否|请问|"
    r"\b(?:how|what|when|where|why|can i|could i|is it|do you)\b",
    re.IGNORECASE,
)
_TO_THE_BANK = re.compile(r"你们|贵行|银行|客服|小禾|请问|\byour bank\b|\bthe bank\b", re.IGNORECASE)
_ALWAYS_ADDRESSED = {Intent.URGENT, Intent.COMPLAINT, Intent.HUMAN, Intent.ACCOUNT}


def is_mentioned(text: str, mentions: Iterable[str], bot_names: Iterable[str]) -> bool:
    names = {n.lower() for n in bot_names}
    if any(m.lower().lstrip("@") in names for m in mentions):
        return True
    lowered = text.lower()
    return any(f"@{n}" in lowered for n in names)


def without_bot_mentions(text: str, bot_names: Iterable[str]) -> str:
    """The question without "@小禾" (the mention says who is asked, not what)."""
    for name in bot_names:
        text = re.sub(rf"@{re.escape(name)}\s*", "", text, flags=re.IGNORECASE)
    return text.strip()


def is_question(text: str) -> bool:
    return bool(_QUESTION.search(text))


def is_addressed(
    text: str,
    classification: Classification,
    mentioned: bool,
    answerable: bool | None = None,
) -> bool:
    """Decide from the redacted text whether a group message is meant for the bank."""
    if mentioned or classification.intent in _ALWAYS_ADDRESSED:
        return True
    if classification.intent != Intent.FAQ or not is_question(text):
        return False
    return bool(_TO_THE_BANK.search(text)) or bool(answerable)
