"""Background ingestion of uploads: one worker thread, progress stored per job for the page to poll.

The upload is parsed and validated before a job is queued (bad files never reach here); the job then
saves each document as a draft in its own transaction, so a failure part-way leaves whole documents only.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor

from sqlalchemy.orm import Session, sessionmaker

from core.status import JobStatus
from knowledge import Document, KnowledgeError
from services import audit
from services.kb_catalog import KbCatalog
from storage.kb_models import KbJob
from storage.models import StaffUser

log = logging.getLogger(__name__)


class UploadJobs:
    def __init__(self, sessions: sessionmaker[Session], catalog: KbCatalog) -> None:
        self.sessions = sessions
        self.catalog = catalog
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-upload")

    def submit(self, session: Session, actor: StaffUser, filename: str, docs: Sequence[Document]) -> KbJob:
        """Record the job with its audit record, commit, and start saving `docs` (already validated)."""
        job = KbJob(filename=filename[:256], total=len(docs), created_by=actor.username)
        session.add(job)
        session.flush()
        audit.record(session, actor, "kb.upload", "kb_job", job.id, filename=filename, documents=len(docs))
        session.commit()
        self.start(job.id, actor.id, docs)
        return job

    def start(self, job_id: str, actor_id: str, docs: Sequence[Document]) -> Future[None]:
        return self._pool.submit(self._run, job_id, actor_id, list(docs))

    def shutdown(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=False)

    def _run(self, job_id: str, actor_id: str, docs: list[Document]) -> None:
        self._update(job_id, status=JobStatus.RUNNING)
        done: list[str] = []
        for doc in docs:
            with self.sessions() as session:
                actor = session.get(StaffUser, actor_id)
                if actor is None:
                    self._fail(job_id, "actor_gone", "account removed")
                    return
                try:
                    self.catalog.save_draft(session, actor, doc, note=f"上传（{job_id}）")  # commits
                except KnowledgeError as exc:
                    self._fail(job_id, exc.code, str(exc))
                    return
                except Exception:
                    log.exception("upload job %s failed on %s", job_id, doc.id)
                    self._fail(job_id, "internal_error", "internal error")
                    return
            done.append(doc.id)
            self._update(job_id, done=len(done), doc_ids=list(done))
        self._update(job_id, status=JobStatus.DONE)

    def _fail(self, job_id: str, code: str, error: str) -> None:
        self._update(job_id, status=JobStatus.FAILED, error_code=code, error=error[:512])

    def _update(self, job_id: str, **values: object) -> None:
        with self.sessions() as session:
            job = session.get(KbJob, job_id)
            if job is None:
                return
            for key, value in values.items():
                setattr(job, key, value)
            session.commit()


def get_job(session: Session, job_id: str) -> KbJob | None:
    return session.get(KbJob, job_id)
