"""Errors of the knowledge layer, meant for staff and developers (never shown to customers as-is)."""

from __future__ import annotations


class KnowledgeError(Exception):
    """Base class; `code` is stable so an API layer can map it without parsing messages."""

    code = "knowledge_error"


class IngestError(KnowledgeError):
    """A knowledge file cannot be ingested; the message names the file and the problem."""

    code = "ingest_error"

    def __init__(self, source: object, problem: str) -> None:
        self.source = str(source)
        self.problem = problem
        super().__init__(f"{self.source}: {problem}")


class StoreError(KnowledgeError):
    """The vector store is misconfigured or holds vectors it must not mix with ours."""

    code = "store_error"


class StoreUnavailable(StoreError):
    """The store did not answer (a Chroma server down, a connection reset): a fault, not a bug. A turn
    that needs the knowledge base fails with it (503 `knowledge_unavailable`); one that only wanted
    extras from it (a handoff's suggested passages) goes on without them."""

    code = "knowledge_unavailable"


class EmbedderUnavailableError(KnowledgeError):
    """An embedding backend's optional dependency or model files are missing."""

    code = "embedder_unavailable"


class LimitExceeded(IngestError):
    """A file within the byte limit that expands past a content limit (pages, paragraphs, rows, YAML
    aliases, unpacked size, parse time or memory): refused as the file's fault, never retried."""

    code = "file_too_complex"
