"""The knowledge base's own words for understanding: slot vocabulary, gazetteer, topic titles.

Built from the published knowledge when first needed and rebuilt after the base changes (an editor
publishes a document, an ingest runs), so a new product name is understood without a restart.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from agent.understanding.answerability import PassageWords
from agent.understanding.followup import FollowupRewriter, SlotRewriter
from agent.understanding.scope import Gazetteer
from agent.understanding.vocabulary import SlotVocabulary
from knowledge import Chunk, KnowledgeBase
from knowledge.retriever import KeywordIndex

RewriterFactory = Callable[[SlotVocabulary], FollowupRewriter]


@dataclass(frozen=True)
class Terms:
    vocabulary: SlotVocabulary
    gazetteer: Gazetteer
    titles: dict[str, tuple[str, str | None]]  # doc id → (title, English title)
    passages: PassageWords  # the words each chunk answers with (the answer gate's term overlap)

    def title(self, doc_id: str, language: str) -> str:
        zh, en = self.titles.get(doc_id, (doc_id, None))
        return en if language == "en" and en else zh


class KnowledgeTerms:
    def __init__(self, knowledge: KnowledgeBase, bank_name: str) -> None:
        self.knowledge = knowledge
        self.bank_name = bank_name
        self._lock = threading.Lock()
        self._index: KeywordIndex | None = None
        self._terms: Terms | None = None

    def current(self) -> Terms:
        index = self.knowledge.keywords()
        with self._lock:
            if self._terms is None or index is not self._index:
                self._terms = build_terms(list(index.chunks.values()), self.bank_name, index.rows())
                self._index = index
            return self._terms


def build_terms(chunks: list[Chunk], bank_name: str, keyword_rows: Sequence[tuple[str, str]] = ()) -> Terms:
    """`keyword_rows`: (chunk id, text) of the keyword index (an FAQ's question variants and answer)."""
    published = [c for c in chunks if c.status == "published"]
    texts = [
        "\n".join(filter(None, (c.title, c.text, c.title_en, c.question_en, c.answer_en))) for c in published
    ]
    titles: dict[str, tuple[str, str | None]] = {}
    for c in published:
        titles.setdefault(c.doc_id, (c.title, c.title_en))
    rows = dict(keyword_rows)
    passages = PassageWords.build(
        (
            c.id,
            "\n".join(
                filter(None, (rows.get(c.id, c.text), c.title, c.title_en, c.question_en, c.answer_en))
            ),
        )
        for c in published
    )
    return Terms(SlotVocabulary.from_texts(texts), Gazetteer.build(texts, bank_name), titles, passages)


def slot_rewriter(vocabulary: SlotVocabulary) -> FollowupRewriter:
    """The default: slot substitution, no model."""
    return SlotRewriter(vocabulary)
