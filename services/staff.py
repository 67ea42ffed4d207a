"""Staff accounts: argon2-hashed passwords, roles, and opaque bearer tokens (stored hashed)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.clock import aware, utcnow
from core.status import StaffRole
from core.tokens import new_token, token_hash
from services import audit
from storage.models import StaffToken, StaffUser

ROLES: tuple[str, ...] = tuple(StaffRole)
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


# Use cases: each records its audit entry and commits (routes and the CLI never commit).


def add_account(
    session: Session,
    actor: StaffUser | None,
    username: str,
    password: str,
    role: str,
    *,
    display_name: str | None = None,
    can_reveal: bool = False,
    via: str = "api",
) -> StaffUser:
    """Create an account (`actor` None: from the command line) with its audit record."""
    user = create_staff(session, username, password, role, display_name=display_name, can_reveal=can_reveal)
    audit.record(
        session, actor, "staff.create", "staff", user.id, role=user.role, can_reveal=user.can_reveal, via=via
    )
    session.commit()
    return user


def update_account(
    session: Session, admin: StaffUser, user: StaffUser, changes: dict[str, Any], password: str | None
) -> StaffUser:
    """Apply field changes and an optional new password; the audit names the fields, never the password."""
    try:
        for field, value in changes.items():
            setattr(user, field, value)
        if password is not None:
            set_password(user, password)
    except StaffError:
        session.rollback()
        raise
    recorded = changes | ({"password": "changed"} if password is not None else {})
    audit.record(session, admin, "staff.update", "staff", user.id, **recorded)
    session.commit()
    return user


def sign_in(session: Session, username: str, password: str, ttl_hours: float) -> tuple[StaffUser, str] | None:
    """The account and a new bearer token, or None for a wrong name or password."""
    user = authenticate(session, username, password)
    if user is None:
        return None
    token = issue_token(session, user, ttl_hours)
    audit.record(session, user, "staff.login", "staff", user.id)
    session.commit()
    return user, token


def sign_out(session: Session, user: StaffUser, token: str | None) -> None:
    if token:
        revoke_token(session, token)
    audit.record(session, user, "staff.logout", "staff", user.id)
    session.commit()
