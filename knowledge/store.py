"""Chroma as the knowledge base's search store: vectors plus everything needed to rebuild a `Chunk`.

It mirrors the SQL knowledge catalog (the source of truth, services/kb_catalog.py) and can be rebuilt
from it; the BM25 index is in turn rebuilt from what Chroma holds.

We talk to chromadb directly rather than through langchain-chroma: we pass our own vectors (several per
FAQ), filter on metadata, read back the whole collection to rebuild BM25 and compare content hashes, and
must never let Chroma's default embedding function (which downloads a model) run. The wrapper would add
a layer without covering any of that.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
from chromadb.config import Settings as ChromaSettings

from knowledge.chunk import Chunk
from knowledge.chunking import IndexEntry
from knowledge.errors import StoreError

_PAGE = 1000
_NAME_CHARS = re.compile(r"[^a-zA-Z0-9._-]+")


@dataclass(frozen=True)
class StoredDocument:
    """What the ingestor needs to know about a document already in the store."""

    doc_id: str
    content_hash: str
    source: str
    chunks: int


def build_store(path: Path | None = None, url: str | None = None, collection: str = "bank-kb") -> ChromaStore:
    """An embedded Chroma under `path`, or a Chroma server when `url` (http://host:port) is given."""
    settings = ChromaSettings(anonymized_telemetry=False)
    client: Any
    if url:
        parsed = urlparse(url if "://" in url else f"http://{url}")
        if not parsed.hostname:
            raise StoreError(f"invalid Chroma URL {url!r}: expected http://host:port")
        ssl = parsed.scheme == "https"
        port = parsed.port or (443 if ssl else 8000)
        client = chromadb.HttpClient(host=parsed.hostname, port=port, ssl=ssl, settings=settings)
    elif path is not None:
        Path(path).mkdir(parents=True, exist_ok=True)
        client = chromadb.PersistentClient(path=str(path), settings=settings)
    else:
        raise StoreError("build_store needs a directory (path) or a Chroma server URL")
    return ChromaStore(client, collection)


def collection_name(base: str, embedder_name: str) -> str:
    """Chroma names allow 3-512 of [a-zA-Z0-9._-] and must start and end alphanumeric."""
    name = _NAME_CHARS.sub("-", f"{base}--{embedder_name}").strip("-._")
    return name[:512] if len(name) >= 3 else f"kb-{name}"


class ChromaStore:
    """One Chroma collection per embedder (`<base>--<embedder name>`), so vectors never mix.

    `bind(embedder_name, dim)` opens the collection; the embedder and dimension are also recorded in the
    collection's metadata and checked, so a collection filled by another model is refused, not queried.
    """

    def __init__(self, client: Any, base_name: str) -> None:
        self._client = client
        self.base_name = base_name
        self._collection: Any = None

    def bind(self, embedder_name: str, dim: int) -> None:
        name = collection_name(self.base_name, embedder_name)
        collection = self._client.get_or_create_collection(
            name=name,
            embedding_function=None,
            metadata={"hnsw:space": "cosine", "embedder": embedder_name, "dim": dim},
        )
        meta = collection.metadata or {}
        if meta.get("embedder") != embedder_name or meta.get("dim") != dim:
            raise StoreError(
                f"Chroma collection {name!r} holds vectors of {meta.get('embedder')!r} "
                f"(dim {meta.get('dim')}), not {embedder_name!r} (dim {dim}); delete the collection or "
                "choose another collection name, then re-ingest"
            )
        self._collection = collection

    @property
    def collection(self) -> Any:
        if self._collection is None:
            raise StoreError("the store is not bound to an embedder yet: call bind(name, dim)")
        return self._collection

    @property
    def name(self) -> str:
        return str(self.collection.name)

    def count(self) -> int:
        """Number of index entries (vectors); an FAQ with alt questions has several."""
        return int(self.collection.count())

    def upsert(self, entries: Sequence[IndexEntry], embeddings: Sequence[Sequence[float]]) -> None:
        if len(entries) != len(embeddings):
            raise ValueError(f"{len(entries)} entries but {len(embeddings)} embeddings")
        batch = max(1, min(_PAGE, int(self._client.get_max_batch_size())))
        for start in range(0, len(entries), batch):
            part = entries[start : start + batch]
            self.collection.upsert(
                ids=[e.id for e in part],
                embeddings=[list(v) for v in embeddings[start : start + batch]],
                documents=[e.text for e in part],
                metadatas=[{**e.chunk.to_metadata(), "entry_role": e.role} for e in part],
            )

    def delete_document(self, doc_id: str) -> None:
        self.collection.delete(where={"doc_id": doc_id})

    def entries(self) -> list[IndexEntry]:
        """Every index entry, read page by page (BM25 and the ingestor's change detection need them all)."""
        return [_entry(i, t, m) for i, t, m in self._rows()]

    def documents(self) -> dict[str, StoredDocument]:
        """doc_id → content hash, source file and chunk count, without loading vectors."""
        seen: dict[str, tuple[str, str, set[str]]] = {}
        for _, _, meta in self._rows(include_documents=False):
            doc_id = str(meta["doc_id"])
            _, _, chunk_ids = seen.setdefault(doc_id, (str(meta["content_hash"]), str(meta["source"]), set()))
            chunk_ids.add(str(meta["chunk_id"]))
        return {d: StoredDocument(d, h, s, len(c)) for d, (h, s, c) in seen.items()}

    def get_chunk(self, chunk_id: str) -> Chunk | None:
        result = self.collection.get(where={"chunk_id": chunk_id}, limit=1, include=["metadatas"])
        metadatas = result.get("metadatas") or []
        return Chunk.from_metadata(metadatas[0]) if metadatas else None

    def query(
        self, embedding: Sequence[float], k: int, where: Mapping[str, Any] | None = None
    ) -> list[tuple[IndexEntry, float]]:
        """Nearest entries with their cosine similarity (1 - Chroma's cosine distance), best first."""
        total = self.count()
        if total == 0 or k <= 0:
            return []
        result = self.collection.query(
            query_embeddings=[list(embedding)],
            n_results=min(k, total),
            where=dict(where) if where else None,
            include=["documents", "metadatas", "distances"],
        )
        ids = result["ids"][0]
        documents = (result.get("documents") or [[]])[0]
        metadatas = (result.get("metadatas") or [[]])[0]
        distances = (result.get("distances") or [[]])[0]
        return [
            (_entry(i, t or "", m), 1.0 - float(d))
            for i, t, m, d in zip(ids, documents, metadatas, distances, strict=True)
        ]

    def _rows(self, include_documents: bool = True) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
        include = ["metadatas", "documents"] if include_documents else ["metadatas"]
        offset = 0
        while True:
            page = self.collection.get(limit=_PAGE, offset=offset, include=include)
            ids = page["ids"]
            if not ids:
                return
            documents = page.get("documents") or [""] * len(ids)
            for i, t, m in zip(ids, documents, page["metadatas"] or [], strict=True):
                yield i, t or "", m
            offset += len(ids)


def _entry(entry_id: str, text: str, metadata: Mapping[str, Any]) -> IndexEntry:
    role = metadata.get("entry_role")
    return IndexEntry(
        id=entry_id,
        chunk=Chunk.from_metadata(metadata),
        text=text,
        role=role if role in ("question", "qa") else "chunk",
    )
