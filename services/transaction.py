"""Services own their transactions: a use-case method commits what it did, or rolls it all back."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Concatenate, ParamSpec, TypeVar

from sqlalchemy.orm import Session

S = TypeVar("S")
P = ParamSpec("P")
R = TypeVar("R")


def commits(method: Callable[Concatenate[S, Session, P], R]) -> Callable[Concatenate[S, Session, P], R]:
    """Commit the session when `method` returns; roll back when it raises (so routes never commit)."""

    @functools.wraps(method)
    def run(self: S, session: Session, /, *args: P.args, **kwargs: P.kwargs) -> R:
        try:
            result = method(self, session, *args, **kwargs)
        except BaseException:
            session.rollback()
            raise
        session.commit()
        return result

    return run
