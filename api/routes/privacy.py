"""PIPL data-subject rights and retention for admins: export, erase, purge, vault key rotation.

Every call is audited by services.privacy_rights (who, why, how many; never a value). Originals appear in
an export only with `reveal` and the caller's `can_reveal` permission (audited as a reveal).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from api.auth import AdminDep
from api.deps import ServicesDep
from api.errors import AppError, Forbidden, NotFound, Unprocessable
from api.security import CleanText
from core.wiring import build_privacy_rights
from services.privacy_rights import RightsError, Subject

router = APIRouter(prefix="/v1/privacy", tags=["privacy"])
_ID = r"^[A-Za-z0-9_-]+$"


class SubjectIn(BaseModel):
    """Name the customer one way: their ref, the bank's customer id on a channel, or a conversation."""

    customer_ref: str | None = Field(default=None, max_length=32, pattern=_ID)
    channel: str | None = Field(default=None, max_length=16, pattern=_ID)
    customer_id: CleanText | None = Field(default=None, min_length=1, max_length=128)
    conversation_id: str | None = Field(default=None, max_length=40, pattern=_ID)
    reason: CleanText = Field(min_length=1, max_length=256, description="the request's reference (audited)")

    def subject(self) -> Subject:
        return Subject(self.customer_ref, self.channel, self.customer_id, self.conversation_id)


class ExportIn(SubjectIn):
    reveal: bool = False


class ErasureOut(BaseModel):
    customer_ref: str
    conversations: int
    vault_originals: int
    transcripts: str


class PurgeOut(BaseModel):
    vault_originals: int
    conversations: int


class RotationOut(BaseModel):
    rotated: int
    key_id: str


def _app_error(exc: RightsError) -> AppError:
    if exc.code == "not_found":
        return NotFound(str(exc))
    if exc.code == "reveal_not_allowed":
        return Forbidden(str(exc))
    return Unprocessable(str(exc), code=exc.code)


@router.post("/export")
async def export(body: ExportIn, admin: AdminDep, services: ServicesDep) -> dict[str, Any]:
    rights = build_privacy_rights(services)
    try:
        return await run_in_threadpool(
            rights.export, admin, body.subject(), reveal=body.reveal, reason=body.reason, via="api"
        )
    except RightsError as exc:
        raise _app_error(exc) from exc


@router.post("/erase", response_model=ErasureOut)
async def erase(body: SubjectIn, admin: AdminDep, services: ServicesDep) -> ErasureOut:
    rights = build_privacy_rights(services)
    try:
        report = await run_in_threadpool(rights.erase, admin, body.subject(), reason=body.reason, via="api")
    except RightsError as exc:
        raise _app_error(exc) from exc
    return ErasureOut(**{k: getattr(report, k) for k in ErasureOut.model_fields})


@router.post("/purge", response_model=PurgeOut)
async def purge(admin: AdminDep, services: ServicesDep) -> PurgeOut:
    report = await run_in_threadpool(build_privacy_rights(services).purge, admin, via="api")
    return PurgeOut(vault_originals=report.vault_originals, conversations=report.conversations)


@router.post("/rotate-vault-key", response_model=RotationOut)
async def rotate_vault_key(admin: AdminDep, services: ServicesDep) -> RotationOut:
    rotated = await run_in_threadpool(build_privacy_rights(services).rotate_vault_key, admin, via="api")
    return RotationOut(rotated=rotated, key_id=services.vault.key_id)
