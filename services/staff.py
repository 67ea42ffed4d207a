"""Staff accounts: argon2-hashed passwords, roles, and opaque bearer tokens (stored hashed)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Literal, get_args

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import aware, utcnow
from core.tokens import new_token, token_hash
from storage.models import StaffToken, StaffUser

Role = Literal["agent", "editor", "admin"]
ROLES: tuple[str, ...] = get_args(Role)
MIN_PASSWORD_CHARS = 10

_hasher = PasswordHasher()


class StaffError(ValueError):
    """A staff account cannot be created or changed as asked (duplicate name, weak password, bad role)."""


def create_staff(
    session: Session,
    username: str,
    password: str,
    role: str,
    *,
    display_name: str | None = None,
    can_reveal: bool = False,
) -> StaffUser:
    username = username.strip()
    if not username or len(username) > 64:
        raise StaffError("username must be 1-64 characters")
    if role not in ROLES:
        raise StaffError(f"role must be one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_CHARS:
        raise StaffError(f"password must have at least {MIN_PASSWORD_CHARS} characters")
    if session.scalar(select(StaffUser).where(StaffUser.username == username)) is not None:
        raise StaffError(f"a staff account named {username!r} already exists")
    user = StaffUser(
        username=username,
        display_name=display_name or username,
        role=role,
        can_reveal=can_reveal,
        password_hash=_hasher.hash(password),
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, username: str, password: str) -> StaffUser | None:
    user = session.scalar(select(StaffUser).where(StaffUser.username == username.strip()))
    if user is None:
        _hasher.hash(password)  # spend the same time whether or not the name exists
        return None
    try:
        _hasher.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError):
        return None
    if not user.active:
        return None
    if _hasher.check_needs_rehash(user.password_hash):
        user.password_hash = _hasher.hash(password)
    return user


def list_staff_accounts(session: Session) -> Sequence[StaffUser]:
    return session.scalars(select(StaffUser).order_by(StaffUser.username)).all()


def get_staff(session: Session, staff_id: str) -> StaffUser | None:
    return session.get(StaffUser, staff_id)


def set_password(user: StaffUser, password: str) -> None:
    if len(password) < MIN_PASSWORD_CHARS:
        raise StaffError(f"password must have at least {MIN_PASSWORD_CHARS} characters")
    user.password_hash = _hasher.hash(password)


def issue_token(session: Session, user: StaffUser, ttl_hours: float) -> str:
    token = new_token()
    session.add(
        StaffToken(
            token_hash=token_hash(token),
            staff_id=user.id,
            expires_at=utcnow() + timedelta(hours=ttl_hours),
        )
    )
    session.flush()
    return token


def resolve_token(session: Session, token: str) -> StaffUser | None:
    row = session.get(StaffToken, token_hash(token))
    if row is None or row.revoked or aware(row.expires_at) <= utcnow():
        return None
    user = session.get(StaffUser, row.staff_id)
    return user if user is not None and user.active else None


def revoke_token(session: Session, token: str) -> None:
    row = session.get(StaffToken, token_hash(token))
    if row is not None:
        row.revoked = True
