"""A tier is believed only when the bank's site signed it."""

from __future__ import annotations

from services.tiers import TierClaim, sign_tier, verified_tier

SECRET = "deployment-secret-for-tests"
NOW = 1_800_000_000


def claim(tier: str = "vip", customer: str = "c-1001", expires: int = 0, secret: str = SECRET) -> TierClaim:
    return TierClaim(customer, tier, sign_tier(secret, customer, tier, expires), expires)


def test_a_signed_tier_is_believed() -> None:
    assert verified_tier(SECRET, claim(), NOW) == "vip"


def test_unsigned_forged_or_replayed_tiers_are_ignored() -> None:
    assert verified_tier(SECRET, None, NOW) is None
    assert verified_tier(SECRET, TierClaim("c-1001", "vip", ""), NOW) is None
    assert verified_tier(SECRET, claim(secret="guessed"), NOW) is None
    forged = claim()
    assert verified_tier(SECRET, TierClaim("c-1001", "private", forged.signature), NOW) is None
    assert verified_tier(SECRET, TierClaim("c-2002", "vip", forged.signature), NOW) is None


def test_no_secret_configured_means_no_tiers() -> None:
    assert verified_tier(None, claim(), NOW) is None


def test_expiry_and_allowed_tiers() -> None:
    assert verified_tier(SECRET, claim(expires=NOW + 60), NOW) == "vip"
    assert verified_tier(SECRET, claim(expires=NOW - 1), NOW) is None
    assert verified_tier(SECRET, claim("gold"), NOW, allowed=frozenset({"vip", "private"})) is None
