"""WeCom connection settings: the `WECOM_*` part of the one settings class, as one typed object.

Every credential is a `SecretStr`: its repr, str and JSON dump print asterisks, so logging the settings
object (or an exception that carries it) never leaks a secret.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field, SecretStr, field_validator

from core.settings import Settings

DEFAULT_API_BASE = "https://qyapi.weixin.qq.com/cgi-bin"


class WeComSettings(BaseModel):
    corp_id: str = Field(min_length=1, description="企业ID (CorpID); also the callback's receive id")
    kf_secret: SecretStr = Field(
        description="微信客服 Secret (or a self-built app's Secret with 微信客服 rights)"
    )
    callback_token: SecretStr = Field(description="Token set on the callback URL page")
    encoding_aes_key: SecretStr = Field(description="EncodingAESKey set on the callback URL page (43 chars)")
    kf_account_ids: list[str] = Field(default_factory=list, description="open_kfid of the accounts we serve")
    robot_webhook_key: SecretStr | None = Field(default=None, description="internal group robot `key=`")
    kf_url: str | None = Field(
        default=None, description="the 微信客服 link customers open (private follow-up)"
    )
    # The sidebar: a self-built app added to the chat toolbar (its own secret and JS-SDK tickets).
    agent_id: str | None = None
    agent_secret: SecretStr | None = None
    # The chat archive: a JSON Lines export folder, or the vendor SDK with its secret and RSA keys.
    archive_dir: Path | None = None
    archive_sdk_path: Path | None = None
    archive_secret: SecretStr | None = None
    archive_private_keys: dict[int, Path] = Field(
        default_factory=dict, description="publickey_ver → PEM file"
    )
    api_base_url: str = DEFAULT_API_BASE
    timeout_s: float = 10.0
    max_attempts: int = Field(default=4, ge=1)
    backoff_base_s: float = 0.5
    outbox_interval_s: float = Field(default=5.0, gt=0)  # how often queued staff replies are retried

    @classmethod
    def from_settings(cls, settings: Settings) -> WeComSettings | None:
        """The WeCom part of the one settings class; None while WeCom is not configured."""
        if not settings.wecom_corp_id:
            return None
        prefix = "wecom_"
        values = {
            name[len(prefix) :]: value
            for name, value in settings.model_dump().items()
            if name.startswith(prefix) and value is not None
        }
        return cls.model_validate(values)

    @field_validator("encoding_aes_key")
    @classmethod
    def _aes_key_shape(cls, value: SecretStr) -> SecretStr:
        # Base64 of a 32-byte key without its trailing '=': WeCom generates exactly 43 characters.
        if len(value.get_secret_value()) != 43:
            raise ValueError("EncodingAESKey must be the 43 characters WeCom generated")
        return value

    @field_validator("api_base_url")
    @classmethod
    def _no_trailing_slash(cls, value: str) -> str:
        return value.rstrip("/")
