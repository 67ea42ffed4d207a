"""Session-wide real servers for the multi-process tests: started on first use, stopped at the end."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from privacy import generate_key
from tests.processes import ROOT, ChromaServer, PostgresServer, RedisServer, UvicornWorker


@pytest.fixture(scope="session")
def postgres() -> Iterator[PostgresServer]:
    if not PostgresServer.available():
        pytest.skip("PostgreSQL is not installed (scripts/test installs Debian's postgresql)")
    server = PostgresServer()
    try:
        server.start()
        yield server
    finally:
        server.remove()


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    if not RedisServer.available():
        pytest.skip("redis-server is not installed (scripts/test installs Debian's redis-server)")
    server = RedisServer(tmp_path_factory.mktemp("redis"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="session")
def chroma_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ChromaServer]:
    if not ChromaServer.available():
        pytest.skip("the `chroma` CLI (shipped by chromadb) is not on PATH")
    server = ChromaServer(tmp_path_factory.mktemp("chroma"))
    try:
        server.start()
        yield server
    finally:
        server.stop()


class Cluster:
    """Two API workers (A and B) over one PostgreSQL, one Redis and one Chroma server."""

    def __init__(self, pg: PostgresServer, redis: RedisServer, chroma: ChromaServer, workdir: Path) -> None:
        self.postgres, self.redis, self.chroma = pg, redis, chroma
        self.environ = {
            "DATABASE_URL": pg.url,
            "REDIS_URL": redis.url,
            "CHROMA_URL": chroma.url,
            "VAULT_KEY": generate_key(),
            "DATA_DIR": str(workdir / "data"),
            "STREAM_PIECE_DELAY_S": "0",
            "METRICS_TOKEN": "metrics-token",
        }
        self.a = UvicornWorker(workdir, self.environ)
        self.b = UvicornWorker(workdir, self.environ)

    def create_staff(self, username: str, role: str, password: str) -> None:
        env = {**self.a.env(), "STAFF_PASSWORD": password}
        subprocess.run(
            [sys.executable, "-m", "core", "create-user", username, "--role", role, "--password-env",
             "STAFF_PASSWORD"],
            env=env, cwd=ROOT, check=True, capture_output=True, timeout=300,
        )  # fmt: skip


@pytest.fixture(scope="session")
def cluster(
    postgres: PostgresServer,
    redis_server: RedisServer,
    chroma_server: ChromaServer,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[Cluster]:
    """Started once per session (each worker loads the models: a minute or two on a busy machine)."""
    cluster = Cluster(postgres, redis_server, chroma_server, tmp_path_factory.mktemp("cluster"))
    try:
        cluster.a.start()  # migrates the database and seeds the knowledge base
        cluster.b.start()
        yield cluster
    finally:
        cluster.a.stop()
        cluster.b.stop()
