"""Queue order, SLA timers and the event bus, below the HTTP layer."""

from __future__ import annotations

import asyncio
import threading
from datetime import timedelta

from core.clock import utcnow
from core.wiring import Services
from events.bus import EventBus
from services import handoffs as console
from storage.models import Conversation, Handoff


def _handoff(services: Services, urgency: str, tier: str | None, hours_ago: float) -> str:
    with services.sessions() as session:
        conversation = Conversation(channel="web", customer_ref="Ctest", customer_tier=tier)
        session.add(conversation)
        session.flush()
        handoff = Handoff(
            conversation_id=conversation.id,
            reason="complaint",
            category="complaint",
            urgency=urgency,
            created_at=utcnow() - timedelta(hours=hours_ago),
        )
        session.add(handoff)
        session.commit()
        return handoff.id


def test_queue_puts_urgent_first_then_tier_then_longest_wait(services: Services) -> None:
    normal_old = _handoff(services, "normal", None, 5)
    normal_vip = _handoff(services, "normal", "vip", 1)
    urgent_new = _handoff(services, "urgent", None, 0.1)
    normal_new = _handoff(services, "normal", None, 2)
    with services.sessions() as session:
        ids = [h.id for h in console.queue(session, ["private", "vip"], limit=500)]
    mine = [i for i in ids if i in {normal_old, normal_vip, urgent_new, normal_new}]
    assert mine == [urgent_new, normal_vip, normal_old, normal_new]


def test_sla_timers_flag_a_missed_first_response(services: Services) -> None:
    late = _handoff(services, "normal", None, 30)
    with services.sessions() as session:
        handoff = session.get(Handoff, late)
        assert handoff is not None
        sla = console.sla_for(handoff, first_response_hours=24, resolution_hours=48)
        assert sla.first_response_breached and not sla.resolution_breached
        handoff.first_response_at = handoff.created_at + timedelta(hours=2)
        assert not console.sla_for(handoff, 24, 48).first_response_breached


def test_event_bus_delivers_across_threads_to_current_subscribers_only() -> None:
    bus = EventBus()

    async def scenario() -> list[str]:
        assert bus.publish("t", "before") == 0
        with bus.subscribe("t") as sub:
            other = threading.Thread(target=bus.publish, args=("t", "hello"), kwargs={"n": 1})
            other.start()
            other.join()
            bus.publish("elsewhere", "not-mine")
            event = await sub.next(timeout=5)
            assert event is not None and event.data == {"n": 1}
            assert await sub.next(timeout=0.05) is None
            got = [event.kind]
        assert bus.subscribers("t") == 0
        return got

    assert asyncio.run(scenario()) == ["hello"]
