"""Callback crypto (URL verification, decrypt, encrypt) through wechatpy's enterprise `WeChatCrypto`.

WeCom signs with SHA1 over the sorted token/timestamp/nonce/ciphertext and encrypts with AES-256-CBC
(key = EncodingAESKey, PKCS#7 to 32 bytes; plaintext = 16 random bytes + length + XML + receive id).
For 微信客服 the receive id is the corp id. We wrap wechatpy so callers see two errors with a
machine-readable `code` and never the library's own exception types.
"""

from __future__ import annotations

import binascii
import struct
from xml.parsers.expat import ExpatError

from wechatpy.enterprise.crypto import WeChatCrypto
from wechatpy.enterprise.exceptions import InvalidCorpIdException
from wechatpy.exceptions import InvalidSignatureException

from channels.wecom.config import WeComSettings


class CallbackError(Exception):
    """A callback we refuse; `code` goes into the 4xx response body."""

    code = "wecom_callback_invalid"


class BadSignature(CallbackError):
    code = "wecom_bad_signature"


class Undecryptable(CallbackError):
    code = "wecom_undecryptable"


# What a tampered or foreign ciphertext can raise inside wechatpy after the signature matched.
_DECRYPT_FAULTS = (
    InvalidCorpIdException,
    ValueError,
    binascii.Error,
    struct.error,
    UnicodeDecodeError,
    ExpatError,
    KeyError,
    IndexError,
    TypeError,
)


class CallbackCrypto:
    def __init__(self, token: str, encoding_aes_key: str, receive_id: str) -> None:
        try:
            self._crypto = WeChatCrypto(token, encoding_aes_key, receive_id)
        except (AssertionError, binascii.Error, ValueError) as exc:
            raise ValueError("EncodingAESKey is not a valid 43-character WeCom key") from exc

    @classmethod
    def from_settings(cls, settings: WeComSettings) -> CallbackCrypto:
        return cls(
            settings.callback_token.get_secret_value(),
            settings.encoding_aes_key.get_secret_value(),
            settings.corp_id,
        )

    def verify_url(self, msg_signature: str, timestamp: str, nonce: str, echostr: str) -> str:
        """The GET WeCom sends when the URL is saved: return the decrypted echostr as the body."""
        try:
            return str(self._crypto.check_signature(msg_signature, timestamp, nonce, echostr))
        except InvalidSignatureException as exc:
            raise BadSignature("msg_signature does not match") from exc
        except _DECRYPT_FAULTS as exc:
            raise Undecryptable("echostr could not be decrypted for this corp") from exc

    def decrypt(self, body: str | bytes, msg_signature: str, timestamp: str, nonce: str) -> str:
        """The plaintext XML of a POSTed callback (`<xml><Encrypt>…</Encrypt></xml>`)."""
        try:
            return str(self._crypto.decrypt_message(body, msg_signature, timestamp, nonce))
        except InvalidSignatureException as exc:
            raise BadSignature("msg_signature does not match") from exc
        except _DECRYPT_FAULTS as exc:
            raise Undecryptable("callback body could not be decrypted for this corp") from exc

    def encrypt(self, plaintext_xml: str, nonce: str, timestamp: str | None = None) -> str:
        """An encrypted, signed reply envelope (and what our tests use to play WeCom's part)."""
        return str(self._crypto.encrypt_message(plaintext_xml, nonce, timestamp))
