"""The managed knowledge base: versions, drafts, review and publish, rollback, delete, file import.

The SQL catalog is the source of truth; the vector store mirrors it. Each write first changes the
catalog rows (flushed, not committed), then the store, and only then commits, so a store failure leaves
the catalog as it was. `sync_index` repairs any drift at start-up, re-embedding only what changed (the
ingestor compares content hashes). Every change writes an audit record in the same transaction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.clock import aware, utcnow
from core.status import ChunkStatus, KbDocumentStatus
from knowledge import Document, KnowledgeBase, load_folder
from knowledge.ingest import content_hash
from knowledge.loaders import Translation
from knowledge.preview import DRAFT, draft_id, is_draft_id
from services import audit
from services.transaction import commits
from storage.kb_models import KbDocument, KbVersion
from storage.models import StaffUser


class CatalogError(ValueError):
    """A change the catalog refuses; `code` is stable for API clients."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


@dataclass
class ImportReport:
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped_deleted: list[str] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{len(self.added)} added, {len(self.updated)} updated, {len(self.unchanged)} unchanged, "
            f"{len(self.skipped_deleted)} deleted by editors (not re-imported)"
        )


def to_content(doc: Document) -> dict[str, Any]:
    data = asdict(doc)
    data["tags"] = list(doc.tags)
    data["alt_questions"] = list(doc.alt_questions)
    data["translations"] = {
        lang: {**asdict(t), "alt_questions": list(t.alt_questions)} for lang, t in doc.translations.items()
    }
    return data


def from_content(content: dict[str, Any]) -> Document:
    return Document(
        id=str(content["id"]),
        title=str(content["title"]),
        category=str(content["category"]),
        tags=tuple(content.get("tags") or ()),
        source=str(content.get("source") or ""),
        body=str(content["body"]),
        kind="faq" if content.get("kind") == "faq" else "doc",
        question=content.get("question"),
        answer=content.get("answer"),
        alt_questions=tuple(content.get("alt_questions") or ()),
        translations={
            str(lang): Translation(
                title=str(t["title"]),
                body=str(t["body"]),
                question=t.get("question"),
                answer=t.get("answer"),
                alt_questions=tuple(t.get("alt_questions") or ()),
            )
            for lang, t in (content.get("translations") or {}).items()
        },
    )


def is_live(row: KbDocument, now: datetime) -> bool:
    """Inside its validity window (a missing end is open)."""
    starts = aware(row.effective_from) if row.effective_from else None
    ends = aware(row.expires_on) if row.expires_on else None
    return (starts is None or starts <= now) and (ends is None or now < ends)


class KbCatalog:
    def __init__(self, knowledge: KnowledgeBase, *, two_person_publish: bool = False) -> None:
        self.knowledge = knowledge
        # Maker-checker: the author of a draft cannot publish it themselves (a deployment setting).
        self.two_person_publish = two_person_publish

    # Reads -----------------------------------------------------------------------------------------

    def list_documents(
        self, session: Session, query: str = "", status: str | None = None, kind: str | None = None
    ) -> list[KbDocument]:
        stmt = select(KbDocument).where(KbDocument.deleted.is_(False))
        if kind:
            stmt = stmt.where(KbDocument.kind == kind)
        rows = list(session.scalars(stmt.order_by(KbDocument.updated_at.desc(), KbDocument.id)).all())
        if status:
            drafts = status == KbDocumentStatus.DRAFT
            rows = [r for r in rows if r.status == status or (drafts and r.draft_version)]
        needle = query.strip().lower()
        if needle:
            rows = [
                r
                for r in rows
                if needle in r.id.lower()
                or needle in r.title.lower()
                or needle in self._latest_text(session, r).lower()
            ]
        return rows

    def get(self, session: Session, doc_id: str) -> KbDocument:
        row = session.get(KbDocument, doc_id)
        if row is None or row.deleted:
            raise CatalogError("not_found", f"document {doc_id} does not exist")
        return row

    def versions(self, session: Session, doc_id: str) -> Sequence[KbVersion]:
        stmt = select(KbVersion).where(KbVersion.doc_id == doc_id).order_by(KbVersion.number.desc())
        return session.scalars(stmt).all()

    def version(self, session: Session, doc_id: str, number: int) -> KbVersion:
        stmt = select(KbVersion).where(KbVersion.doc_id == doc_id, KbVersion.number == number)
        row = session.scalars(stmt).first()
        if row is None:
            raise CatalogError("not_found", f"document {doc_id} has no version {number}")
        return row

    def is_empty(self, session: Session) -> bool:
        return not session.scalar(select(func.count()).select_from(KbDocument))

    def check_kinds(self, session: Session, docs: Sequence[Document]) -> None:
        """Refuse, before anything is written, an upload that would turn an FAQ into an article."""
        for doc in docs:
            row = session.get(KbDocument, doc.id)
            if row is not None and not row.deleted and row.kind != doc.kind:
                raise CatalogError("conflict", f"document {doc.id} is a {row.kind}, not a {doc.kind}")

    # Writes ----------------------------------------------------------------------------------------

    @commits
    def save_draft(
        self, session: Session, actor: StaffUser, doc: Document, *, note: str = "", create: bool | None = None
    ) -> KbVersion:
        """A new draft version of `doc` (a new document if its id is unknown or was deleted).

        `create=True` refuses an existing id, `create=False` an unknown one; None accepts both (uploads).
        """
        row = session.get(KbDocument, doc.id)
        exists = row is not None and not row.deleted
        if create is True and exists:
            raise CatalogError("conflict", f"document {doc.id} already exists; edit it instead")
        if create is False and not exists:
            raise CatalogError("not_found", f"document {doc.id} does not exist")
        if row is not None and exists and row.kind != doc.kind:
            raise CatalogError("conflict", f"document {doc.id} is a {row.kind}, not a {doc.kind}")
        # Embed before writing anything: on SQLite the first write takes the database's only write
        # lock until commit, and embedding a long document under it stalled every chat turn (issue 12).
        # A draft indexed for a row that then fails to save is harmless: drafts only serve the preview,
        # and the index is re-synced from the catalog at start.
        self.knowledge.ingest_document(_as_draft(doc), DRAFT)
        if row is None:
            row = KbDocument(
                id=doc.id, kind=doc.kind, title=doc.title, category=doc.category, source=doc.source
            )
            session.add(row)
        elif row.deleted:
            row.deleted, row.published_version, row.draft_version = False, None, None
        version = self._add_version(session, row, doc, actor.username, note or "草稿")
        row.draft_version = version.number
        self._describe(row, doc, actor.username)
        session.flush()
        audit.record(session, actor, "kb.draft", "kb_document", doc.id, version=version.number, note=note)
        return version

    @commits
    def publish(self, session: Session, actor: StaffUser, doc_id: str) -> KbVersion:
        """Make the pending draft live (the reviewer is the one who publishes)."""
        row = self.get(session, doc_id)
        if row.draft_version is None:
            raise CatalogError("no_draft", f"document {doc_id} has no draft to publish")
        version = self.version(session, doc_id, row.draft_version)
        if self.two_person_publish and version.author == actor.username:
            audit.record(session, actor, "kb.publish_refused", "kb_document", doc_id, version=version.number)
            session.commit()
            raise CatalogError(
                "own_draft",
                f"two-person publishing: {actor.username} wrote this draft; another editor publishes it",
            )
        row.published_version, row.draft_version = version.number, None
        row.updated_by = actor.username
        session.flush()
        if is_live(row, utcnow()):
            self.knowledge.ingest_document(from_content(version.content), ChunkStatus.PUBLISHED)
        else:
            self.knowledge.delete_document(doc_id)
        self.knowledge.delete_document(draft_id(doc_id))
        audit.record(session, actor, "kb.publish", "kb_document", doc_id, version=version.number)
        return version

    @commits
    def discard_draft(self, session: Session, actor: StaffUser, doc_id: str) -> None:
        row = self.get(session, doc_id)
        if row.draft_version is None:
            raise CatalogError("no_draft", f"document {doc_id} has no draft to discard")
        if row.published_version is None:
            raise CatalogError("no_published", f"document {doc_id} was never published: delete it instead")
        discarded, row.draft_version = row.draft_version, None
        live = self.version(session, doc_id, row.published_version)
        self._describe(row, from_content(live.content), actor.username)
        session.flush()
        self.knowledge.delete_document(draft_id(doc_id))
        audit.record(session, actor, "kb.discard_draft", "kb_document", doc_id, version=discarded)

    @commits
    def rollback(self, session: Session, actor: StaffUser, doc_id: str, number: int) -> KbVersion:
        """Publish a copy of an earlier version as a new version (history is never rewritten).

        A rollback is a publish: with two-person publishing, whoever wrote the restored version cannot
        put it back live alone (else an author could publish an unreviewed draft of theirs this way)."""
        row = self.get(session, doc_id)
        old = self.version(session, doc_id, number)
        if self.two_person_publish and old.author == actor.username:
            audit.record(session, actor, "kb.rollback_refused", "kb_document", doc_id, restored=number)
            session.commit()
            raise CatalogError(
                "own_version",
                f"two-person publishing: {actor.username} wrote v{number}; another editor rolls back to it",
            )
        doc = from_content(old.content)
        version = self._add_version(session, row, doc, actor.username, f"回滚到 v{number}")
        had_draft = row.draft_version is not None
        row.published_version, row.draft_version = version.number, None
        self._describe(row, doc, actor.username)
        session.flush()
        if is_live(row, utcnow()):  # an expired or not-yet-effective document stays out of answers
            self.knowledge.ingest_document(doc, ChunkStatus.PUBLISHED)
        else:
            self.knowledge.delete_document(doc_id)
        if had_draft:
            self.knowledge.delete_document(draft_id(doc_id))
        audit.record(
            session, actor, "kb.rollback", "kb_document", doc_id, version=version.number, restored=number
        )
        return version

    @commits
    def delete(self, session: Session, actor: StaffUser, doc_id: str) -> int:
        """Tombstone the document and remove its chunks (live and draft); returns chunks removed."""
        row = self.get(session, doc_id)
        before = self.knowledge.documents((doc_id, draft_id(doc_id)))
        removed = sum(before[i].chunks for i in (doc_id, draft_id(doc_id)) if i in before)
        row.deleted, row.draft_version, row.published_version = True, None, None
        row.updated_by = actor.username
        session.flush()
        self.knowledge.delete_document(doc_id)
        self.knowledge.delete_document(draft_id(doc_id))
        audit.record(session, actor, "kb.delete", "kb_document", doc_id, chunks_removed=removed)
        return removed

    @commits
    def set_validity(
        self,
        session: Session,
        actor: StaffUser,
        doc_id: str,
        effective_from: datetime | None,
        expires_on: datetime | None,
    ) -> KbDocument:
        """Set when the document is answered from; takes effect in the index at once."""
        row = self.get(session, doc_id)
        if effective_from and expires_on and expires_on <= effective_from:
            raise CatalogError("invalid_dates", "expires_on must be after effective_from")
        # Stored in UTC: SQLite keeps no offset, and every other time in the database is UTC.
        effective_from = effective_from.astimezone(UTC) if effective_from else None
        expires_on = expires_on.astimezone(UTC) if expires_on else None
        row.effective_from, row.expires_on = effective_from, expires_on
        session.flush()
        self._apply_validity(session, row, utcnow())
        audit.record(
            session, actor, "kb.validity", "kb_document", doc_id,
            effective_from=effective_from.isoformat() if effective_from else None,
            expires_on=expires_on.isoformat() if expires_on else None,
        )  # fmt: skip
        return row

    def apply_validity(self, session: Session, now: datetime | None = None) -> int:
        """Take expired documents out of the index and put newly effective ones in (each SLA round);
        returns how many changed."""
        now = now or utcnow()
        rows = session.scalars(
            select(KbDocument).where(
                KbDocument.deleted.is_(False),
                KbDocument.published_version.is_not(None),
                (KbDocument.effective_from.is_not(None)) | (KbDocument.expires_on.is_not(None)),
            )
        ).all()
        return sum(self._apply_validity(session, row, now) for row in rows)

    def expiring(self, session: Session, within: timedelta, now: datetime | None = None) -> list[KbDocument]:
        """Live documents that expire within `within`: the content team renews or retires them."""
        now = now or utcnow()
        stmt = (
            select(KbDocument)
            .where(
                KbDocument.deleted.is_(False),
                KbDocument.expires_on.is_not(None),
                KbDocument.expires_on <= now + within,
            )
            .order_by(KbDocument.expires_on)
        )
        return list(session.scalars(stmt).all())

    def _apply_validity(self, session: Session, row: KbDocument, now: datetime) -> bool:
        if row.published_version is None:
            return False
        indexed = row.id in self.knowledge.documents((row.id,))
        live = is_live(row, now)
        if live and not indexed:
            content = self.version(session, row.id, row.published_version).content
            self.knowledge.ingest_document(from_content(content), ChunkStatus.PUBLISHED)
            return True
        if indexed and not live:
            self.knowledge.delete_document(row.id)
            return True
        return False

    def import_folder(self, session: Session, folder: Path) -> ImportReport:
        """Import knowledge files as published versions: new ids are added; a file whose content changed
        since its last import becomes a new version; ids deleted by editors stay deleted."""
        report = ImportReport()
        for doc in load_folder(folder):
            digest = content_hash(doc, ChunkStatus.PUBLISHED)
            row = session.get(KbDocument, doc.id)
            if row is not None and row.deleted:
                report.skipped_deleted.append(doc.id)
                continue
            if row is not None and row.file_hash == digest:
                report.unchanged.append(doc.id)
                continue
            if row is None:
                row = KbDocument(
                    id=doc.id, kind=doc.kind, title=doc.title, category=doc.category, source=doc.source
                )
                session.add(row)
                report.added.append(doc.id)
            else:
                report.updated.append(doc.id)
            version = self._add_version(session, row, doc, "system", f"从 {Path(doc.source).name} 导入")
            row.published_version, row.file_hash = version.number, digest
            self._describe(row, doc, "system")
            session.flush()
        if report.added or report.updated:
            audit.record(
                session,
                None,
                "kb.import",
                "kb_folder",
                str(folder),
                added=len(report.added),
                updated=len(report.updated),
            )
        return report

    def sync_index(self, session: Session) -> tuple[int, int]:
        """Make the store mirror the catalog; returns (documents written, documents removed)."""
        stored = self.knowledge.documents()
        wanted: dict[str, tuple[Document, str]] = {}
        now = utcnow()
        outside: set[str] = set()
        for row in session.scalars(select(KbDocument).where(KbDocument.deleted.is_(False))):
            if row.published_version is not None and not is_live(row, now):
                outside.add(row.id)
            elif row.published_version is not None:
                doc = from_content(self.version(session, row.id, row.published_version).content)
                wanted[row.id] = (doc, ChunkStatus.PUBLISHED)
            if row.draft_version is not None:
                doc = _as_draft(from_content(self.version(session, row.id, row.draft_version).content))
                wanted[doc.id] = (doc, DRAFT)
        changed: dict[str, list[Document]] = {}
        for doc_id, (doc, status) in wanted.items():
            have = stored.get(doc_id)
            if have is None or have.content_hash != content_hash(doc, status):
                changed.setdefault(status, []).append(doc)
        # One batched write per status: embedding, upserts and the index swap happen once, not per document
        # (a first start imported the sample base one document at a time, an index rebuild each).
        for status, docs in changed.items():
            self.knowledge.ingest_documents(docs, status)
        written = sum(len(docs) for docs in changed.values())
        # Remove only what the catalog disowns (deleted documents, stale drafts); documents the catalog
        # never knew (ingested straight into the store by other tools) are left alone.
        deleted = set(session.scalars(select(KbDocument.id).where(KbDocument.deleted.is_(True))))
        extra = [
            doc_id
            for doc_id in stored
            if doc_id not in wanted and (doc_id in deleted or doc_id in outside or is_draft_id(doc_id))
        ]
        for doc_id in extra:
            self.knowledge.delete_document(doc_id)
        return written, len(extra)

    # Helpers ---------------------------------------------------------------------------------------

    def _add_version(
        self, session: Session, row: KbDocument, doc: Document, author: str, note: str
    ) -> KbVersion:
        last = session.scalar(select(func.max(KbVersion.number)).where(KbVersion.doc_id == row.id)) or 0
        version = KbVersion(
            doc_id=row.id,
            number=last + 1,
            content=to_content(doc),
            content_hash=content_hash(doc, ChunkStatus.PUBLISHED),
            author=author,
            note=note[:256],
        )
        session.add(version)
        session.flush()
        return version

    @staticmethod
    def _describe(row: KbDocument, doc: Document, actor: str) -> None:
        row.title, row.category, row.source, row.updated_by = doc.title, doc.category, doc.source, actor

    def _latest_text(self, session: Session, row: KbDocument) -> str:
        number = row.draft_version or row.published_version
        if number is None:
            return ""
        content = self.version(session, row.id, number).content
        return " ".join(str(content.get(k) or "") for k in ("body", "question", "answer"))


def _as_draft(doc: Document) -> Document:
    return replace(doc, id=draft_id(doc.id))
