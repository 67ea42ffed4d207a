"""Published knowledge as customers may read it: the page a citation links to.

Citations carry `/v1/sources/{doc_id}`, never the file the document was ingested from.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.status import ChunkStatus
from knowledge import KnowledgeBase


@dataclass(frozen=True)
class SourceSection:
    heading: str | None
    text: str


@dataclass(frozen=True)
class SourcePage:
    doc_id: str
    title: str
    category: str
    kind: str
    sections: tuple[SourceSection, ...]


def published_source(knowledge: KnowledgeBase, doc_id: str) -> SourcePage | None:
    """The document's published chunks in order (an FAQ: its question and answer), or None."""
    chunks = [
        c
        for c in knowledge.keywords().chunks.values()
        if c.doc_id == doc_id and c.status == ChunkStatus.PUBLISHED
    ]
    if not chunks:
        return None
    first = chunks[0]
    sections: tuple[SourceSection, ...]
    if first.kind == "faq":
        sections = (SourceSection(first.question, first.answer or ""),)
    else:
        chunks.sort(key=lambda c: int(c.id.rsplit("#", 1)[-1]) if c.id.rsplit("#", 1)[-1].isdigit() else 0)
        merged: list[SourceSection] = []
        for c in chunks:
            body = c.text.split("\n", 1)[1] if "\n" in c.text else c.text  # drop the "title > heading" line
            if merged and merged[-1].heading == c.heading:
                merged[-1] = SourceSection(c.heading, f"{merged[-1].text}{body}")
            else:
                merged.append(SourceSection(c.heading, body))
        sections = tuple(merged)
    return SourcePage(doc_id, first.title, first.category, first.kind, sections)
