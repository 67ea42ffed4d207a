"""Pseudonymous customer references: staff and logs see `C3f9a…`, never a chat user id."""

from __future__ import annotations

import hashlib
import hmac


class Pseudonymizer:
    def __init__(self, secret: str) -> None:
        self._key = hashlib.sha256(("customer-ref:" + secret).encode()).digest()

    def customer_ref(self, channel: str, sender_id: str) -> str:
        digest = hmac.new(self._key, f"{channel}:{sender_id}".encode(), hashlib.sha256).hexdigest()
        return "C" + digest[:12]
