"""Callback crypto against WeCom's published sample (WXBizMsgCrypt's Sample: token QDG6eK)."""

from __future__ import annotations

import re

import pytest

from channels.wecom.crypto import BadSignature, CallbackCrypto, Undecryptable

# WeCom's official WXBizMsgCrypt sample values (every language's Sample file ships the same vector).
TOKEN = "QDG6eK"
AES_KEY = "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
CORP_ID = "wx5823bf96d3bd56c7"
VERIFY = {
    "msg_signature": "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
    "timestamp": "1409659589",
    "nonce": "263014780",
    "echostr": "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==",
}
POST_SIGNATURE, POST_TIMESTAMP, POST_NONCE = (
    "477715d11cdb4164915debcba66cb864d751f3e6",
    "1409659813",
    "1372623149",
)
POST_BODY = (
    "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName><Encrypt><![CDATA[RypEvHKD8QQKFhvQ6QleEB4J5"
    "8tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qh"
    "xchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ek"
    "UNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWr"
    "QUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXd"
    "Q2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==]]></Encrypt><AgentID><![CDATA[218]]></AgentID></xml>"
)


@pytest.fixture
def crypto() -> CallbackCrypto:
    return CallbackCrypto(TOKEN, AES_KEY, CORP_ID)


def test_url_verification_returns_the_published_echo(crypto: CallbackCrypto) -> None:
    assert crypto.verify_url(**VERIFY) == "1616140317555161061"


def test_published_callback_decrypts_to_its_xml(crypto: CallbackCrypto) -> None:
    plain = crypto.decrypt(POST_BODY, POST_SIGNATURE, POST_TIMESTAMP, POST_NONCE)
    assert "<Content><![CDATA[hello]]></Content>" in plain
    assert "<MsgId>4561255354251345929</MsgId>" in plain


def test_reencrypted_reply_round_trips_with_chinese_text(crypto: CallbackCrypto) -> None:
    reply = "<xml><Content><![CDATA[您好，这是青禾银行的测试回复]]></Content></xml>"
    envelope = crypto.encrypt(reply, nonce=POST_NONCE, timestamp=POST_TIMESTAMP)
    signature = re.search(r"<MsgSignature><!\[CDATA\[(\w+)\]\]>", envelope)
    assert signature is not None
    assert crypto.decrypt(envelope, signature.group(1), POST_TIMESTAMP, POST_NONCE) == reply
    assert reply not in envelope  # the body travels encrypted


@pytest.mark.parametrize("field", ["msg_signature", "timestamp", "nonce"])
def test_tampered_verification_is_refused(crypto: CallbackCrypto, field: str) -> None:
    tampered = {**VERIFY, field: VERIFY[field][:-1] + ("0" if VERIFY[field][-1] != "0" else "1")}
    with pytest.raises(BadSignature) as caught:
        crypto.verify_url(**tampered)
    assert caught.value.code == "wecom_bad_signature"


def test_bad_signature_on_a_callback_is_refused(crypto: CallbackCrypto) -> None:
    with pytest.raises(BadSignature):
        crypto.decrypt(POST_BODY, "0" * 40, POST_TIMESTAMP, POST_NONCE)


def test_message_for_another_corp_is_undecryptable() -> None:
    other = CallbackCrypto(TOKEN, AES_KEY, "ww_some_other_corp")
    with pytest.raises(Undecryptable) as caught:
        other.decrypt(POST_BODY, POST_SIGNATURE, POST_TIMESTAMP, POST_NONCE)
    assert caught.value.code == "wecom_undecryptable"


def test_signed_garbage_is_undecryptable(crypto: CallbackCrypto) -> None:
    import hashlib

    garbage = "bm90IGEgY2lwaGVydGV4dA=="
    signature = hashlib.sha1("".join(sorted([TOKEN, "1", "2", garbage])).encode()).hexdigest()
    with pytest.raises(Undecryptable):
        crypto.verify_url(signature, "1", "2", garbage)


def test_a_malformed_aes_key_is_rejected_at_construction() -> None:
    with pytest.raises(ValueError):
        CallbackCrypto(TOKEN, "short", CORP_ID)
