"""Background ingestion of uploads, resumable by any worker; progress stored per job for the page to poll.

The upload is parsed and validated before a job is queued (bad files never reach here). The validated
documents are stored with the job, so the job does not depend on the worker that received the upload:
the worker running it holds a lease (`owner`, `lease_until`) renewed before each document, and every
worker's periodic step (`resume_step`) claims jobs whose lease expired with a compare-and-set UPDATE and
continues from the first document not yet saved. Each document is saved as a draft in its own
transaction; a document already saved by this job (its id in `doc_ids`, or a version noted with the job id
when the worker died between the two commits) is skipped, so a resumed job duplicates nothing.
"""

from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import and_, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from core.clock import utcnow
from core.status import JobStatus
from knowledge import Document, KnowledgeError
from services import audit
from services.kb_catalog import KbCatalog, from_content, to_content
from storage.kb_models import KbJob, KbVersion
from storage.models import StaffUser

log = logging.getLogger(__name__)

LEASE = timedelta(seconds=120)  # renewed before each document: longer than one document's embedding
MAX_ATTEMPTS = 3  # claims of one job (the first run counts); past that it is failed, not retried
_ACTIVE = (JobStatus.QUEUED, JobStatus.RUNNING)


def worker_id() -> str:
    """Unique per process (two workers on one host differ by pid; a restarted pid by the suffix)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


def _note(job_id: str) -> str:
    return f"上传（{job_id}）"


class UploadJobs:
    def __init__(
        self,
        sessions: sessionmaker[Session],
        catalog: KbCatalog,
        *,
        owner: str | None = None,
        lease: timedelta = LEASE,
        max_attempts: int = MAX_ATTEMPTS,
    ) -> None:
        self.sessions = sessions
        self.catalog = catalog
        self.owner = owner or worker_id()
        self.lease = lease
        self.max_attempts = max_attempts
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kb-upload")

    def submit(self, session: Session, actor: StaffUser, filename: str, docs: Sequence[Document]) -> KbJob:
        """Record the job and start saving `docs` (already validated) in this worker's background thread."""
        job = self.enqueue(session, actor, filename, docs)
        self.start(job.id)
        return job

    def enqueue(self, session: Session, actor: StaffUser, filename: str, docs: Sequence[Document]) -> KbJob:
        """Record the job (with its documents, leased to this worker) and its audit record; commits."""
        job = KbJob(
            filename=filename[:256],
            total=len(docs),
            created_by=actor.username,
            documents=[to_content(d) for d in docs],
            owner=self.owner,
            lease_until=utcnow() + self.lease,
            attempts=1,
        )
        session.add(job)
        session.flush()
        audit.record(session, actor, "kb.upload", "kb_job", job.id, filename=filename, documents=len(docs))
        session.commit()
        return job

    def start(self, job_id: str) -> Future[None]:
        return self._pool.submit(self.run, job_id)

    def shutdown(self) -> None:
        """Does not wait: the leases of this worker's jobs are released so another worker resumes them at
        its next step (documents saved so far are whole, one transaction each)."""
        self._pool.shutdown(wait=False, cancel_futures=True)
        try:
            with self.sessions() as session:
                session.execute(
                    update(KbJob)
                    .where(KbJob.owner == self.owner, KbJob.status.in_(_ACTIVE))
                    .values(lease_until=utcnow())
                )
                session.commit()
        except Exception:  # a database down at shutdown: the leases simply expire
            log.warning("could not release upload job leases at shutdown", exc_info=True)

    # Claiming --------------------------------------------------------------------------------------------

    def claim_expired(self) -> list[str]:
        """Take over active jobs whose lease expired and that have attempts left. The UPDATE is the claim:
        its WHERE re-checks the expiry, so of workers racing for one job exactly one gets a row."""
        now = utcnow()
        expired = or_(KbJob.lease_until.is_(None), KbJob.lease_until < now)
        with self.sessions() as session:
            candidates = session.scalars(
                select(KbJob.id).where(
                    KbJob.status.in_(_ACTIVE),
                    KbJob.documents.is_not(None),
                    KbJob.attempts < self.max_attempts,
                    expired,
                )
            ).all()
            claimed = []
            for job_id in candidates:
                result = session.execute(
                    update(KbJob)
                    .where(KbJob.id == job_id, KbJob.status.in_(_ACTIVE), expired)
                    .values(owner=self.owner, lease_until=now + self.lease, attempts=KbJob.attempts + 1)
                    .execution_options(synchronize_session=False)
                )
                session.commit()
                if getattr(result, "rowcount", 0) == 1:
                    claimed.append(job_id)
        for job_id in claimed:
            log.info("resuming upload job %s (its previous worker stopped)", job_id)
        return claimed

    def resume_step(self) -> list[str]:
        """The periodic step of every worker: claim expired jobs and continue them in the background."""
        claimed = self.claim_expired()
        for job_id in claimed:
            self.start(job_id)
        return claimed

    # Running ---------------------------------------------------------------------------------------------

    def _renew(self, job_id: str) -> bool:
        """Extend this worker's lease; False when another worker has taken the job over (or it ended)."""
        with self.sessions() as session:
            result = session.execute(
                update(KbJob)
                .where(KbJob.id == job_id, KbJob.owner == self.owner, KbJob.status.in_(_ACTIVE))
                .values(lease_until=utcnow() + self.lease, status=JobStatus.RUNNING)
                .execution_options(synchronize_session=False)
            )
            session.commit()
            return getattr(result, "rowcount", 0) == 1

    def _already_saved(self, session: Session, job_id: str, doc_id: str) -> bool:
        """A version of `doc_id` written by this job: the worker died after saving it, before the job
        recorded it."""
        found = session.scalar(
            select(KbVersion.id).where(KbVersion.doc_id == doc_id, KbVersion.note == _note(job_id)).limit(1)
        )
        return found is not None

    def run(self, job_id: str) -> None:
        """Save the job's documents not yet saved, renewing the lease before each; stop if it is lost."""
        with self.sessions() as session:
            job = session.get(KbJob, job_id)
            if job is None or job.documents is None:
                return
            docs = [from_content(c) for c in job.documents]
            done = [str(d) for d in job.doc_ids or []]
            actor_name = job.created_by
        for doc in docs:
            if doc.id in done:
                continue
            if not self._renew(job_id):
                log.info("upload job %s was taken over by another worker; this one stops", job_id)
                return
            with self.sessions() as session:
                actor = session.scalar(select(StaffUser).where(StaffUser.username == actor_name))
                if actor is None:
                    self._fail(job_id, "actor_gone", "account removed")
                    return
                if not self._already_saved(session, job_id, doc.id):
                    try:
                        self.catalog.save_draft(session, actor, doc, note=_note(job_id))  # commits
                    except KnowledgeError as exc:
                        self._fail(job_id, exc.code, str(exc))
                        return
                    except Exception:
                        log.exception("upload job %s failed on %s", job_id, doc.id)
                        self._fail(job_id, "internal_error", "internal error")
                        return
            done.append(doc.id)
            self._update(job_id, done=len(done), doc_ids=list(done))
        self._update(job_id, status=JobStatus.DONE, lease_until=None)

    def _fail(self, job_id: str, code: str, error: str) -> None:
        self._update(job_id, status=JobStatus.FAILED, error_code=code, error=error[:512], lease_until=None)

    def _update(self, job_id: str, **values: object) -> None:
        with self.sessions() as session:
            job = session.get(KbJob, job_id)
            if job is None:
                return
            for key, value in values.items():
                setattr(job, key, value)
            session.commit()


STALE_AFTER = timedelta(minutes=5)


def fail_stale_jobs(
    session: Session, stale_after: timedelta = STALE_AFTER, max_attempts: int = MAX_ATTEMPTS
) -> int:
    """Mark as failed (`interrupted`) the active jobs no worker can finish: lease expired after
    `max_attempts` claims, or made before jobs stored their documents and quiet for `stale_after`.
    A job must never show "running" forever. Returns how many were marked; commits."""
    now = utcnow()
    stale = session.scalars(
        select(KbJob).where(
            KbJob.status.in_(_ACTIVE),
            or_(
                and_(
                    KbJob.attempts >= max_attempts, or_(KbJob.lease_until < now, KbJob.lease_until.is_(None))
                ),
                and_(KbJob.documents.is_(None), KbJob.updated_at < now - stale_after),
            ),
        )
    ).all()
    for job in stale:
        job.status, job.error_code = JobStatus.FAILED, "interrupted"
        job.error = f"the server stopped after {job.done} of {job.total} documents; upload the file again"
    if stale:
        session.commit()
        log.warning("marked %d interrupted upload job(s) as failed", len(stale))
    return len(stale)


def get_job(session: Session, job_id: str) -> KbJob | None:
    return session.get(KbJob, job_id)
