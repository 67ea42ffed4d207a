"""The unit the knowledge base stores and returns: one retrievable piece of one document."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal, cast

Kind = Literal["faq", "doc"]
MetadataValue = str | int | float | bool | None

_TAG_SEPARATOR = ","


@dataclass(frozen=True)
class Chunk:
    """A chunk whose `text` stands alone (it carries its "title > heading" context or its question)."""

    id: str
    doc_id: str
    title: str
    category: str
    source: str
    text: str
    content_hash: str
    kind: Kind
    question: str | None
    answer: str | None
    heading: str | None
    tags: tuple[str, ...]
    status: str = "published"
    # The English version where the document has one (`loaders.Translation`): the title shown as a source,
    # and for an FAQ the question and answer given to English-speaking customers.
    title_en: str | None = None
    question_en: str | None = None
    answer_en: str | None = None

    def to_metadata(self) -> dict[str, MetadataValue]:
        """Flatten to Chroma metadata: scalars only, so tags are joined and missing values are ''."""
        return {
            "chunk_id": self.id,
            "doc_id": self.doc_id,
            "title": self.title,
            "category": self.category,
            "source": self.source,
            "text": self.text,
            "content_hash": self.content_hash,
            "kind": self.kind,
            "question": self.question or "",
            "answer": self.answer or "",
            "heading": self.heading or "",
            "tags": _TAG_SEPARATOR.join(self.tags),
            "status": self.status,
            "title_en": self.title_en or "",
            "question_en": self.question_en or "",
            "answer_en": self.answer_en or "",
        }

    @classmethod
    def from_metadata(cls, metadata: Mapping[str, object]) -> Chunk:
        """Inverse of `to_metadata`; extra keys (added by the store) are ignored."""

        def text(key: str) -> str:
            value = metadata.get(key)
            return "" if value is None else str(value)

        kind = text("kind")
        if kind not in ("faq", "doc"):
            raise ValueError(f"chunk metadata has an unknown kind: {kind!r}")
        tags = text("tags")
        return cls(
            id=text("chunk_id"),
            doc_id=text("doc_id"),
            title=text("title"),
            category=text("category"),
            source=text("source"),
            text=text("text"),
            content_hash=text("content_hash"),
            kind=cast(Kind, kind),
            question=text("question") or None,
            answer=text("answer") or None,
            heading=text("heading") or None,
            tags=tuple(t for t in tags.split(_TAG_SEPARATOR) if t),
            status=text("status") or "published",
            title_en=text("title_en") or None,
            question_en=text("question_en") or None,
            answer_en=text("answer_en") or None,
        )
