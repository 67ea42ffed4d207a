"""The `TopicBus` across processes and machines, through Redis pub/sub.

With several workers, a customer's message handled by worker A must reach the console's SSE stream
held open by worker B. Every worker publishes to Redis (channel `<prefix><topic>`) and keeps one
pattern subscription (`<prefix>*`) whose messages it hands to its own in-process `EventBus`, which
feeds its local SSE subscribers. A publish is not delivered locally first, so every subscriber gets
each event exactly once, by the same path.

Redis down: `publish` logs and returns 0 (the change is already committed; live pushes are a
notification and the screens reload state when they reconnect), and the listener reconnects with
backoff. `ping()` is the readiness probe.
"""

from __future__ import annotations

import contextlib
import json
import logging
import threading
from collections.abc import Iterator
from typing import Any

import redis

from events.bus import EventBus, Subscription

log = logging.getLogger(__name__)

DEFAULT_PREFIX = "bankcs:events:"


class RedisTopicBus:
    """A `TopicBus` shared by every process connected to the same Redis and prefix."""

    def __init__(self, url: str, prefix: str = DEFAULT_PREFIX, local: EventBus | None = None) -> None:
        self.prefix = prefix
        self.local = local or EventBus()
        self._redis = redis.Redis.from_url(url, socket_timeout=5, socket_connect_timeout=2)
        self._stop = threading.Event()
        self._listening = threading.Event()
        self._thread = threading.Thread(target=self._listen, name="redis-events", daemon=True)
        self._thread.start()

    def publish(self, topic: str, kind: str, **data: Any) -> int:
        """Send to every worker; returns how many workers' listeners Redis delivered it to."""
        payload = json.dumps({"kind": kind, "data": data}, ensure_ascii=False, default=str)
        try:
            return int(self._redis.publish(self.prefix + topic, payload))
        except redis.RedisError as exc:
            log.warning("event %s on %s not published: %s", kind, topic.split(":")[0], type(exc).__name__)
            return 0

    @contextlib.contextmanager
    def subscribe(self, topic: str) -> Iterator[Subscription]:
        """Like `EventBus.subscribe`: enter inside the event loop that reads the subscription."""
        with self.local.subscribe(topic) as sub:
            yield sub

    def wait_listening(self, timeout_s: float = 5.0) -> bool:
        """True once the pattern subscription is in place (events published after it are received)."""
        return self._listening.wait(timeout_s)

    def ping(self) -> bool:
        return bool(self._redis.ping())

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._redis.close()

    def _listen(self) -> None:
        backoff = 0.5
        while not self._stop.is_set():
            pubsub = self._redis.pubsub(ignore_subscribe_messages=True)  # type: ignore[no-untyped-call]
            try:
                pubsub.psubscribe(self.prefix + "*")
                self._listening.set()
                backoff = 0.5
                while not self._stop.is_set():
                    message = pubsub.get_message(timeout=1.0)
                    if message is not None and message.get("type") == "pmessage":
                        self._deliver(message["channel"], message["data"])
            except redis.RedisError as exc:
                self._listening.clear()
                log.warning("event listener lost Redis (%s); retrying in %.1f s", type(exc).__name__, backoff)
                self._stop.wait(backoff)
                backoff = min(backoff * 2, 10.0)
            finally:
                with contextlib.suppress(redis.RedisError):
                    pubsub.close()

    def _deliver(self, channel: bytes | str, data: bytes | str) -> None:
        name = channel.decode() if isinstance(channel, bytes) else channel
        try:
            event = json.loads(data)
            self.local.publish(name.removeprefix(self.prefix), str(event["kind"]), **dict(event["data"]))
        except (ValueError, KeyError, TypeError):
            log.warning("ignored a malformed event on the %s channel", self.prefix)
