"""Staff authentication and role checks as FastAPI dependencies.

A staff request carries `Authorization: Bearer <token>` (API clients) or the `staff_token` cookie set at
login (the console pages; SameSite=Strict, HttpOnly). Roles: agent (handoffs), editor (knowledge base),
admin (everything, staff accounts, audit trail), connector (a server-side integration: the group-chat
bridge posting customer messages and reading the outbox, an API client continuing conversations).

Customers carry a widget token (`X-Widget-Token`) bound to one conversation.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request

from api.deps import ServicesDep, SessionDep
from api.errors import Forbidden, Unauthorized
from core.status import StaffRole
from services.staff import resolve_token
from services.widget_sessions import conversation_for
from storage.models import StaffUser

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
        if user.role != StaffRole.ADMIN and user.role not in roles:
            raise Forbidden(f"This needs the role {' or '.join(roles)}; you are {user.role}.")
        return user

    return check


AgentStaffDep = Annotated[StaffUser, Depends(require_roles(StaffRole.AGENT))]
ConnectorDep = Annotated[StaffUser, Depends(require_roles(StaffRole.CONNECTOR))]
EditorDep = Annotated[StaffUser, Depends(require_roles(StaffRole.EDITOR))]
AdminDep = Annotated[StaffUser, Depends(require_roles(StaffRole.ADMIN))]


WIDGET_HEADER = "x-widget-token"


def widget_conversation(request: Request, services: ServicesDep) -> str:
    """The conversation id bound to the request's widget token (header `X-Widget-Token`).

    Looked up in a session of its own, closed at once: the request's session would keep its connection
    until the response ends, through the whole chat turn (which takes connections of its own) or a live
    stream, and 15 waiting customers per worker drained the pool: every turn then waited 30 s and
    failed 503 `database_unavailable` (64 customers on PostgreSQL, `python -m benchmarks.load`).
    """
    token = request.headers.get(WIDGET_HEADER, "").strip()
    if not token:
        raise Unauthorized("Start a widget session first (POST /v1/widget/sessions).")
    with services.sessions() as session:
        conversation_id = conversation_for(session, token)
    if conversation_id is None:
        raise Unauthorized("The widget session is invalid or has expired; start a new one.")
    return conversation_id


WidgetDep = Annotated[str, Depends(widget_conversation)]


def conversation_reader(request: Request, services: ServicesDep) -> Callable[[str], None]:
    """A check that the caller is agent/admin staff or holds the widget token of that conversation
    (looked up in a short session of its own, as `widget_conversation` does)."""
    staff_token = request_token(request)
    widget_token = request.headers.get(WIDGET_HEADER, "").strip()
    with services.sessions() as session:
        staff = resolve_token(session, staff_token) if staff_token else None
        owned = conversation_for(session, widget_token) if widget_token else None

    def check(conversation_id: str) -> None:
        if staff is not None and staff.role in (StaffRole.AGENT, StaffRole.ADMIN):
            return
        if owned == conversation_id:
            return
        if staff is None and owned is None:
            raise Unauthorized("Sign in as staff, or use the widget token of this conversation.")
        raise Forbidden("You may not read this conversation.")

    return check


ConversationReaderDep = Annotated[Callable[[str], None], Depends(conversation_reader)]


@dataclass(frozen=True)
class ChatCaller:
    """Who posts to `/v1/chat`: a connector (bank side: may name any conversation, set tiers and
    customer ids), or a customer holding the widget token of `conversation_id` (or of nothing yet)."""

    connector: StaffUser | None
    conversation_id: str | None

    def may_write(self, conversation_id: str) -> bool:
        return self.connector is not None or self.conversation_id == conversation_id


def chat_caller(request: Request, services: ServicesDep) -> ChatCaller:
    """Who is posting (a short session of its own: the turn that follows must not wait on it)."""
    staff_token = request_token(request)
    widget_token = request.headers.get(WIDGET_HEADER, "").strip()
    with services.sessions() as session:
        staff = resolve_token(session, staff_token) if staff_token else None
        owned = conversation_for(session, widget_token) if widget_token else None
    if staff_token and staff is None:
        raise Unauthorized("The token is invalid or has expired; sign in again.")
    if staff is not None and staff.role not in ("connector", "admin"):
        raise Forbidden(f"Posting customer messages needs the role connector; you are {staff.role}.")
    if widget_token and owned is None:
        raise Unauthorized("The widget session is invalid or has expired; start a new one.")
    return ChatCaller(staff, owned)


ChatCallerDep = Annotated[ChatCaller, Depends(chat_caller)]
