"""Request and response bodies of the knowledge-base admin API."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from api.security import MAX_INT64
from core.status import ChunkStatus, JobStatus, KbDocumentStatus
from knowledge.parsers import DOC_ID

Category = Literal["product", "fee", "rate", "howto", "education", "policy"]


class KbContentIn(BaseModel):
    """An article (`kind: doc`, Markdown `body`) or an FAQ pair (`question`, `answer`)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    kind: Literal["doc", "faq"]
    title: str | None = Field(
        default=None, max_length=200, description="Articles; an FAQ's title is its question"
    )
    category: Category
    tags: list[str] = Field(default_factory=list, max_length=20)
    body: str | None = Field(default=None, max_length=200_000, description="Markdown, for articles")
    question: str | None = Field(default=None, max_length=500)
    answer: str | None = Field(default=None, max_length=5000)
    alt_questions: list[str] = Field(default_factory=list, max_length=20)
    note: str = Field(default="", max_length=200, description="What changed, for the version history")

    @model_validator(mode="after")
    def _complete(self) -> KbContentIn:
        if self.kind == "doc" and not (self.title and self.body):
            raise ValueError("an article needs a title and a body")
        if self.kind == "faq" and not (self.question and self.answer):
            raise ValueError("an FAQ needs a question and an answer")
        if any("," in t for t in self.tags):
            raise ValueError("tags cannot contain commas")
        return self


class KbCreateIn(KbContentIn):
    id: str = Field(pattern=DOC_ID.pattern, description="Stable id, e.g. faq-gold-buyback")


class KbDocumentOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    kind: str
    title: str
    category: str
    source: str
    status: KbDocumentStatus
    published_version: int | None
    draft_version: int | None
    updated_by: str
    updated_at: datetime
    effective_from: datetime | None = None
    expires_on: datetime | None = None


class KbVersionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    number: int
    author: str
    note: str
    created_at: datetime
    content_hash: str
    content: dict[str, Any]


class KbDocumentDetail(KbDocumentOut):
    versions: list[KbVersionOut]


class RollbackIn(BaseModel):
    version: int = Field(ge=1, le=MAX_INT64)


class PublishManyIn(BaseModel):
    doc_ids: list[str] = Field(min_length=1, max_length=1000)


class PublishManyOut(BaseModel):
    published: list[str]
    skipped: list[str] = Field(description="Ids without a pending draft")


class DeleteOut(BaseModel):
    id: str
    chunks_removed: int


class JobOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    filename: str
    status: JobStatus
    total: int
    done: int
    doc_ids: list[str]
    error_code: str | None
    error: str | None
    created_by: str
    created_at: datetime


class TryIn(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    question: str = Field(min_length=1, max_length=500)
    scope: Literal["published", "draft"] = Field(
        default="published", description="draft: as if every pending draft were published"
    )
    k: int = Field(default=5, ge=1, le=20)


class TryHitOut(BaseModel):
    doc_id: str
    chunk_id: str
    title: str
    text: str
    kind: str
    status: ChunkStatus
    score: float
    dense: float
    sparse: float


class TryOut(BaseModel):
    question: str
    scope: str
    confidence: float
    answerable: bool
    hits: list[TryHitOut]


class GapOut(BaseModel):
    question: str = Field(description="The most frequent wording (redacted as stored)")
    count: int
    last_asked: datetime
    examples: list[str]
    mean_confidence: float | None
    covered_by: str | None = Field(
        default=None, description="Title of the published document that now answers it (re-checked live)"
    )


class GapReportOut(BaseModel):
    days: int
    threshold: float
    gaps: list[GapOut]


class ValidityIn(BaseModel):
    """When a document is answered from (rates and fees change on a date); null leaves that end open."""

    model_config = ConfigDict(extra="forbid")

    effective_from: AwareDatetime | None = Field(default=None, description="With a time zone")
    expires_on: AwareDatetime | None = None


class FeedbackItemOut(BaseModel):
    message_id: str
    conversation_id: str
    question: str = Field(description="What the customer asked (redacted)")
    answer: str
    comment: str | None
    sources: list[dict[str, object]]
    at: datetime
    handled_by: str | None
    handled_at: datetime | None
