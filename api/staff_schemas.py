"""Request and response bodies for sign-in, staff accounts and the audit trail."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from core.status import StaffRole

RoleIn = StaffRole


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class StaffOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    username: str
    display_name: str
    role: str
    can_reveal: bool
    active: bool


class LoginOut(BaseModel):
    token: str
    expires_in_s: int
    staff: StaffOut


class StaffCreateIn(BaseModel):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)
    role: RoleIn
    display_name: str | None = Field(default=None, max_length=64)
    can_reveal: bool = False


class StaffUpdateIn(BaseModel):
    role: RoleIn | None = None
    display_name: str | None = Field(default=None, max_length=64)
    can_reveal: bool | None = None
    active: bool | None = None
    password: str | None = Field(default=None, max_length=256)


class AuditOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: str
    at: datetime
    actor: str
    action: str
    target_type: str
    target_id: str | None
    detail: dict[str, Any]
