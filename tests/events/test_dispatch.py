"""Domain events reach listeners once, a failing listener does not stop the others, and the api's SSE
listener turns each event into the same topic messages the screens read."""

from __future__ import annotations

import asyncio

from api.listeners import SsePushes, install
from events.bus import STAFF_TOPIC, EventBus, conversation_topic
from events.dispatch import Dispatcher
from events.domain import DomainEvent, HandoffClaimed, HandoffOpened, StaffReplied


def test_listeners_run_once_each_and_survive_a_failing_one() -> None:
    seen: list[DomainEvent] = []

    def broken(_: DomainEvent) -> None:
        raise RuntimeError("listener bug")

    dispatcher = Dispatcher()
    dispatcher.listen(broken)
    dispatcher.listen(seen.append)
    dispatcher.listen(seen.append)  # the same listener again: ignored
    dispatcher.publish(HandoffOpened("conv_1", "ho_1"))
    assert seen == [HandoffOpened("conv_1", "ho_1")]


def test_sse_listener_keeps_the_wire_topics_and_kinds() -> None:
    async def scenario() -> list[tuple[str, str, dict[str, object]]]:
        bus = EventBus()
        dispatcher = Dispatcher()
        install(dispatcher, bus)
        install(dispatcher, bus)  # a second app on the same services: still one listener
        got: list[tuple[str, str, dict[str, object]]] = []
        with bus.subscribe(STAFF_TOPIC) as staff, bus.subscribe(conversation_topic("conv_1")) as widget:
            dispatcher.publish(HandoffClaimed("conv_1", "ho_1", "王经理"))
            dispatcher.publish(
                StaffReplied("conv_1", "ho_1", "msg_9", "您好", "王经理", "2026-01-01T00:00:00")
            )
            for sub, topic in ((staff, "staff"), (staff, "staff"), (widget, "widget"), (widget, "widget")):
                event = await sub.next(1.0)
                assert event is not None
                got.append((topic, event.kind, event.data))
            assert await staff.next(0.05) is None  # nothing twice
        return got

    got = asyncio.run(scenario())
    assert got == [
        ("staff", "handoff.claimed", {"id": "ho_1", "conversation_id": "conv_1"}),
        ("staff", "handoff.message", {"id": "ho_1", "conversation_id": "conv_1"}),
        ("widget", "staff_joined", {"name": "王经理"}),
        (
            "widget",
            "staff_message",
            {"id": "msg_9", "text": "您好", "name": "王经理", "at": "2026-01-01T00:00:00"},
        ),
    ]
    assert SsePushes(EventBus()) != SsePushes(EventBus())  # equality is per bus
