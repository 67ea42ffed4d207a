"""Staff authentication and role checks as FastAPI dependencies.

A staff request carries `Authorization: Bearer <token>` (API clients) or the `staff_token` cookie set at
login (the console pages; SameSite=Strict, HttpOnly). Roles: agent (handoffs), editor (knowledge base),
admin (everything, staff accounts, audit trail).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request

from agent.models import StaffUser
from agent.staff import resolve_token
from api.deps import SessionDep
from api.errors import Forbidden, Unauthorized

TOKEN_COOKIE = "staff_token"


def request_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.cookies.get(TOKEN_COOKIE) or None


def current_staff(request: Request, session: SessionDep) -> StaffUser:
    token = request_token(request)
    if token is None:
        raise Unauthorized("Sign in as staff to use this endpoint.")
    user = resolve_token(session, token)
    if user is None:
        raise Unauthorized("The staff token is invalid or has expired; sign in again.")
    return user


StaffDep = Annotated[StaffUser, Depends(current_staff)]


def require_roles(*roles: str) -> Callable[[StaffUser], StaffUser]:
    """A dependency admitting staff with one of `roles` (admins always pass)."""

    def check(user: StaffDep) -> StaffUser:
        if user.role != "admin" and user.role not in roles:
            raise Forbidden(f"This needs the role {' or '.join(roles)}; you are {user.role}.")
        return user

    return check


AgentStaffDep = Annotated[StaffUser, Depends(require_roles("agent"))]
EditorDep = Annotated[StaffUser, Depends(require_roles("editor"))]
AdminDep = Annotated[StaffUser, Depends(require_roles("admin"))]
