"""The chat-archive feed over WeCom's own finance SDK (`libWeWorkFinanceSdk_C.so`), for banks that run it.

WeCom ships the archive SDK as a C library (Linux x86-64) and a Java one; nothing can be installed from
PyPI. A bank that bought 会话内容存档 downloads the library from the WeCom admin console, sets
`WECOM_ARCHIVE_SDK` to its path, and configures the archive secret and the RSA private key(s) whose public
halves it registered (one per `publickey_ver`). Each batch:

1. `GetChatData(sdk, seq, limit, proxy, passwd, timeout, slice)` → JSON `chatdata` items carrying
   `encrypt_random_key` (RSA, PKCS#1 v1.5, base64) and `encrypt_chat_msg`;
2. we unwrap the random key with the private key of that `publickey_ver`;
3. `DecryptData(random_key, encrypt_chat_msg, slice)` → the message JSON (`msgid`, `from`, `roomid`, …).

The same C ABI is implemented by a small fake library in the tests (compiled there with gcc), so this
binding and the RSA step are exercised without the vendor's binary.
"""

from __future__ import annotations

import base64
import ctypes
import json
import threading
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.serialization import load_pem_private_key

MAX_LIMIT = 1000  # GetChatData returns at most 1,000 messages a call


class ArchiveSdkError(Exception):
    code = "wecom_archive_unavailable"

    def __init__(self, call: str, rc: int, detail: str = "") -> None:
        super().__init__(f"{call} returned {rc}{': ' + detail if detail else ''}")
        self.call = call
        self.rc = rc


class _Slice(ctypes.Structure):
    _fields_ = [("buf", ctypes.c_char_p), ("len", ctypes.c_int)]


def _bind(lib: ctypes.CDLL) -> None:
    lib.NewSdk.restype = ctypes.c_void_p
    lib.NewSdk.argtypes = []
    lib.Init.restype = ctypes.c_int
    lib.Init.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_char_p]
    lib.GetChatData.restype = ctypes.c_int
    lib.GetChatData.argtypes = [
        ctypes.c_void_p,
        ctypes.c_ulonglong,
        ctypes.c_uint,
        ctypes.c_char_p,
        ctypes.c_char_p,
        ctypes.c_int,
        ctypes.POINTER(_Slice),
    ]
    lib.DecryptData.restype = ctypes.c_int
    lib.DecryptData.argtypes = [ctypes.c_char_p, ctypes.c_char_p, ctypes.POINTER(_Slice)]
    lib.NewSlice.restype = ctypes.POINTER(_Slice)
    lib.NewSlice.argtypes = []
    lib.FreeSlice.restype = None
    lib.FreeSlice.argtypes = [ctypes.POINTER(_Slice)]
    lib.GetContentFromSlice.restype = ctypes.c_void_p
    lib.GetContentFromSlice.argtypes = [ctypes.POINTER(_Slice)]
    lib.GetSliceLen.restype = ctypes.c_int
    lib.GetSliceLen.argtypes = [ctypes.POINTER(_Slice)]
    lib.DestroySdk.restype = None
    lib.DestroySdk.argtypes = [ctypes.c_void_p]


class FinanceSdkFeed:
    """`ArchiveFeed` over the vendor's C SDK. One instance per process; calls are serialised."""

    def __init__(
        self,
        library: Path,
        corp_id: str,
        secret: str,
        private_keys_pem: Mapping[int, bytes],
        *,
        proxy: str = "",
        proxy_password: str = "",
        timeout_s: int = 10,
    ) -> None:
        self._lib = ctypes.CDLL(str(library))
        _bind(self._lib)
        self._keys: dict[int, rsa.RSAPrivateKey] = {}
        for version, pem in private_keys_pem.items():
            key = load_pem_private_key(pem, password=None)
            if not isinstance(key, rsa.RSAPrivateKey):
                raise ValueError(f"archive key version {version} is not an RSA private key")
            self._keys[version] = key
        self._proxy, self._proxy_password = proxy.encode(), proxy_password.encode()
        self._timeout_s = timeout_s
        self._lock = threading.Lock()
        self._sdk = self._lib.NewSdk()
        rc = self._lib.Init(self._sdk, corp_id.encode(), secret.encode())
        if rc != 0:
            self._lib.DestroySdk(self._sdk)
            raise ArchiveSdkError("Init", rc)

    def fetch(self, after_seq: int, limit: int = 100) -> list[dict[str, Any]]:
        with self._lock:
            raw = self._call_with_slice(
                "GetChatData",
                lambda out: self._lib.GetChatData(
                    self._sdk,
                    after_seq,
                    min(limit, MAX_LIMIT),
                    self._proxy,
                    self._proxy_password,
                    self._timeout_s,
                    out,
                ),
            )
            batch = json.loads(raw)
            if int(batch.get("errcode", 0)) != 0:
                raise ArchiveSdkError("GetChatData", int(batch["errcode"]), str(batch.get("errmsg", "")))
            return [self._open(item) for item in batch.get("chatdata") or []]

    def close(self) -> None:
        with self._lock:
            if self._sdk:
                self._lib.DestroySdk(self._sdk)
                self._sdk = None

    def _open(self, item: dict[str, Any]) -> dict[str, Any]:
        version = int(item.get("publickey_ver", 0))
        key = self._keys.get(version)
        if key is None:
            raise ArchiveSdkError("DecryptData", -1, f"no private key for publickey_ver {version}")
        random_key = key.decrypt(base64.b64decode(item["encrypt_random_key"]), padding.PKCS1v15())
        plain = self._call_with_slice(
            "DecryptData",
            lambda out: self._lib.DecryptData(random_key, str(item["encrypt_chat_msg"]).encode(), out),
        )
        message = json.loads(plain)
        if not isinstance(message, dict):
            raise ArchiveSdkError("DecryptData", -2, "not a JSON object")
        message["seq"] = int(item["seq"])
        message.setdefault("msgid", item.get("msgid"))
        return message

    def _call_with_slice(self, name: str, call: Callable[[Any], int]) -> bytes:
        out = self._lib.NewSlice()
        try:
            rc = call(out)
            if rc != 0:
                raise ArchiveSdkError(name, int(rc))
            pointer = self._lib.GetContentFromSlice(out)
            length = self._lib.GetSliceLen(out)
            return ctypes.string_at(pointer, length) if pointer and length > 0 else b""
        finally:
            self._lib.FreeSlice(out)
