"""Replies to what the bot offered last: yes or no to "需要为您转接人工客服吗？", a pick among choices.

The bot offers two things (`ConversationState.last_offer`): a person (after an answer it could not give)
and a choice between two near-tied topics (a clarifying question). A short reply to an open offer is read
here before anything else, so "好的" or "yes" does what was offered instead of getting the greeting.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

Answer = Literal["yes", "no"]

_STRIP = re.compile(r"[\s,，。.!！~～?？、…]+")
# Whole-message replies only: "好的谢谢" accepts, "不用了谢谢" declines; a longer message is a new turn.
_YES = re.compile(
    r"^(好|好的|好滴|好嘞|好啊|好呀|行|行吧|可以|可以的|嗯|嗯嗯|恩|是|是的|对|对的|要|需要|要的|需要的|麻烦了?|麻烦你了?"
    r"|转吧|转人工|转|帮我转|请转接|转接吧|ok|okay|yes|yeah|yep|sure|please|yes please|ok please|go ahead"
    r"|that would be great|please do|of course)+"
    r"(吧|啊|呀|哈|的|了|谢谢|多谢|麻烦了|thanks|thank you)*$",
    re.IGNORECASE,
)
_NO = re.compile(
    r"^(不用|不用了|不需要|不需要了|不要|不要了|不必|不必了|算了|算了吧|没事|没事了|不了|先不用|暂时不用|不用转|不转"
    r"|no|nope|no thanks|no thank you|not now|not needed|it'?s fine|that'?s ok|never ?mind"
    r"|i'?m (fine|good|ok))+"
    r"(吧|啊|呀|哈|的|了|谢谢|多谢|thanks|thank you)*$",
    re.IGNORECASE,
)
_NEITHER = re.compile(
    r"^(都不是|都不对|都不|都没有|两个都不是|别的|其他的?|neither|none|none of (them|these)|something else)"
)
_ORDINALS: tuple[re.Pattern[str], ...] = (
    re.compile(
        r"^(第?[1一]个?|1\.|①|a|前者|前面那?个|上面那?个|first|the first( one)?|#?1|option 1)(吧|的|那个)?$",
        re.I,
    ),
    re.compile(
        r"^(第?[2二]个?|2\.|②|b|后者|后面那?个|下面那?个|second|the second( one)?|#?2)(吧|的|那个)?$",
        re.I,
    ),
    re.compile(
        r"^(第?[3三]个?|3\.|③|c|third|the third( one)?|#?3|option 3)(吧|的|那个)?$",
        re.I,
    ),
)
MAX_REPLY_CHARS = 24  # a reply to an offer is short; longer messages are new turns (and bound the regex)
_ENGLISH_FILLERS = frozenset({"the", "one", "that", "about", "please", "want", "mean", "meant"})
MIN_TITLE_OVERLAP = 2  # shared characters (Chinese) or words (English) a pick by name must have


def yes_or_no(text: str) -> Answer | None:
    """The reply to a yes/no offer, or None when the message is something else."""
    compact = (
        _STRIP.sub("", text).lower()
        if not text.isascii()
        else " ".join(_STRIP.sub(" ", text).split()).lower()
    )
    if not compact:
        return None
    if _NO.match(compact) or _NO.match(compact.replace(" ", "")):
        return "no"
    if _YES.match(compact) or _YES.match(compact.replace(" ", "")):
        return "yes"
    return None


@dataclass(frozen=True)
class Choice:
    """One topic offered in a clarifying question: the document and the title the customer saw."""

    doc_id: str
    title: str


def pick(text: str, choices: Sequence[Choice]) -> int | None:
    """Which of `choices` the customer picked (0-based), by position or by name; None if unclear."""
    compact = (
        _STRIP.sub("", text).lower()
        if not text.isascii()
        else " ".join(_STRIP.sub(" ", text).split()).lower()
    )
    if not compact or not choices:
        return None
    for index, pattern in enumerate(_ORDINALS[: len(choices)]):
        if pattern.match(compact):
            return index
    if len(compact) > MAX_REPLY_CHARS:
        return None
    overlaps = [_overlap(compact, choice.title.lower()) for choice in choices]
    best = max(range(len(choices)), key=lambda i: overlaps[i])
    runner_up = max((o for i, o in enumerate(overlaps) if i != best), default=0)
    # A pick names the topic and little else; a message that merely shares a few characters with a title
    # ("晨露定存可以提前支取吗" against "大额存单提前支取") is a new question about something else.
    mostly_title = overlaps[best] * 2 > len(_units(compact))
    if overlaps[best] >= MIN_TITLE_OVERLAP and overlaps[best] > runner_up and mostly_title:
        return best
    return None


def declines_all(text: str) -> bool:
    """ "都不是" / "neither": none of the offered topics."""
    return bool(_NEITHER.match(_STRIP.sub("", text).lower()))


def _compact(text: str) -> str:
    """Lower case without punctuation; English keeps single spaces between words."""
    if text.isascii():
        return " ".join(_STRIP.sub(" ", text).split()).lower()
    return _STRIP.sub("", text).lower()


def _units(reply: str) -> set[str]:
    """The reply's distinctive units: Latin words of three letters or more, or Chinese characters."""
    if reply.isascii():
        return {w for w in re.findall(r"[a-z0-9]+", reply) if len(w) > 2} - _ENGLISH_FILLERS
    return {c for c in reply if "\u4e00" <= c <= "\u9fff"} - set("的了吗呢是个那这我要想问")


def _overlap(reply: str, title: str) -> int:
    """Distinctive units the reply shares with a title."""
    title_units = set(re.findall(r"[a-z0-9]+", title)) if reply.isascii() else set(title)
    return len(_units(reply) & title_units)
