"""Upload jobs resumable by any worker: a job whose worker died is finished by another, with nothing
saved twice; of workers racing to claim an expired job exactly one wins; a job out of attempts fails."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, update
from sqlalchemy.orm import Session, sessionmaker

from core.clock import utcnow
from core.wiring import Services
from knowledge import Document, KnowledgeBase, build_store
from services.kb_catalog import KbCatalog
from services.kb_jobs import UploadJobs, fail_stale_jobs
from services.staff import create_staff
from storage.engine import build_engine
from storage.kb_models import KbJob, KbVersion
from storage.migrations import upgrade
from storage.models import StaffUser


@dataclass
class World:
    sessions: sessionmaker[Session]
    catalog: KbCatalog
    editor: StaffUser


@pytest.fixture
def world(tmp_path: Path, services: Services) -> Iterator[World]:
    engine = create_engine(f"sqlite:///{tmp_path / 'kb.db'}")
    upgrade(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    catalog = KbCatalog(KnowledgeBase(build_store(tmp_path / "chroma"), services.embedder))
    with sessions() as session:
        editor = create_staff(session, "ed", "long enough pw", "editor")
        session.commit()
    yield World(sessions, catalog, editor)
    engine.dispose()


def faqs(n: int) -> list[Document]:
    return [
        Document(
            id=f"faq-job-{i}",
            title=f"第{i}号卡年费",
            category="fee",
            tags=(),
            source="upload.csv",
            body=f"第{i}号卡年费{i}0元。",
            kind="faq",
            question=f"第{i}号卡年费多少？",
            answer=f"第{i}号卡年费{i}0元。",
        )
        for i in range(n)
    ]


class WorkerDied(BaseException):
    """Stands in for the process being killed: not an `Exception`, so the job is not marked failed."""


class DyingCatalog(KbCatalog):
    """The real catalog, whose worker dies right after saving the document numbered `die_after` (that
    save committed, the job's own progress record not yet written)."""

    def __init__(self, real: KbCatalog, die_after: int) -> None:
        super().__init__(real.knowledge)
        self.saved = 0
        self.die_after = die_after

    def save_draft(self, *args: object, **kwargs: object) -> KbVersion:
        version = super().save_draft(*args, **kwargs)  # type: ignore[arg-type]
        self.saved += 1
        if self.saved == self.die_after:
            raise WorkerDied
        return version


def expire_lease(sessions: sessionmaker[Session], job_id: str) -> None:
    """Time passes: the dead worker's lease runs out."""
    with sessions() as session:
        session.execute(
            update(KbJob).where(KbJob.id == job_id).values(lease_until=utcnow() - timedelta(seconds=1))
        )
        session.commit()


def versions_per_doc(sessions: sessionmaker[Session]) -> dict[str, int]:
    with sessions() as session:
        rows = session.execute(select(KbVersion.doc_id, func.count()).group_by(KbVersion.doc_id)).all()
    return {str(doc_id): int(count) for doc_id, count in rows}


def test_a_job_whose_worker_died_is_finished_by_another_without_duplicates(world: World) -> None:
    docs = faqs(6)
    worker_a = UploadJobs(world.sessions, DyingCatalog(world.catalog, die_after=3), owner="worker-a")
    with world.sessions() as session:
        job_id = worker_a.enqueue(session, world.editor, "upload.csv", docs).id
    with pytest.raises(WorkerDied):
        worker_a.run(job_id)  # saves 3 documents, records 2, and dies
    with world.sessions() as session:
        job = session.get(KbJob, job_id)
        assert job is not None and job.status == "running" and job.done == 2 and job.owner == "worker-a"
    assert versions_per_doc(world.sessions) == {d.id: 1 for d in docs[:3]}

    worker_b = UploadJobs(world.sessions, world.catalog, owner="worker-b")
    assert worker_b.claim_expired() == []  # the lease still runs: worker A might be alive
    expire_lease(world.sessions, job_id)
    assert worker_b.claim_expired() == [job_id]
    assert not worker_a._renew(job_id)  # had A only been slow, it would now stop
    worker_b.run(job_id)

    with world.sessions() as session:
        job = session.get(KbJob, job_id)
        assert job is not None
        assert (job.status, job.done, job.total, job.owner, job.attempts) == ("done", 6, 6, "worker-b", 2)
        assert job.doc_ids == [d.id for d in docs]
    assert versions_per_doc(world.sessions) == {d.id: 1 for d in docs}  # nothing saved twice
    assert worker_b.claim_expired() == []  # a finished job is never claimed again


def test_of_two_workers_racing_for_an_expired_job_exactly_one_wins(world: World) -> None:
    with world.sessions() as session:
        job_id = UploadJobs(world.sessions, world.catalog, owner="dead").enqueue(
            session, world.editor, "upload.csv", faqs(2)
        ).id
    expire_lease(world.sessions, job_id)
    workers = [UploadJobs(world.sessions, world.catalog, owner=f"worker-{i}") for i in range(4)]
    barrier = threading.Barrier(len(workers))
    results: dict[str, list[str]] = {}

    def claim(worker: UploadJobs) -> None:
        barrier.wait()
        results[worker.owner] = worker.claim_expired()

    threads = [threading.Thread(target=claim, args=(w,)) for w in workers]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    winners = [owner for owner, claimed in results.items() if claimed == [job_id]]
    assert len(results) == len(workers) and len(winners) == 1
    with world.sessions() as session:
        job = session.get(KbJob, job_id)
        assert job is not None and job.owner == winners[0] and job.attempts == 2


def test_a_job_out_of_attempts_is_failed_not_claimed(world: World) -> None:
    with world.sessions() as session:
        job_id = UploadJobs(world.sessions, world.catalog, owner="dead", max_attempts=2).enqueue(
            session, world.editor, "upload.csv", faqs(2)
        ).id
    worker = UploadJobs(world.sessions, world.catalog, owner="worker-b", max_attempts=2)
    expire_lease(world.sessions, job_id)
    assert worker.claim_expired() == [job_id]  # attempt 2 ...
    expire_lease(world.sessions, job_id)  # ... whose worker died too
    with world.sessions() as session:
        assert fail_stale_jobs(session, max_attempts=3) == 0  # a third attempt would be allowed
    assert worker.claim_expired() == []
    with world.sessions() as session:
        assert fail_stale_jobs(session, max_attempts=2) == 1
        job = session.get(KbJob, job_id)
        assert job is not None and (job.status, job.error_code) == ("failed", "interrupted")


def test_chat_writes_go_through_while_an_upload_job_embeds(
    tmp_path: Path, services: Services, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Finding "one upload stops customer chat": the job held SQLite's only write lock while it embedded,
    and every chat write waited out the busy timeout. Now nothing is written before the embedding, so a
    write from another connection (a chat turn's) commits at once while the job is embedding. The real
    embedder runs; the test only adds that write at the moment the job embeds."""
    engine = build_engine(f"sqlite:///{tmp_path / 'bank.db'}", tmp_path)  # WAL, as deployed
    upgrade(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    knowledge = KnowledgeBase(build_store(tmp_path / "chroma"), services.embedder)
    with sessions() as session:
        editor = create_staff(session, "ed", "long enough pw", "editor")
        session.commit()
    impatient = create_engine(f"sqlite:///{tmp_path / 'bank.db'}", connect_args={"timeout": 0.5})
    written: list[str] = []
    embed = knowledge.ingest_document

    def embed_while_a_customer_writes(*args: object, **kwargs: object) -> object:
        with impatient.begin() as connection:  # raises "database is locked" if the job holds the lock
            connection.execute(update(StaffUser).values(display_name="编辑"))
        written.append("ok")
        return embed(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(knowledge, "ingest_document", embed_while_a_customer_writes)
    jobs = UploadJobs(sessions, KbCatalog(knowledge), owner="worker-a")
    with sessions() as session:
        job_id = jobs.enqueue(session, editor, "upload.csv", faqs(3)).id
    jobs.run(job_id)
    with sessions() as session:
        job = session.get(KbJob, job_id)
        assert job is not None and (job.status, job.done) == ("done", 3)
    assert written == ["ok"] * 3
    impatient.dispose()
    engine.dispose()


class BlockedCatalog(KbCatalog):
    """The real catalog, whose first save waits until the test lets it go (a long document embedding)."""

    def __init__(self, real: KbCatalog) -> None:
        super().__init__(real.knowledge)
        self.entered, self.release = threading.Event(), threading.Event()

    def save_draft(self, *args: object, **kwargs: object) -> KbVersion:
        self.entered.set()
        self.release.wait(60)
        return super().save_draft(*args, **kwargs)  # type: ignore[arg-type]


def test_shutdown_does_not_wait_for_a_running_job_and_frees_its_lease(world: World) -> None:
    """Finding "SIGTERM waits on them": shutdown returns while a job is mid-document, and releases the
    job's lease so another worker resumes it at its next step instead of after the lease runs out."""
    catalog = BlockedCatalog(world.catalog)
    worker_a = UploadJobs(world.sessions, catalog, owner="worker-a")
    with world.sessions() as session:
        job_id = worker_a.submit(session, world.editor, "upload.csv", faqs(2)).id
    assert catalog.entered.wait(30)
    stopping = threading.Thread(target=worker_a.shutdown)
    stopping.start()
    stopping.join(10)
    assert not stopping.is_alive()  # returned although the job's thread is still inside save_draft
    worker_b = UploadJobs(world.sessions, world.catalog, owner="worker-b")
    assert worker_b.claim_expired() == [job_id]  # the lease was released, not left to run out
    catalog.release.set()
    worker_a._pool.shutdown(wait=True)  # noqa: SLF001 - let the old thread end before the database goes
