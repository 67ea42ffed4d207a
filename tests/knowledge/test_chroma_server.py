"""Chroma in server mode: a real `chroma run` on a free local port, used through build_store(url=...)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from knowledge import KnowledgeBase, build_store

from .conftest import CountingEmbedder

CHROMA = shutil.which("chroma")
pytestmark = pytest.mark.skipif(
    CHROMA is None, reason="the `chroma` CLI (shipped by chromadb) is not on PATH"
)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def chroma_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    assert CHROMA is not None
    port = _free_port()
    data = tmp_path_factory.mktemp("chroma-server")
    log = (data / "server.log").open("wb")
    server = subprocess.Popen(
        [CHROMA, "run", "--path", str(data / "db"), "--host", "127.0.0.1", "--port", str(port)],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if server.poll() is not None:
                pytest.fail(
                    f"chroma run exited with {server.returncode}: {(data / 'server.log').read_text()}"
                )
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("chroma run did not open its port within 30 s")
        yield f"http://127.0.0.1:{port}"
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        log.close()


def test_knowledge_base_works_against_a_chroma_server(
    chroma_url: str, fixture_kb: Path, counting: CountingEmbedder
) -> None:
    kb = KnowledgeBase(build_store(url=chroma_url, collection="server-kb"), counting)
    assert len(kb.ingest_folder(fixture_kb).added) == 7
    assert kb.search("大额存单起存金额是多少").hits[0].chunk.doc_id == "fx-deposit-rates"
    counting.reset()
    again = KnowledgeBase(
        build_store(url=chroma_url.removeprefix("http://"), collection="server-kb"), counting
    )
    assert len(again.ingest_folder(fixture_kb).unchanged) == 7
    assert counting.document_texts == []
    assert again.count() == kb.count()
