"""The audit trail, read-only, for admins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.auth import AdminDep
from api.deps import SessionDep
from api.staff_schemas import AuditOut
from services import audit

router = APIRouter(prefix="/v1/audit", tags=["audit"])


@router.get("", response_model=list[AuditOut])
def list_audit(
    _: AdminDep,
    session: SessionDep,
    action: str | None = None,
    target_id: str | None = None,
    actor: str | None = None,
    limit: Annotated[int, Query(ge=1, le=1000)] = 100,
) -> list[AuditOut]:
    rows = audit.list_records(session, action=action, target_id=target_id, actor=actor, limit=limit)
    return [AuditOut.model_validate(r) for r in rows]
