"""Knowledge-base admin API for editors (and admins): documents and FAQ pairs, versions, review and
publish, rollback, uploads with progress, the "try it" search and the gap report.

Agents and customers are refused (403/401). Bad input is a 4xx with a stable `code`, and nothing is
stored: uploads are parsed and validated completely before a job is queued.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, Response, UploadFile
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from api.auth import EditorDep
from api.deps import KbAdminDep, ServicesDep, SessionDep
from api.errors import AppError
from api.kb_schemas import (
    DeleteOut,
    FeedbackItemOut,
    GapOut,
    GapReportOut,
    JobOut,
    KbContentIn,
    KbCreateIn,
    KbDocumentDetail,
    KbDocumentOut,
    KbVersionOut,
    PublishManyIn,
    PublishManyOut,
    RollbackIn,
    TryHitOut,
    TryIn,
    TryOut,
    ValidityIn,
)
from api.security import Int64
from core.status import ChunkStatus
from knowledge import Document, KnowledgeError
from knowledge.parsers import UploadError, UploadMeta
from knowledge.preview import base_id
from services import feedback_inbox as feedback_service
from services import kb_jobs
from services.gaps import Gap, covering_document, gap_report
from services.kb_admin import KbAdmin
from services.kb_catalog import CatalogError, KbCatalog
from storage.kb_models import KbDocument

router = APIRouter(prefix="/v1/kb", tags=["knowledge base admin"])

UPLOAD_MAX_BYTES = 10 * 1024 * 1024
_STATUS = {
    "not_found": 404,
    "conflict": 409,
    "no_draft": 409,
    "no_published": 409,
    "own_draft": 403,
    "own_version": 403,
    "unsupported_format": 415,
    "parser_busy": 503,
}


def _kb_error(code: str, message: str, status: int | None = None) -> AppError:
    """A refused KB request; the code comes from the catalog or the parser, the status from `_STATUS`."""
    return AppError(message, code=code, status=status or _STATUS.get(code, 422))


def _refuse(exc: CatalogError | KnowledgeError) -> AppError:
    if isinstance(exc, UploadError):
        return _kb_error(exc.code, f"{exc.source}: {exc.problem}")
    if isinstance(exc, CatalogError):
        return _kb_error(exc.code, str(exc))
    return _kb_error(exc.code, str(exc), 503 if exc.code == "store_error" else 422)


def _detail(catalog: KbCatalog, session: Session, row: KbDocument) -> KbDocumentDetail:
    versions = [KbVersionOut.model_validate(v) for v in catalog.versions(session, row.id)]
    return KbDocumentDetail.model_validate(
        {**KbDocumentOut.model_validate(row).model_dump(), "versions": versions}
    )


def _document(doc_id: str, body: KbContentIn, source: str) -> Document:
    if body.kind == "faq":
        assert body.question and body.answer  # checked by the schema
        return Document(
            id=doc_id,
            title=body.question,
            category=body.category,
            tags=tuple(dict.fromkeys(body.tags)),
            source=source,
            body=body.answer,
            kind="faq",
            question=body.question,
            answer=body.answer,
            alt_questions=tuple(q for q in dict.fromkeys(body.alt_questions) if q and q != body.question),
        )
    assert body.title and body.body
    return Document(
        id=doc_id,
        title=body.title,
        category=body.category,
        tags=tuple(dict.fromkeys(body.tags)),
        source=source,
        body=body.body,
        kind="doc",
    )


@router.get("/documents", response_model=list[KbDocumentOut])
def list_documents(
    _: EditorDep,
    kb: KbAdminDep,
    session: SessionDep,
    q: Annotated[str, Query(max_length=200, description="Substring of id, title or text")] = "",
    status: Annotated[str | None, Query(pattern="^(published|draft|published_with_draft)$")] = None,
    kind: Annotated[str | None, Query(pattern="^(doc|faq)$")] = None,
) -> list[KbDocumentOut]:
    """Documents and FAQ pairs, most recently changed first (`status=draft`: all with a pending draft)."""
    rows = kb.catalog.list_documents(session, q, status, kind)
    return [KbDocumentOut.model_validate(r) for r in rows]


@router.post("/documents", response_model=KbDocumentDetail, status_code=201)
def create_document(
    body: KbCreateIn, user: EditorDep, kb: KbAdminDep, session: SessionDep
) -> KbDocumentDetail:
    """A new article or FAQ pair, saved as draft version 1 (not answered until published)."""
    try:
        kb.catalog.save_draft(
            session,
            user,
            _document(body.id, body, f"editor:{user.username}"),
            note=body.note or "新建",
            create=True,
        )
    except (CatalogError, KnowledgeError) as exc:
        raise _refuse(exc) from exc
    return _detail(kb.catalog, session, kb.catalog.get(session, body.id))


@router.get("/documents/{doc_id}", response_model=KbDocumentDetail)
def get_document(doc_id: str, _: EditorDep, kb: KbAdminDep, session: SessionDep) -> KbDocumentDetail:
    """One document with its version history (newest first), each version's full content included."""
    try:
        return _detail(kb.catalog, session, kb.catalog.get(session, doc_id))
    except CatalogError as exc:
        raise _refuse(exc) from exc


@router.put("/documents/{doc_id}", response_model=KbDocumentDetail)
def edit_document(
    doc_id: str, body: KbContentIn, user: EditorDep, kb: KbAdminDep, session: SessionDep
) -> KbDocumentDetail:
    """Save an edit as a new draft version; the published version stays live until the draft is published."""
    try:
        row = kb.catalog.get(session, doc_id)
        kb.catalog.save_draft(
            session, user, _document(doc_id, body, row.source), note=body.note or "编辑", create=False
        )
    except (CatalogError, KnowledgeError) as exc:
        raise _refuse(exc) from exc
    return _detail(kb.catalog, session, kb.catalog.get(session, doc_id))


@router.delete("/documents/{doc_id}", response_model=DeleteOut)
def delete_document(doc_id: str, user: EditorDep, kb: KbAdminDep, session: SessionDep) -> DeleteOut:
    """Delete a document: its chunks (live and draft) leave the vector store; its history is kept."""
    try:
        removed = kb.catalog.delete(session, user, doc_id)
    except (CatalogError, KnowledgeError) as exc:
        raise _refuse(exc) from exc
    return DeleteOut(id=doc_id, chunks_removed=removed)


@router.get("/documents/{doc_id}/versions/{number}", response_model=KbVersionOut)
def get_version(
    doc_id: str, number: Int64, _: EditorDep, kb: KbAdminDep, session: SessionDep
) -> KbVersionOut:
    try:
        kb.catalog.get(session, doc_id)
        return KbVersionOut.model_validate(kb.catalog.version(session, doc_id, number))
    except CatalogError as exc:
        raise _refuse(exc) from exc


@router.post("/documents/{doc_id}/publish", response_model=KbDocumentDetail)
def publish_document(doc_id: str, user: EditorDep, kb: KbAdminDep, session: SessionDep) -> KbDocumentDetail:
    """Review done: the pending draft becomes the live version customers are answered from."""
    return _change(kb, session, doc_id, lambda: kb.catalog.publish(session, user, doc_id))


@router.post("/documents/{doc_id}/discard", response_model=KbDocumentDetail)
def discard_draft(doc_id: str, user: EditorDep, kb: KbAdminDep, session: SessionDep) -> KbDocumentDetail:
    """Drop the pending draft; the published version stays."""
    return _change(kb, session, doc_id, lambda: kb.catalog.discard_draft(session, user, doc_id))


@router.post("/documents/{doc_id}/rollback", response_model=KbDocumentDetail)
def rollback_document(
    doc_id: str, body: RollbackIn, user: EditorDep, kb: KbAdminDep, session: SessionDep
) -> KbDocumentDetail:
    """Publish a copy of an earlier version as a new version (any pending draft is dropped)."""
    return _change(kb, session, doc_id, lambda: kb.catalog.rollback(session, user, doc_id, body.version))


@router.post("/publish", response_model=PublishManyOut)
def publish_many(body: PublishManyIn, user: EditorDep, kb: KbAdminDep, session: SessionDep) -> PublishManyOut:
    """Publish the drafts of several documents (e.g. every FAQ of one upload); each commits on its own."""
    published: list[str] = []
    skipped: list[str] = []
    for doc_id in dict.fromkeys(body.doc_ids):
        try:
            kb.catalog.publish(session, user, doc_id)
        except CatalogError:
            skipped.append(doc_id)
            continue
        except KnowledgeError as exc:
            raise _refuse(exc) from exc
        published.append(doc_id)
    return PublishManyOut(published=published, skipped=skipped)


def _change(kb: KbAdmin, session: Session, doc_id: str, action: Callable[[], object]) -> KbDocumentDetail:
    try:
        action()
    except (CatalogError, KnowledgeError) as exc:
        raise _refuse(exc) from exc
    return _detail(kb.catalog, session, kb.catalog.get(session, doc_id))


@router.post("/uploads", response_model=JobOut, status_code=202)
async def upload(
    user: EditorDep,
    kb: KbAdminDep,
    session: SessionDep,
    file: Annotated[UploadFile, File(description="Markdown, FAQ (CSV/YAML), PDF, DOCX or HTML; ≤ 10 MiB")],
    category: Annotated[str, Form(description="For PDF/DOCX/HTML")] = "policy",
    doc_id: Annotated[str | None, Form(description="For PDF/DOCX/HTML; default from the file name")] = None,
    title: Annotated[str | None, Form(description="For PDF/DOCX/HTML; default from the file")] = None,
    tags: Annotated[str, Form(description="Comma-separated, for PDF/DOCX/HTML")] = "",
) -> JobOut:
    """Parse and validate the whole file now (4xx, nothing stored, if anything is wrong), then save its
    documents as drafts in the background; poll `GET /v1/kb/jobs/{id}` for progress."""
    data = await file.read(UPLOAD_MAX_BYTES + 1)
    if len(data) > UPLOAD_MAX_BYTES:
        raise _kb_error("payload_too_large", f"Uploads are limited to {UPLOAD_MAX_BYTES} bytes.", 413)
    filename = file.filename or "upload"
    meta = UploadMeta(
        category=category, doc_id=doc_id or None, title=title or None, tags=tuple(tags.split(","))
    )
    try:
        # In a child process with time and memory limits, off the event loop (knowledge/sandbox.py).
        docs = await run_in_threadpool(kb.sandbox.parse, filename, data, meta)
        kb.catalog.check_kinds(session, docs)
    except (CatalogError, KnowledgeError) as exc:
        raise _refuse(exc) from exc
    job = kb.jobs.submit(session, user, filename, docs)
    return JobOut.model_validate(job)


@router.get("/jobs/{job_id}", response_model=JobOut)
def get_job(job_id: str, _: EditorDep, session: SessionDep) -> JobOut:
    """Progress of an upload: `done` of `total` documents saved; `status` ends as done or failed."""
    kb_jobs.fail_stale_jobs(session)
    job = kb_jobs.get_job(session, job_id)
    if job is None:
        raise _kb_error("not_found", f"job {job_id} does not exist")
    return JobOut.model_validate(job)


@router.post("/try", response_model=TryOut)
def try_question(body: TryIn, _: EditorDep, kb: KbAdminDep, services: ServicesDep) -> TryOut:
    """Retrieve for a question against the published content, or as if every draft were published."""
    if body.scope == "draft":
        result = kb.preview.search(body.question, body.k)
    else:
        result = services.knowledge.search(body.question, body.k)
    hits = [
        TryHitOut(
            doc_id=base_id(h.chunk.doc_id),
            chunk_id=h.chunk.id,
            title=h.chunk.title,
            text=h.chunk.text,
            kind=h.chunk.kind,
            status=ChunkStatus(h.chunk.status),
            score=round(h.score, 4),
            dense=round(h.dense, 4),
            sparse=round(h.sparse, 4),
        )
        for h in result.hits
    ]
    return TryOut(
        question=body.question,
        scope=body.scope,
        confidence=round(result.confidence, 4),
        answerable=result.answerable,
        hits=hits,
    )


@router.get("/gaps", response_model=GapReportOut)
def gaps(
    _: EditorDep,
    session: SessionDep,
    services: ServicesDep,
    days: Annotated[int, Query(ge=1, le=365)] = 30,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
) -> GapReportOut:
    """Unanswered customer questions (redacted), grouped by similarity, most asked first."""
    threshold = services.knowledge.retriever.threshold
    report = gap_report(session, services.embedder, days=days, threshold=threshold, limit=limit)
    return GapReportOut(
        days=days,
        threshold=threshold,
        gaps=[
            GapOut(
                question=g.question,
                count=g.count,
                last_asked=g.last_asked,
                examples=g.examples,
                mean_confidence=g.mean_confidence,
                covered_by=_covered_by(services, session, g),
            )
            for g in report
        ],
    )


def _covered_by(services: ServicesDep, session: Session, gap: Gap) -> str | None:
    """Re-check a gap against what is published now: the title of a document published after the
    question was last asked that now answers it confidently (content that was already live when the bot
    failed the customer does not count)."""
    return covering_document(session, services.knowledge, gap)


@router.put("/documents/{doc_id}/validity", response_model=KbDocumentDetail)
def set_validity(
    doc_id: str, body: ValidityIn, user: EditorDep, kb: KbAdminDep, session: SessionDep
) -> KbDocumentDetail:
    """Effective-from / expires-on dates: outside them customers are never answered from the document."""
    return _change(
        kb,
        session,
        doc_id,
        lambda: kb.catalog.set_validity(session, user, doc_id, body.effective_from, body.expires_on),
    )


@router.get("/expiring", response_model=list[KbDocumentOut])
def expiring(
    _: EditorDep, kb: KbAdminDep, session: SessionDep, days: Annotated[int, Query(ge=1, le=365)] = 14
) -> list[KbDocumentOut]:
    """Documents that expire within `days` (or already have): renew or retire them."""
    rows = kb.catalog.expiring(session, timedelta(days=days))
    return [KbDocumentOut.model_validate(r) for r in rows]


@router.get("/feedback", response_model=list[FeedbackItemOut])
def feedback_inbox(
    _: EditorDep,
    session: SessionDep,
    handled: bool | None = False,
    doc_id: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> list[FeedbackItemOut]:
    """Answers customers rated 👎 (question, answer, source, comment; all redacted), unhandled first."""
    items = feedback_service.inbox(session, handled=handled, doc_id=doc_id, limit=limit)
    return [FeedbackItemOut(**item.__dict__) for item in items]


@router.post("/feedback/{message_id}/handled", status_code=204)
def feedback_handled(message_id: str, user: EditorDep, session: SessionDep) -> Response:
    """The content team dealt with it (fixed the entry, or judged the answer right)."""
    if not feedback_service.mark_handled(session, user, message_id):
        raise _kb_error("not_found", f"no 👎 answer {message_id}")
    return Response(status_code=204)
