"""Customer tier from the bank, never from the customer: the bank's site signs (customer id, tier) with a
deployment secret, and only a valid signature is believed. An unsigned or badly signed tier is ignored, so
an anonymous client cannot jump the queue by typing "vip".

Signature: hex HMAC-SHA256 over "v1\\n{customer_id}\\n{tier}\\n{expires}" (expires: Unix seconds, 0 = never).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
from dataclasses import dataclass

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class TierClaim:
    customer_id: str
    tier: str
    signature: str
    expires: int = 0


def _message(customer_id: str, tier: str, expires: int) -> bytes:
    return f"v1\n{customer_id}\n{tier}\n{expires}".encode()


def sign_tier(secret: str, customer_id: str, tier: str, expires: int = 0) -> str:
    """What the bank's site computes server-side and passes to the widget."""
    return hmac.new(secret.encode(), _message(customer_id, tier, expires), hashlib.sha256).hexdigest()


def verified_tier(
    secret: str | None,
    claim: TierClaim | None,
    now_s: float,
    allowed: frozenset[str] | None = None,
) -> str | None:
    """The claimed tier when its signature is valid, unexpired and the tier is known; otherwise None."""
    if claim is None or not secret or not claim.signature:
        return None
    expected = sign_tier(secret, claim.customer_id, claim.tier, claim.expires)
    if not hmac.compare_digest(expected, claim.signature.lower()):
        log.warning("tier claim with a bad signature ignored")
        return None
    if claim.expires and claim.expires < now_s:
        log.info("expired tier claim ignored")
        return None
    if allowed is not None and claim.tier not in allowed:
        return None
    return claim.tier
