"""Analytics from a scripted day: the figures move by exactly what the script did."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from tests.api.widget_client import send, start
from tests.conftest import StaffFactory, bearer


def scripted_day(client: TestClient, agent: str) -> None:
    """Two answered questions (one rated 👎), one complaint resolved and rated 4, one stolen card."""
    token, _ = start(client)
    liked = send(client, token, "跨行转账要手续费吗？")
    assert liked["meta"]["action"] == "answer", liked
    token, _ = start(client)
    disliked = send(client, token, "信用卡年费多少？")
    client.post(
        f"/v1/widget/messages/{disliked['done']['reply_message_id']}/feedback",
        json={"helpful": False},
        headers={"x-widget-token": token},
    )
    token, _ = start(client)
    complaint = send(client, token, "我要投诉，你们网点经理态度恶劣！")["done"]["handoff_id"]
    client.post(f"/v1/handoffs/{complaint}/claim", headers=bearer(agent))
    client.post(
        f"/v1/handoffs/{complaint}/reply", json={"text": "非常抱歉，已为您登记。"}, headers=bearer(agent)
    )
    client.post(
        f"/v1/handoffs/{complaint}/resolve", json={"outcome": "complaint_registered"}, headers=bearer(agent)
    )
    r = client.post(
        "/v1/widget/csat", json={"handoff_id": complaint, "score": 4}, headers={"x-widget-token": token}
    )
    assert r.status_code == 204
    token, _ = start(client)
    assert send(client, token, "我的银行卡被盗刷了，快帮我冻结！")["done"]["handoff_id"]


def test_analytics_count_a_scripted_day(client: TestClient, make_staff: StaffFactory) -> None:
    _, admin = make_staff("admin")
    _, agent = make_staff("agent")

    def get() -> dict[str, Any]:
        r = client.get("/v1/analytics", params={"days": 1, "channel": "web"}, headers=bearer(admin))
        assert r.status_code == 200, r.text
        return dict(r.json())

    before = get()
    scripted_day(client, agent)
    after = get()
    assert after["conversations"] - before["conversations"] == 4
    assert after["bot_resolved"] - before["bot_resolved"] == 1, "the 👎 answer does not count as resolved"
    assert after["handoffs"] - before["handoffs"] == 2
    reasons = {
        k: after["handoff_reasons"].get(k, 0) - before["handoff_reasons"].get(k, 0)
        for k in after["handoff_reasons"]
    }
    assert reasons.get("complaint") == 1 and reasons.get("urgent_risk") == 1
    assert after["csat_responses"] - before["csat_responses"] == 1
    assert after["csat_distribution"]["4"] - before["csat_distribution"]["4"] == 1
    assert after["first_response_met"] is not None and after["mean_first_response_min"] is not None
    assert 0 <= after["containment"] <= 1
    assert after["days"][-1]["conversations"] >= 4
    assert client.get("/v1/analytics", headers=bearer(agent)).status_code == 403
