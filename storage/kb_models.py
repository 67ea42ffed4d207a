"""SQL tables of the managed knowledge base: documents, their versions, and upload jobs.

The database is the source of truth for knowledge content; the vector store is derived from it (the
published version of each document, plus its pending draft stored apart as `<id>@draft`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.clock import utcnow
from core.status import JobStatus, KbDocumentStatus
from storage.models import Base, new_id
from storage.types import UtcDateTime


class KbDocument(Base):
    """One article or FAQ pair; `published_version` is live, `draft_version` awaits review."""

    __tablename__ = "kb_documents"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)  # the knowledge doc id
    kind: Mapped[str] = mapped_column(String(8))  # "doc" | "faq"
    title: Mapped[str] = mapped_column(String(512))
    category: Mapped[str] = mapped_column(String(32))
    source: Mapped[str] = mapped_column(String(512))  # file it came from (sample path or "upload:name")
    published_version: Mapped[int | None] = mapped_column(Integer)
    draft_version: Mapped[int | None] = mapped_column(Integer)
    deleted: Mapped[bool] = mapped_column(default=False)  # a tombstone: never re-imported from files
    file_hash: Mapped[str | None] = mapped_column(String(64))  # content hash when last imported from a file
    updated_by: Mapped[str] = mapped_column(String(64), default="system")
    # Rates and fees change on a date: the document is answered from only inside this window (either end
    # open); services.kb_catalog keeps the index in step (at publish, on change, and every SLA round).
    effective_from: Mapped[datetime | None] = mapped_column(UtcDateTime())
    expires_on: Mapped[datetime | None] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)

    @property
    def status(self) -> KbDocumentStatus:
        if self.deleted:
            return KbDocumentStatus.DELETED
        if self.draft_version is not None:
            if self.published_version is None:
                return KbDocumentStatus.DRAFT
            return KbDocumentStatus.PUBLISHED_WITH_DRAFT
        return KbDocumentStatus.PUBLISHED


class KbVersion(Base):
    """An immutable snapshot of a document's fields; every change adds one."""

    __tablename__ = "kb_versions"
    __table_args__ = (Index("ix_kb_versions_doc_number", "doc_id", "number", unique=True),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("kbv"))
    doc_id: Mapped[str] = mapped_column(ForeignKey("kb_documents.id"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(default=dict)  # the `Document` fields
    content_hash: Mapped[str] = mapped_column(String(64))
    author: Mapped[str] = mapped_column(String(64))
    note: Mapped[str] = mapped_column(String(256), default="")
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)


class KbJob(Base):
    """A background upload: the page polls `done`/`total` until `status` is "done" or "failed"."""

    __tablename__ = "kb_jobs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True, default=lambda: new_id("job"))
    filename: Mapped[str] = mapped_column(String(256))
    status: Mapped[str] = mapped_column(String(16), default=JobStatus.QUEUED)  # JobStatus
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    doc_ids: Mapped[list[Any]] = mapped_column(default=list)
    error_code: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(String(512))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime(), default=utcnow, onupdate=utcnow)
    # Resumable by any worker (services/kb_jobs.py): the validated documents travel with the job, and
    # the worker holding the lease renews it per document; an expired lease is claimed by another.
    documents: Mapped[list[Any] | None] = mapped_column(default=None)  # `to_content` of each Document
    owner: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    attempts: Mapped[int] = mapped_column(Integer, default=0)
