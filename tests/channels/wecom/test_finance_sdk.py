"""The archive SDK binding, against a FAKE of the vendor's C library built here with gcc (same ABI)."""

from __future__ import annotations

import base64
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from channels.wecom.archive import RedactingArchiveReader
from channels.wecom.finance_sdk import ArchiveSdkError, FinanceSdkFeed
from privacy import Redactor

HERE = Path(__file__).resolve().parent
pytestmark = pytest.mark.skipif(shutil.which("gcc") is None, reason="needs gcc to build the fake SDK")
RANDOM_KEY = "0123456789abcdefghijklmnopqrstuv"


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("sdk") / "libFakeFinanceSdk.so"
    subprocess.run(
        ["gcc", "-shared", "-fPIC", "-O1", "-o", str(out), str(HERE / "fake_finance_sdk.c")], check=True
    )
    return out


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key: rsa.RSAPrivateKey) -> bytes:
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def chatdata(key: rsa.RSAPrivateKey, seq: int, message: dict[str, Any], version: int = 3) -> dict[str, Any]:
    wrapped = key.public_key().encrypt(RANDOM_KEY.encode(), padding.PKCS1v15())
    return {
        "seq": seq,
        "msgid": message["msgid"],
        "publickey_ver": version,
        "encrypt_random_key": base64.b64encode(wrapped).decode(),
        "encrypt_chat_msg": json.dumps(message, ensure_ascii=False).encode().hex(),
    }


@pytest.fixture
def sdk_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("FAKE_FINANCE_SECRET", "archive-secret")
    monkeypatch.setenv("FAKE_FINANCE_KEY", RANDOM_KEY)
    monkeypatch.setenv("FAKE_FINANCE_DIR", str(tmp_path))
    return tmp_path


def group_text(msgid: str, sender: str, content: str) -> dict[str, Any]:
    return {
        "msgid": msgid,
        "action": "send",
        "from": sender,
        "tolist": ["li.na"],
        "roomid": "wrGroup1",
        "msgtime": 1_780_000_000_000,
        "msgtype": "text",
        "text": {"content": content},
    }


def test_batches_are_unwrapped_decrypted_and_redacted(
    library: Path, key: rsa.RSAPrivateKey, sdk_env: Path, redactor: Redactor
) -> None:
    batch = [
        chatdata(key, 1, group_text("a1", "wmCustA", "我的卡号6222020200112233445丢了怎么办")),
        chatdata(key, 2, group_text("a2", "li.na", "请您先拨打热线挂失")),
    ]
    (sdk_env / "0.json").write_text(json.dumps({"errcode": 0, "errmsg": "ok", "chatdata": batch}))
    feed = FinanceSdkFeed(library, "ww01", "archive-secret", {3: pem(key)})
    try:
        messages, cursor = RedactingArchiveReader(feed, redactor).read(after_seq=0)
        assert cursor == 2 and [m.msgid for m in messages] == ["a1", "a2"]
        assert "6222020200112233445" not in messages[0].text
        assert feed.fetch(after_seq=2) == []
    finally:
        feed.close()


def test_sdk_errors_surface_with_their_code(library: Path, key: rsa.RSAPrivateKey, sdk_env: Path) -> None:
    with pytest.raises(ArchiveSdkError) as caught:
        FinanceSdkFeed(library, "ww01", "wrong-secret", {3: pem(key)})
    assert caught.value.call == "Init" and caught.value.rc == 10002
    feed = FinanceSdkFeed(library, "ww01", "archive-secret", {3: pem(key)})
    try:
        (sdk_env / "0.json").write_text(
            json.dumps({"errcode": 0, "chatdata": [chatdata(key, 1, group_text("b", "wmA", "x"), 4)]})
        )
        with pytest.raises(ArchiveSdkError, match="publickey_ver 4"):
            feed.fetch(0)
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        (sdk_env / "0.json").write_text(
            json.dumps({"errcode": 0, "chatdata": [chatdata(other, 1, group_text("b", "wmA", "x"))]})
        )
        # Wrapped for another key: OpenSSL's implicit rejection yields a wrong key, which the SDK refuses.
        with pytest.raises((ValueError, ArchiveSdkError)):
            feed.fetch(0)
        (sdk_env / "0.json").write_text(json.dumps({"errcode": 10001, "errmsg": "network"}))
        with pytest.raises(ArchiveSdkError):
            feed.fetch(0)
    finally:
        feed.close()
