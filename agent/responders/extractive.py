"""The embedded default: answer with the bank's own words, never with generated text.

An FAQ hit is answered with its approved answer (its English version for English questions, where it
has one); a document hit with the sentences of the passage that share the most words with the question.
Nothing is invented, so it is safe with no LLM at all.
"""

from __future__ import annotations

import re

from knowledge import Retrieval
from knowledge.bm25 import tokenize

_SENTENCE_END = re.compile(r"(?<=[。！？!?；;])|\n+")
_MAX_SENTENCES = 3


class ExtractiveResponder:
    name = "extractive"

    def respond(self, question: str, retrieval: Retrieval, language: str) -> str | None:
        if not retrieval.hits:
            return None
        top = retrieval.hits[0].chunk
        if top.kind == "faq" and language == "en" and top.answer_en:
            return top.answer_en.strip()
        if top.kind == "faq" and top.answer:
            return top.answer.strip()
        return best_sentences(question, _passage_body(top.text))


def _passage_body(text: str) -> str:
    """Drop the 'title > heading' context line that chunking puts in front of a passage."""
    lines = [line for line in text.splitlines() if line.strip()]
    if len(lines) > 1 and ">" in lines[0] and len(lines[0]) < 80:
        lines = lines[1:]
    return "\n".join(line.lstrip("#-* ").strip() for line in lines)


def best_sentences(question: str, passage: str, limit: int = _MAX_SENTENCES) -> str | None:
    sentences = [s.strip() for s in _SENTENCE_END.split(passage) if s and s.strip()]
    if not sentences:
        return None
    q_tokens = set(tokenize(question))
    scored = [(len(q_tokens & set(tokenize(s))), -i, s) for i, s in enumerate(sentences)]
    best = sorted(scored, reverse=True)[:limit]
    if best[0][0] == 0:
        best = [(0, -i, s) for i, s in enumerate(sentences[:limit])]
    ordered = [s for _, _, s in sorted(best, key=lambda t: -t[1])]
    return "".join(s if s[-1] in "。！？!?；;" else s + "。" for s in ordered)
