"""The topic bus that carries live pushes to Server-Sent Events streams (console queue, widget).

Domain events (`events.domain`) are turned into topic messages by listeners in `api/`; `TopicBus` is
the interface those listeners and the SSE responses use, `EventBus` its in-process implementation.

Publishers may be any thread (routes run the pipeline in a thread pool); each subscriber is an asyncio
queue read by one Server-Sent Events response. This works within ONE process: a deployment with several
workers or hosts needs a shared broker (Redis pub/sub, PostgreSQL LISTEN/NOTIFY) behind the same
`publish`/`subscribe` interface, or a worker's subscribers miss events published by another.
"""

from __future__ import annotations

import asyncio
import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

STAFF_TOPIC = "staff"
MAX_QUEUED = 256  # a subscriber that stops reading loses events past this, rather than growing memory


def conversation_topic(conversation_id: str) -> str:
    return f"conversation:{conversation_id}"


@dataclass(frozen=True)
class Event:
    kind: str
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(eq=False)
class Subscription:
    topic: str
    loop: asyncio.AbstractEventLoop
    queue: asyncio.Queue[Event]

    async def next(self, timeout: float) -> Event | None:
        """The next event, or None after `timeout` seconds (time for a keep-alive)."""
        try:
            return await asyncio.wait_for(self.queue.get(), timeout)
        except TimeoutError:
            return None


class TopicBus(Protocol):
    def publish(self, topic: str, kind: str, **data: Any) -> int: ...

    def subscribe(self, topic: str) -> contextlib.AbstractContextManager[Subscription]: ...


class EventBus:
    """The in-process `TopicBus`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._subscribers: dict[str, set[Subscription]] = {}

    def publish(self, topic: str, kind: str, **data: Any) -> int:
        """Deliver to every current subscriber of `topic`; returns how many there were."""
        event = Event(kind, data)
        with self._lock:
            targets = list(self._subscribers.get(topic, ()))
        for sub in targets:
            try:
                sub.loop.call_soon_threadsafe(_offer, sub.queue, event)
            except RuntimeError:  # the subscriber's loop has closed
                self._drop(sub)
        return len(targets)

    @contextmanager
    def subscribe(self, topic: str) -> Iterator[Subscription]:
        """Must be entered inside the event loop that will read the subscription."""
        sub = Subscription(topic, asyncio.get_running_loop(), asyncio.Queue(MAX_QUEUED))
        with self._lock:
            self._subscribers.setdefault(topic, set()).add(sub)
        try:
            yield sub
        finally:
            self._drop(sub)

    def subscribers(self, topic: str) -> int:
        with self._lock:
            return len(self._subscribers.get(topic, ()))

    def _drop(self, sub: Subscription) -> None:
        with self._lock:
            subs = self._subscribers.get(sub.topic)
            if subs is not None:
                subs.discard(sub)
                if not subs:
                    del self._subscribers[sub.topic]


def _offer(queue: asyncio.Queue[Event], event: Event) -> None:
    if not queue.full():
        queue.put_nowait(event)
