"""WeCom settings: validation, and secrets that never print."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from channels.wecom.config import WeComSettings

SECRETS = {
    "kf_secret": "kf-s3cret-value",
    "callback_token": "cb-t0ken-value",
    "encoding_aes_key": "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
    "robot_webhook_key": "r0bot-key-value",
    "agent_secret": "ag3nt-secret-value",
    "archive_secret": "arch1ve-secret-value",
}


def test_secrets_never_appear_in_repr_str_or_json() -> None:
    settings = WeComSettings.model_validate({"corp_id": "ww01", "kf_account_ids": ["wk1"], **SECRETS})
    printed = " ".join(
        [repr(settings), str(settings), settings.model_dump_json(), str(settings.model_dump())]
    )
    for value in SECRETS.values():
        assert value not in printed
    assert settings.kf_secret.get_secret_value() == "kf-s3cret-value"  # still usable where needed


def test_malformed_aes_key_and_trailing_slash() -> None:
    with pytest.raises(ValidationError):
        WeComSettings.model_validate({"corp_id": "ww01", **SECRETS, "encoding_aes_key": "tooshort"})
    settings = WeComSettings.model_validate(
        {"corp_id": "ww01", **SECRETS, "api_base_url": "http://x/cgi-bin/"}
    )
    assert settings.api_base_url == "http://x/cgi-bin"
