"""Slot vocabulary taken from the knowledge base: the card types, products, fees, terms… it talks about.

Follow-up questions are resolved by swapping one slot value for another ("信用卡年费多少" → "那金卡呢" →
"金卡年费多少"), so the words must be ones the base defines. Candidate words come from generic banking
patterns and `knowledge.vocabulary.BANK_TERMS`; a candidate is kept only if the published knowledge uses
it (so a bank's own product names, like 青禾白金卡, are picked up from its articles at load time).
Terms and amounts are open classes (any number), matched by pattern alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Literal

from knowledge.vocabulary import BANK_TERMS

Slot = Literal["card", "product", "attribute", "term", "amount", "channel", "region", "currency"]
SLOTS: tuple[Slot, ...] = ("card", "product", "attribute", "term", "amount", "channel", "region", "currency")
# Slots whose values name the thing asked about: a card type can stand in for a product and back.
SUBJECT_SLOTS: frozenset[Slot] = frozenset({"card", "product"})

_NUM = r"(?:\d+(?:\.\d+)?|[一二两三四五六七八九十百千]+)"
OPEN_PATTERNS: dict[Slot, re.Pattern[str]] = {
    "term": re.compile(
        rf"{_NUM}\s*(?:个月|年期|年(?![费化])|天期|天|周)|半年|[一二两三四五六七八九十\d]+\s*期"
        r"|\b(?:\d+|one|two|three|five|six|ten)[- ](?:years?|months?|days?)\b",
        re.IGNORECASE,
    ),
    "amount": re.compile(
        rf"{_NUM}\s*(?:万元|万|千元|千|元|块)|\d{{3,}}(?![\d年月日号期])"
        r"|(?:rmb|cny|¥|\$)\s?\d[\d,.]*\s*[km]?|\b\d[\d,.]*\s*(?:yuan|rmb|k|thousand|million)\b",
        re.IGNORECASE,
    ),
}

# Candidates for the closed classes; kept only where the knowledge base itself uses the word.
_CANDIDATES: dict[Slot, tuple[str, ...]] = {
    "channel": (
        "手机银行", "网上银行", "网银", "App", "柜台", "网点", "ATM", "智能柜员机", "微信", "热线",
        "电话银行",
        "mobile app", "online banking", "branch", "counter", "hotline", "the app",
    ),
    "region": (
        "境外", "境内", "跨行", "本行", "他行", "同城", "异地", "港澳台", "国外", "海外",
        "abroad", "overseas", "domestic", "cross-bank", "other banks", "another bank",
    ),
    "currency": (
        "美元", "欧元", "日元", "港币", "英镑", "澳元", "人民币", "外币",
        "usd", "us dollars", "dollars", "euros", "yen", "hkd", "pounds", "foreign currency",
    ),
    "card": (
        "附属卡", "主卡", "credit card", "debit card", "platinum card", "gold card", "youth card",
        "standard card", "supplementary card",
    ),
    "product": (
        "定期", "活期", "存款", "贷款", "房贷", "车贷", "理财", "公积金贷款", "外汇",
        # Services asked about like products: "开户需要带什么" names its subject, it is no bare predicate.
        "开户", "销户", "开卡", "销卡",
        "fixed deposit", "time deposit", "demand deposit", "certificate of deposit", "mortgage",
        "consumer loan", "loan", "wealth product", "deposit",
    ),
    "attribute": (
        "年费", "手续费", "工本费", "利率", "利息", "限额", "额度", "违约金", "免息期", "管理费", "费用",
        "汇率", "起存金额", "到账时间",
        "annual fee", "fee", "fees", "interest rate", "rate", "limit", "interest", "charge",
    ),
}  # fmt: skip
_PRODUCT_SUFFIX = re.compile(r"(卡|存款|存单|贷|贷款|银行|理财|理财产品|账户|盾|基金|定投|汇款|转账)$")
_ATTRIBUTE_SUFFIX = re.compile(r"(费|率|息|额度|限额|免息期|违约金)$")
# A bank's own card names in its articles: 青禾白金卡 → 白金卡 and 青禾白金卡.
_CARD_TYPES = r"(?:白金|金|青春|标准|普通|钻石|联名|附属|主)卡"
_OWN_CARD = re.compile(rf"([\u4e00-\u9fff]{{2}})({_CARD_TYPES})")
_CARD_NAME = re.compile(rf"^{_CARD_TYPES}$")
_CARD_WORD = re.compile(rf"(?:{_CARD_TYPES}|(?:信用|借记|储蓄|银行|社保|工资)卡|card)$", re.IGNORECASE)
BRAND_MIN_USES = 3  # a two-character prefix before several card names is the bank's brand (青禾白金卡)
_BRANDED_CARD = re.compile(rf"[\u4e00-\u9fff]{{2}}({_CARD_TYPES})")
# English subject words → the knowledge base's Chinese word for the same thing, so that "platinum card" in an
# English question and 白金卡 in a Chinese-only passage are one subject (the answer gate's subject evidence).
CROSS_LINGUAL: Mapping[str, str] = {
    "credit card": "信用卡", "debit card": "借记卡", "platinum card": "白金卡", "gold card": "金卡",
    "youth card": "青春卡", "standard card": "标准卡", "supplementary card": "附属卡",
    "fixed deposit": "定期", "time deposit": "定期", "demand deposit": "活期",
    "certificate of deposit": "大额存单", "mortgage": "房贷", "consumer loan": "消费贷", "loan": "贷款",
    "wealth product": "理财", "deposit": "存款",
}  # fmt: skip


@dataclass(frozen=True)
class SlotValue:
    slot: Slot
    value: str
    start: int
    end: int


@dataclass(frozen=True)
class SlotVocabulary:
    """Closed-class words per slot (longest first) and the open-class patterns."""

    words: Mapping[Slot, tuple[str, ...]]

    @classmethod
    def from_texts(cls, texts: Iterable[str]) -> SlotVocabulary:
        corpus = "\n".join(texts)
        lower = corpus.lower()
        words: dict[Slot, set[str]] = {slot: set() for slot in SLOTS}
        for slot, candidates in _CANDIDATES.items():
            # An English word is kept where the base uses it or its Chinese equivalent (no English version).
            words[slot].update(
                c for c in candidates if c.lower() in lower or CROSS_LINGUAL.get(c.lower(), "\0") in lower
            )
        for term in BANK_TERMS:
            if term.lower() not in lower:
                continue
            if _ATTRIBUTE_SUFFIX.search(term):
                words["attribute"].add(term)
            elif _PRODUCT_SUFFIX.search(term) and term not in words["channel"]:
                words["card" if term.endswith("卡") else "product"].add(term)
        prefixes: dict[str, int] = {}
        for match in _OWN_CARD.finditer(corpus):
            prefix, card = match.groups()
            words["card"].add(card)
            prefixes[prefix] = prefixes.get(prefix, 0) + 1
        brands = {p for p, n in prefixes.items() if n >= BRAND_MIN_USES}
        for match in _OWN_CARD.finditer(corpus):
            if match.group(1) in brands:
                words["card"].add(match.group(0))
        words["card"] = {w for w in words["card"] if _CARD_WORD.search(w)}
        return cls({slot: tuple(sorted(ws, key=lambda w: (-len(w), w))) for slot, ws in words.items()})

    def find(self, text: str) -> list[SlotValue]:
        """Non-overlapping slot values in `text`, in order; longer words win over the words inside them."""
        found: list[SlotValue] = []
        taken = [False] * len(text)
        lower = text.lower()

        def claim(slot: Slot, start: int, end: int) -> None:
            if end > start and not any(taken[start:end]):
                found.append(SlotValue(slot, text[start:end], start, end))
                for i in range(start, end):
                    taken[i] = True

        for slot, pattern in OPEN_PATTERNS.items():
            for match in pattern.finditer(text):
                claim(slot, match.start(), match.end())
        candidates = [(w, slot) for slot in SLOTS for w in self.words.get(slot, ())]
        for word, slot in sorted(candidates, key=lambda ws: -len(ws[0])):
            needle = word.lower()
            start = lower.find(needle)
            while start >= 0:
                if _word_bounded(lower, start, start + len(needle)):
                    claim(slot, start, start + len(needle))
                start = lower.find(needle, start + 1)
        return sorted(found, key=lambda v: v.start)

    def slots(self, text: str) -> dict[str, str]:
        """The first value of each slot in `text` (what `ConversationState.slots` remembers)."""
        result: dict[str, str] = {}
        for value in self.find(text):
            result.setdefault(value.slot, value.value)
        return result

    def is_card_name(self, word: str) -> bool:
        return bool(_CARD_NAME.match(word))

    def subjects(self, text: str) -> frozenset[str]:
        """The cards and products `text` names, language- and brand-neutral: "Qinghe Platinum Card",
        青禾白金卡 and 白金卡 are all 白金卡. Found as whole slot values, so 金卡 is not read in 白金卡."""
        return frozenset(canonical_subject(v.value) for v in self.find(text) if v.slot in SUBJECT_SLOTS)


def canonical_subject(value: str) -> str:
    """One spelling per subject: the Chinese word for an English one, the card type for a branded card."""
    lower = value.lower()
    if lower in CROSS_LINGUAL:
        return CROSS_LINGUAL[lower]
    branded = _BRANDED_CARD.fullmatch(lower)
    return branded.group(1) if branded else lower


def _word_bounded(text: str, start: int, end: int) -> bool:
    """Latin words match whole (so "rate" is not found in "separate"); Chinese has no word boundaries."""
    if not text[start:end].isascii():
        return True
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())
