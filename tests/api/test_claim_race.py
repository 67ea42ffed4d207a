"""Two agents click "认领" at the same moment: exactly one gets the case, the other a 409, one audit row."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from core.wiring import Services
from services import audit
from storage.models import AuditRecord, Conversation, Handoff
from tests.conftest import StaffFactory, bearer


def test_concurrent_claims_are_a_compare_and_set(
    client: TestClient, services: Services, make_staff: StaffFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    with services.sessions() as session:
        conversation = Conversation(channel="web", customer_ref="Crace")
        session.add(conversation)
        session.flush()
        handoff = Handoff(
            conversation_id=conversation.id, reason="complaint", category="complaint", urgency="high"
        )
        session.add(handoff)
        session.commit()
        handoff_id = handoff.id
    (first, token_a), (second, token_b) = make_staff("agent"), make_staff("agent")

    # Hold each claim between its check and its commit until both requests got there (or 1.5 s passed:
    # with a compare-and-set the second request waits on the first one's write instead).
    barrier = threading.Barrier(2, timeout=1.5)
    original = audit.record

    def record(session: Any, actor: Any, action: str, *args: Any, **kw: Any) -> Any:
        if action == "handoff.claim":
            try:
                barrier.wait()
            except threading.BrokenBarrierError:
                pass
        return original(session, actor, action, *args, **kw)

    monkeypatch.setattr(audit, "record", record)

    def claim(token: str) -> int:
        return client.post(f"/v1/handoffs/{handoff_id}/claim", json={}, headers=bearer(token)).status_code

    with ThreadPoolExecutor(2) as pool:
        codes = sorted(pool.map(claim, [token_a, token_b]))
    assert codes == [200, 409]
    with services.sessions() as session:
        claimed = session.get(Handoff, handoff_id)
        assert claimed is not None and claimed.claimed_by in (first, second)
        rows = session.query(AuditRecord).filter_by(action="handoff.claim", target_id=handoff_id).all()
        assert [r.actor for r in rows] == [claimed.claimed_by]
