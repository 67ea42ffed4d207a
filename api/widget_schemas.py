"""Bodies of the customer widget's endpoints."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from api.security import CleanText


class TierClaimIn(BaseModel):
    """The bank's site signs (customer id, tier, expiry) with TIER_SECRET (services/tiers.py)."""

    model_config = ConfigDict(extra="forbid")

    customer_id: str = Field(min_length=1, max_length=128)
    tier: str = Field(min_length=1, max_length=32)
    expires: int = Field(default=0, ge=0, description="Unix seconds; 0 = never")
    signature: str = Field(min_length=64, max_length=64, pattern=r"^[0-9a-fA-F]{64}$")


class SessionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    language: Literal["zh", "en"] = "zh"
    customer_tier: str | None = Field(default=None, max_length=32)
    tier_claim: TierClaimIn | None = Field(
        default=None, description="A tier signed by the bank's site; ignored unless the signature is valid"
    )


class SessionOut(BaseModel):
    token: str = Field(
        description="Send as the X-Widget-Token header; it reads and writes this conversation only"
    )
    conversation_id: str
    expires_in_s: int


class TextIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: CleanText = Field(max_length=20_000, description="Raw customer text; redacted before it is stored")


class PreviewOut(BaseModel):
    redacted: str = Field(description="The message as it would be stored (unnumbered placeholders)")
    pii_types: list[str]
    warn: bool = Field(description="True when it holds an ID, bank card or passport number")


class FeedbackIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    helpful: bool
    comment: str | None = Field(default=None, max_length=1000)


class CsatIn(BaseModel):
    """The one satisfaction question after a resolved case: 1 (very dissatisfied) to 5 (very satisfied)."""

    model_config = ConfigDict(extra="forbid")

    handoff_id: str = Field(max_length=40)
    score: int = Field(ge=1, le=5)
