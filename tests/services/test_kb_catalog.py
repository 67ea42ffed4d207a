"""The catalog as source of truth: folder import by content hash, tombstones, and store sync."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine
from sqlalchemy.orm import Session, sessionmaker

from core.wiring import Services
from knowledge import KnowledgeBase, build_store
from services.kb_admin import import_and_sync
from services.kb_catalog import KbCatalog
from services.staff import create_staff
from storage.kb_models import KbDocument
from storage.migrations import upgrade


def write_folder(root: Path, answer: str) -> None:
    (root / "faq").mkdir(parents=True, exist_ok=True)
    (root / "faq" / "faq.yaml").write_text(
        f"- id: faq-a\n  question: 甲卡年费多少？\n  answer: {answer}\n  category: fee\n"
        "- id: faq-b\n  question: 乙卡怎么挂失？\n  answer: 拨打热线挂失。\n  category: howto\n",
        encoding="utf-8",
    )


def test_folder_import_respects_editors_and_hashes(tmp_path: Path, services: Services) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'kb.db'}")
    upgrade(engine)
    sessions = sessionmaker(engine, expire_on_commit=False)
    kb = KnowledgeBase(build_store(tmp_path / "chroma"), services.embedder)
    catalog = KbCatalog(kb)
    folder = tmp_path / "kb"
    write_folder(folder, "甲卡年费100元。")

    first = import_and_sync(sessions, catalog, folder, only_if_empty=True)
    assert first is not None and sorted(first.added) == ["faq-a", "faq-b"]
    assert set(kb.store.documents()) == {"faq-a", "faq-b"}
    assert import_and_sync(sessions, catalog, folder, only_if_empty=True) is None  # not empty: no import

    with Session(engine) as session:
        editor = create_staff(session, "ed", "long enough pw", "editor")
        catalog.delete(session, editor, "faq-b")
        session.commit()
    write_folder(folder, "甲卡年费200元。")
    report = import_and_sync(sessions, catalog, folder, only_if_empty=False)
    assert report is not None
    assert report.updated == ["faq-a"] and report.skipped_deleted == ["faq-b"]
    with Session(engine) as session:
        row = session.get(KbDocument, "faq-a")
        assert row is not None and row.published_version == 2
    assert set(kb.store.documents()) == {"faq-a"}
    assert "200元" in kb.search("甲卡年费多少").hits[0].chunk.text

    unchanged = import_and_sync(sessions, catalog, folder, only_if_empty=False)
    assert unchanged is not None and unchanged.unchanged == ["faq-a"]
    engine.dispose()
