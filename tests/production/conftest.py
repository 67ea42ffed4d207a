"""Session-wide real servers for the multi-process tests: started on first use, stopped at the end."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.processes import ChromaServer, PostgresServer, RedisServer


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
