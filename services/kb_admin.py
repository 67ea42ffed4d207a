"""Wiring of the knowledge-base admin: the catalog, the upload worker and the draft preview together.

Built once per app (lifespan); `bootstrap` makes the catalog the source of truth on first start by
importing the sample folder as published version 1 documents, then mirrors the catalog into the store.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from knowledge import KnowledgeBase
from knowledge.preview import DraftPreview
from knowledge.sandbox import ParserSandbox
from services.kb_catalog import ImportReport, KbCatalog
from services.kb_jobs import UploadJobs

log = logging.getLogger(__name__)


@dataclass
class KbAdmin:
    catalog: KbCatalog
    jobs: UploadJobs
    preview: DraftPreview
    sandbox: ParserSandbox  # uploads are parsed in a child process with time and memory limits

    def close(self) -> None:
        """Fast: running parses are killed, and the upload worker is not waited for."""
        self.sandbox.close()
        self.jobs.shutdown()


def build_kb_admin(
    sessions: sessionmaker[Session],
    knowledge: KnowledgeBase,
    sandbox: ParserSandbox | None = None,
    *,
    two_person_publish: bool = False,
) -> KbAdmin:
    catalog = KbCatalog(knowledge, two_person_publish=two_person_publish)
    return KbAdmin(
        catalog=catalog,
        jobs=UploadJobs(sessions, catalog),
        preview=DraftPreview(knowledge),
        sandbox=sandbox or ParserSandbox(),
    )


def import_and_sync(
    sessions: sessionmaker[Session], catalog: KbCatalog, folder: Path | None, *, only_if_empty: bool
) -> ImportReport | None:
    """Import `folder` (always, or only into an empty catalog), then make the store mirror the catalog."""
    report = None
    with sessions() as session:
        if folder is not None and (not only_if_empty or catalog.is_empty(session)):
            report = catalog.import_folder(session, folder)
            log.info("knowledge import from %s: %s", folder, report)
        session.flush()
        written, removed = catalog.sync_index(session)
        session.commit()
    if written or removed:
        log.info("knowledge index synced: %d documents written, %d removed", written, removed)
    return report


def apply_validity(sessions: sessionmaker[Session], catalog: KbCatalog) -> int:
    """One scheduled round of the documents' effective/expiry dates (see KbCatalog.apply_validity)."""
    with sessions() as session:
        changed = catalog.apply_validity(session)
        session.commit()
    if changed:
        log.info("knowledge validity: %d documents added to or removed from the index", changed)
    return changed
