"""Real components: one analyzer per session (loading spaCy and LAC once), SQLite vaults."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from presidio_analyzer import AnalyzerEngine
from sqlalchemy import Engine, create_engine
from sqlalchemy.pool import StaticPool

from privacy import Redactor, SqlVault, build_analyzer, generate_key
from storage.migrations import upgrade

Span = tuple[str, int, int]


@pytest.fixture(scope="session")
def analyzer() -> AnalyzerEngine:
    return build_analyzer()


@pytest.fixture(scope="session")
def detector(analyzer: AnalyzerEngine) -> Iterator[Redactor]:
    """For recognizer tests: `detect` never writes, so one in-memory vault serves them all; the
    residual guard is off here (it has its own tests) so each test sees what the recognizers find."""
    engine = create_engine("sqlite://", poolclass=StaticPool)
    upgrade(engine)
    yield Redactor(analyzer, SqlVault(engine, generate_key()), residual_guard=False)
    engine.dispose()


@pytest.fixture(scope="session")
def find(detector: Redactor) -> Callable[[str], list[Span]]:
    """(entity type, start, end) for everything the redactor would replace in `text`."""

    def _find(text: str) -> list[Span]:
        return [(r.entity_type, r.start, r.end) for r in detector.detect(text)]

    return _find


@pytest.fixture
def engine(tmp_path: Path) -> Iterator[Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'vault.db'}")
    upgrade(engine)  # the vault's table comes from the application's migrations
    yield engine
    engine.dispose()


@pytest.fixture
def vault_key() -> str:
    return generate_key()


@pytest.fixture
def vault(engine: Engine, vault_key: str) -> SqlVault:
    return SqlVault(engine, vault_key)


@pytest.fixture
def redactor(analyzer: AnalyzerEngine, vault: SqlVault) -> Redactor:
    return Redactor(analyzer, vault)


@pytest.fixture(scope="session")
def spans() -> Callable[..., list[Span]]:
    """Expected results written as (type, substring) in tables, turned into positions."""

    def _spans(text: str, expected: list[tuple[str, str]]) -> list[Span]:
        return [(kind, text.index(value), text.index(value) + len(value)) for kind, value in expected]

    return _spans
