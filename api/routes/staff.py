"""Staff accounts, managed by admins. Every change is audited (never the password itself)."""

from __future__ import annotations

from fastapi import APIRouter

from api.auth import AdminDep
from api.deps import SessionDep
from api.errors import Conflict, NotFound, Unprocessable
from api.staff_schemas import StaffCreateIn, StaffOut, StaffUpdateIn
from services.staff import StaffError, add_account, get_staff, list_staff_accounts, update_account

router = APIRouter(prefix="/v1/staff", tags=["staff accounts"])


@router.get("", response_model=list[StaffOut])
def list_staff(_: AdminDep, session: SessionDep) -> list[StaffOut]:
    rows = list_staff_accounts(session)
    return [StaffOut.model_validate(u) for u in rows]


@router.post("", response_model=StaffOut, status_code=201)
def add_staff(body: StaffCreateIn, admin: AdminDep, session: SessionDep) -> StaffOut:
    try:
        user = add_account(
            session,
            admin,
            body.username,
            body.password,
            body.role,
            display_name=body.display_name,
            can_reveal=body.can_reveal,
        )
    except StaffError as exc:
        if "already exists" in str(exc):
            raise Conflict(str(exc)) from exc
        raise Unprocessable(str(exc), code="invalid_staff") from exc
    return StaffOut.model_validate(user)


@router.patch("/{staff_id}", response_model=StaffOut)
def update_staff(staff_id: str, body: StaffUpdateIn, admin: AdminDep, session: SessionDep) -> StaffOut:
    user = get_staff(session, staff_id)
    if user is None:
        raise NotFound(f"staff account {staff_id} does not exist")
    changes = body.model_dump(exclude_none=True, exclude={"password"})
    try:
        update_account(session, admin, user, changes, body.password)
    except StaffError as exc:
        raise Unprocessable(str(exc), code="invalid_staff") from exc
    return StaffOut.model_validate(user)
