"""Rate limits and the staff-login lockout, on the `limits` library's storage.

One `RateLimiter` per process, on `memory://` for a single worker or `redis://…` so that every worker
(and machine) counts together. A request over a limit is 429 `rate_limited` with `Retry-After`.

Limits (sliding windows, configurable): chat turns per widget session and per IP, widget sessions per IP,
group messages per group, staff logins per IP and per username.

The login lockout adds exponential backoff on failures: after `threshold` wrong passwords for one
username from one IP, that pair is locked for `base_s`, doubled on each further failure up to `max_s`;
while locked even the right password gets 429 (so guessing cannot go on), and a success clears it.
Keyed by username *and* IP so an attacker cannot lock a colleague out from elsewhere; the per-username
limit still caps a guessing run spread over many IPs.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request
from limits import RateLimitItem, parse
from limits.storage import Storage, storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter
from starlette.exceptions import HTTPException


class RateLimited(HTTPException):
    """429 with `Retry-After` (seconds); the error handlers give it the code `rate_limited`."""

    code = "rate_limited"

    def __init__(self, retry_after_s: int, message: str = "Too many requests; try again later.") -> None:
        self.retry_after_s = max(1, retry_after_s)
        super().__init__(429, message, headers={"Retry-After": str(self.retry_after_s)})


@dataclass(frozen=True)
class RateLimitConfig:
    """Limit strings in the `limits` notation ("20/minute", "100 per hour")."""

    storage_uri: str = "memory://"
    chat_per_session: str = "20/minute"
    chat_per_ip: str = "120/minute"
    session_per_ip: str = "30/minute"
    group_per_group: str = "120/minute"
    login_per_ip: str = "30/minute"
    login_per_username: str = "100/hour"
    lockout_threshold: int = 5
    lockout_base_s: float = 30.0
    lockout_max_s: float = 900.0


class RateLimiter:
    """Named limits over one storage; `hit(name, key)` counts one request or raises `RateLimited`."""

    def __init__(self, config: RateLimitConfig | None = None) -> None:
        self.config = config or RateLimitConfig()
        storage = storage_from_string(self.config.storage_uri)
        if not isinstance(storage, Storage):
            raise ValueError(f"{self.config.storage_uri!r} names an async storage; use memory:// or redis://")
        self.storage = storage
        self._strategy = SlidingWindowCounterRateLimiter(self.storage)
        self._items: dict[str, RateLimitItem] = {
            name: parse(getattr(self.config, name))
            for name in (
                "chat_per_session",
                "chat_per_ip",
                "session_per_ip",
                "group_per_group",
                "login_per_ip",
                "login_per_username",
            )
        }
        self.lockout = LoginLockout(self.storage, self.config)

    def hit(self, name: str, key: str) -> None:
        item = self._items[name]
        if not self._strategy.hit(item, name, key):
            reset = self._strategy.get_window_stats(item, name, key).reset_time
            raise RateLimited(math.ceil(reset - time.time()))

    def reset(self) -> None:
        """Forget every count (tests, or an operator after an incident)."""
        self.storage.reset()


class LoginLockout:
    """Failed sign-ins per (username, IP) with exponential backoff; shared through the limiter's storage."""

    def __init__(self, storage: Storage, config: RateLimitConfig) -> None:
        self.storage = storage
        self.config = config

    @staticmethod
    def _keys(username: str, ip: str) -> tuple[str, str]:
        who = f"{username.strip().lower()}|{ip}"
        return f"login-failures/{who}", f"login-locked/{who}"

    def check(self, username: str, ip: str) -> None:
        """Raise `RateLimited` while the pair is locked (call before checking the password)."""
        _, locked = self._keys(username, ip)
        if self.storage.get(locked) > 0:
            retry = math.ceil(self.storage.get_expiry(locked) - time.time())
            raise RateLimited(retry, "Too many failed sign-ins; try again later.")

    def failed(self, username: str, ip: str) -> float:
        """Count a wrong password; returns the lock now in force in seconds (0 below the threshold)."""
        failures_key, locked = self._keys(username, ip)
        failures = self.storage.incr(failures_key, int(self.config.lockout_max_s * 4))
        over = failures - self.config.lockout_threshold
        if over < 0:
            return 0.0
        lock_s = float(min(self.config.lockout_base_s * 2**over, self.config.lockout_max_s))
        self.storage.clear(locked)
        self.storage.incr(locked, math.ceil(lock_s))
        return lock_s

    def succeeded(self, username: str, ip: str) -> None:
        for key in self._keys(username, ip):
            self.storage.clear(key)


# --- FastAPI dependencies -----------------------------------------------------------------------------


def client_ip(request: Request) -> str:
    """The peer address (behind a proxy, run uvicorn with --proxy-headers so this is the client's)."""
    return request.client.host if request.client else "unknown"


def get_rate_limiter(request: Request) -> RateLimiter | None:
    """The app's limiter (set at startup); None when rate limits are switched off."""
    limiter = getattr(request.app.state, "rate_limiter", None)
    return limiter if isinstance(limiter, RateLimiter) else None


RateLimiterDep = Annotated[RateLimiter | None, Depends(get_rate_limiter)]


def limit(name: str, key: Callable[[Request], str] = client_ip) -> Callable[[Request], None]:
    """A route dependency: `dependencies=[Depends(limit("chat_per_ip"))]`."""

    def check(request: Request) -> None:
        limiter = get_rate_limiter(request)
        if limiter is not None:
            limiter.hit(name, key(request))

    return check
