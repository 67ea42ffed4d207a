"""Answer only about what was asked: is the thing the question names ours, and does the passage cover it?

"工商银行的信用卡年费多少" retrieves our own annual-fee FAQ with high confidence; answering it would tell
the customer our fees as if they were ICBC's. Before answering, the subjects the question names are
looked up in a gazetteer: other banks, other companies' financial products and government services
(`agent/data/gazetteer.yaml`), financial products a bank may not sell, and any "…银行" name that is not
ours. A named subject the top passage does not mention is not ours: the reply says so plainly instead of
answering with a neighbour. A product the whole knowledge base never mentions is one the bank does not
offer ("你们有纸黄金吗").
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from knowledge import Chunk

GAZETTEER_PATH = Path(__file__).resolve().parent.parent / "data" / "gazetteer.yaml"

Kind = Literal["bank", "company_product", "government", "not_offered"]
KINDS: tuple[Kind, ...] = ("bank", "company_product", "government", "not_offered")
Verdict = Literal["ours", "not_ours", "not_offered"]

# Any "<name>银行" is a bank; these prefixes make it a generic word or one of ours instead.
_BANK_NAME = re.compile(r"([\u4e00-\u9fff]{2,4}?)银行")
_GENERIC_BANK_PREFIX = re.compile(
    r"^(本|该|贵|你们|我们|咱们|其他|其它|别的|他|各|各家|哪家|哪个|哪些|这家|那家|一家|商业|人民|中国人民|网上|手机|电话|"
    r"直销|个人网上|外资|国有|股份制|城市|农村|村镇|民营|中央|开户|发卡|收款|付款|对方|同一|不同|多家|两家|任何|所有|国内|国外|境外)$"
)
# A bank's own name holds none of these; in "在你们银行", "给老人办银行卡", "汇到别的银行", "说是银行发的" the
# words before 银行 are the sentence, not a name: the name is what follows the last of them.
_FUNCTION_CHARS = re.compile(
    r".*[我你他她它们在的是用去到跟和从想要办问那这把给对与及或说被让叫找向往为个些哪怎么啥别其该本]"
)
_EN_BANK = re.compile(r"\b([A-Z][a-zA-Z]+(?: [A-Z][a-zA-Z]+)?) [Bb]ank\b")
_EN_GENERIC = re.compile(
    r"^(the|my|your|our|this|that|another|other|a|any|which|online|mobile|central|people'?s)$", re.I
)
# Words around a foreign bank or wallet that make it the other end of one of our services: a transfer
# from ICBC, binding our card to Alipay, repaying another bank's card from ours.
_COUNTERPARTY = re.compile(
    r"转账|转到|转入|转给|转出|转过来|转进|汇款|汇到|汇给|跨行|他行|绑定|绑卡|绑|解绑|关联|从.{0,8}(转|汇|打)|到账|入账|收款|付款"
    r"|transfer|send money|bind|link|from .{0,20} to|wire",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class ScopeCheck:
    """`subject`: the named thing the knowledge base cannot speak for (None when the question is ours)."""

    verdict: Verdict
    subject: str | None = None
    kind: Kind | None = None

    @property
    def ours(self) -> bool:
        return self.verdict == "ours"


@dataclass(frozen=True)
class Gazetteer:
    """Named things by kind (longest first), and the knowledge base's text to tell ours apart."""

    names: Mapping[str, Kind]
    own_name: str
    knowledge_text: str  # lower-cased text of the published knowledge

    @classmethod
    def build(cls, knowledge_texts: Iterable[str], own_name: str, path: Path = GAZETTEER_PATH) -> Gazetteer:
        raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        names: dict[str, Kind] = {}
        for kind in KINDS:
            for name in raw.get(kind, []) or []:
                names.setdefault(str(name), kind)
        return cls(names=names, own_name=own_name, knowledge_text="\n".join(knowledge_texts).lower())

    def check(self, question: str, passage: str) -> ScopeCheck:
        """Whether the top passage may answer `question`, judged by the subjects the question names."""
        covered = passage.lower()
        for name, kind in self.mentions(question):
            if name.lower() in covered:
                continue  # the passage speaks about it (a transfer to another bank, binding to a wallet)
            if kind == "not_offered":
                if name.lower() not in self.knowledge_text:
                    return ScopeCheck("not_offered", name, kind)
                continue
            if kind in ("bank", "company_product") and _COUNTERPARTY.search(question):
                continue
            return ScopeCheck("not_ours", name, kind)
        return ScopeCheck("ours")

    def mentions(self, question: str) -> list[tuple[str, Kind]]:
        """Named things in `question`, longest names first, without the ones inside a longer match."""
        found: list[tuple[int, int, str, Kind]] = []
        lower = question.lower()

        def add(start: int, end: int, name: str, kind: Kind) -> None:
            if all(end <= s or start >= e for s, e, _, _ in found):
                found.append((start, end, name, kind))

        for name, kind in sorted(self.names.items(), key=lambda nk: -len(nk[0])):
            needle = name.lower()
            at = lower.find(needle)
            while at >= 0:
                if _bounded(lower, at, at + len(needle)):
                    add(at, at + len(needle), name, kind)
                at = lower.find(needle, at + 1)
        own = self.own_name.lower()
        for match in _BANK_NAME.finditer(question):
            prefix = _FUNCTION_CHARS.sub("", match.group(1))
            name = prefix + "银行"
            if (
                len(prefix) < 2
                or name.lower() in own
                or own in name.lower()
                or _GENERIC_BANK_PREFIX.match(prefix)
            ):
                continue
            add(match.end() - len(name), match.end(), name, "bank")
        for match in _EN_BANK.finditer(question):
            words = match.group(1).split()
            if _EN_GENERIC.match(words[0]) or "qinghe" in match.group(0).lower():
                continue
            add(match.start(), match.end(), match.group(0), "bank")
        return [(name, kind) for _, _, name, kind in sorted(found)]


def passage_text(chunk: Chunk | None) -> str:
    """What the scope check reads of a passage: its title and text, in every language it has."""
    if chunk is None:
        return ""
    return "\n".join(filter(None, (chunk.title, chunk.text, chunk.title_en, chunk.answer_en)))


def gazetteer_names(path: Path = GAZETTEER_PATH) -> list[str]:
    """Every name the gazetteer lists: companies and products, never a person (the redactor's allow-list,
    so "花呗怎么还款" is not redacted to "<NAME_1>怎么还款" and the scope check can still see it)."""
    raw = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return [str(name) for kind in KINDS for name in raw.get(kind, []) or []]


def _bounded(text: str, start: int, end: int) -> bool:
    if not text[start:end].isascii():
        return True
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isascii() and before.isalnum()) and not (after.isascii() and after.isalnum())
