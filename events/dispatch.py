"""The domain-event interface services publish to, and its in-process implementation."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import Protocol

from events.domain import DomainEvent

log = logging.getLogger(__name__)

Listener = Callable[[DomainEvent], None]


class Publisher(Protocol):
    def publish(self, event: DomainEvent) -> None: ...


class Dispatcher:
    """Calls every listener synchronously, in the publisher's thread; a failing listener is logged and
    does not stop the others (the change it reports is already committed)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._listeners: list[Listener] = []

    def listen(self, listener: Listener) -> None:
        """Register `listener`; registering an equal listener again does nothing."""
        with self._lock:
            if listener not in self._listeners:
                self._listeners.append(listener)

    def publish(self, event: DomainEvent) -> None:
        with self._lock:
            listeners = list(self._listeners)
        for listener in listeners:
            try:
                listener(event)
            except Exception:
                log.exception("listener %r failed on %s", listener, type(event).__name__)
