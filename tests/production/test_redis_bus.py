"""Live updates across workers: an event published by worker A's bus reaches a subscriber of worker B's,
through a real Redis; and a Redis outage loses pushes, not the workers."""

from __future__ import annotations

import asyncio

import pytest

from events.bus import STAFF_TOPIC, conversation_topic
from events.redis_bus import RedisTopicBus
from tests.processes import RedisServer


@pytest.fixture
def buses(redis_server: RedisServer) -> tuple[RedisTopicBus, RedisTopicBus]:
    worker_a, worker_b = RedisTopicBus(redis_server.url), RedisTopicBus(redis_server.url)
    assert worker_a.wait_listening() and worker_b.wait_listening()
    yield worker_a, worker_b  # type: ignore[misc]
    worker_a.close()
    worker_b.close()


def test_an_event_published_on_one_worker_reaches_a_subscriber_on_another(
    buses: tuple[RedisTopicBus, RedisTopicBus],
) -> None:
    worker_a, worker_b = buses

    async def scenario() -> list[tuple[str, dict[str, object]]]:
        received = []
        with worker_b.subscribe(STAFF_TOPIC) as staff, worker_b.subscribe(conversation_topic("c9")) as conv:
            assert worker_a.publish(STAFF_TOPIC, "handoff.updated", id="h1", conversation_id="c9") == 2
            worker_a.publish(conversation_topic("c9"), "staff_message", text="您好，我是客服小林")
            for sub in (staff, conv):
                event = await sub.next(5.0)
                assert event is not None
                received.append((event.kind, event.data))
            assert await staff.next(0.3) is None  # exactly once
        return received

    assert asyncio.run(scenario()) == [
        ("handoff.updated", {"id": "h1", "conversation_id": "c9"}),
        ("staff_message", {"text": "您好，我是客服小林"}),
    ]


def test_publishing_while_redis_is_down_returns_zero_and_the_bus_recovers(redis_server: RedisServer) -> None:
    bus = RedisTopicBus(redis_server.url)
    try:
        assert bus.wait_listening()
        redis_server.kill()
        assert bus.publish(STAFF_TOPIC, "handoff.updated", id="h2") == 0
        redis_server.start()

        async def after_recovery() -> str | None:
            """The listener reconnects by itself: publish until an event comes through (≤ 20 s)."""
            with bus.subscribe(STAFF_TOPIC) as sub:
                for _ in range(40):
                    bus.publish(STAFF_TOPIC, "handoff.updated", id="h3")
                    event = await sub.next(0.5)
                    if event is not None:
                        return str(event.data.get("id"))
            return None

        assert asyncio.run(after_recovery()) == "h3"
    finally:
        bus.close()
