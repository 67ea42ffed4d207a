"""The `check` step: what an answer must never say, and what it must always carry.

Applied to every answer whatever wrote it (extractive or LLM), because a knowledge-base author or a
model can both slip.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from knowledge import Chunk

# Promises of return or safety that a bank may not make about investment products.
_PROMISES = re.compile(
    r"保本保息|保证收益|保证本金|稳赚|稳赚不赔|零风险|无风险|包赚|保证回报|肯定(?:会)?(?:赚|涨)|一定(?:会)?(?:赚|涨)|"
    r"guaranteed (?:return|profit)s?|risk[- ]free|no risk",
    re.IGNORECASE,
)
_WEALTH_WORDS = re.compile(r"理财|基金|净值|业绩比较基准|风险等级|R[1-5]级|wealth product", re.IGNORECASE)
# Negated forms are fine: "理财非存款，不保本".
_NEGATED = re.compile(r"(?:不|非|并非|不能|无法|不会|不承诺)(?:保本|保证|承诺)")


@dataclass(frozen=True)
class ComplianceResult:
    text: str
    needs_risk_notice: bool
    blocked: bool


def is_wealth_related(question: str, chunks: list[Chunk]) -> bool:
    if any("wealth" in c.tags for c in chunks):
        return True
    return bool(_WEALTH_WORDS.search(question)) or any(_WEALTH_WORDS.search(c.text) for c in chunks)


def check_answer(answer: str, question: str, chunks: list[Chunk]) -> ComplianceResult:
    """Block answers that promise returns; flag wealth answers for the risk notice."""
    stripped = _NEGATED.sub("", answer)
    blocked = bool(_PROMISES.search(stripped))
    return ComplianceResult(
        text=answer, needs_risk_notice=is_wealth_related(question, chunks), blocked=blocked
    )
