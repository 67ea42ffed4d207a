"""Handoff operations: team routing, transfer, typing/left pushes, re-triage alerts, the SLA scheduler."""

from __future__ import annotations

import dataclasses
import time
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from core.clock import aware
from core.wiring import Services
from events.bus import STAFF_TOPIC, conversation_topic
from services.alerts import Alert, RetriageAlert
from services.periodic import PeriodicWorker
from services.sla import PRIORITIES, SlaAlert, SlaPolicy, SlaTarget, TimerState
from services.sla_monitor import check_sla
from storage.models import Handoff
from tests.api.widget_client import send, start
from tests.conftest import StaffFactory, bearer


class Recorder:
    """An AlertSender that keeps what it was given (optionally failing, like a channel that is down)."""

    def __init__(self, fail: bool = False) -> None:
        self.sent: list[Alert] = []
        self.fail = fail

    def send(self, alert: Alert) -> None:
        if self.fail:
            raise ConnectionError("alert channel down")
        self.sent.append(alert)


@pytest.fixture
def pushes(services: Services, monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, dict[str, Any]]]:
    """What the listeners publish on the topic bus (the console's and the widgets' SSE streams)."""
    seen: list[tuple[str, str, dict[str, Any]]] = []
    real = services.events.publish

    def publish(topic: str, kind: str, **data: Any) -> int:
        seen.append((topic, kind, data))
        return real(topic, kind, **data)

    monkeypatch.setattr(services.events, "publish", publish)
    return seen


def complaint(client: TestClient) -> tuple[str, str, str]:
    token, conversation_id = start(client)
    result = send(client, token, "我要投诉，你们网点服务态度太差了！")
    assert result["meta"]["action"] == "handoff", result
    return token, conversation_id, result["done"]["handoff_id"]


def item(client: TestClient, token: str, handoff_id: str) -> dict[str, Any]:
    r = client.get(f"/v1/handoffs/{handoff_id}", headers=bearer(token))
    assert r.status_code == 200, r.text
    return dict(r.json())


def test_a_complaint_is_routed_to_the_complaints_team_and_filtered_by_team(
    client: TestClient, make_staff: StaffFactory
) -> None:
    _, agent = make_staff("agent")
    _, _, handoff_id = complaint(client)
    detail = item(client, agent, handoff_id)
    assert detail["team_id"] == "complaints" and detail["team_name"] == "投诉处理"

    def ids(team: str) -> list[str]:
        rows = client.get("/v1/handoffs", params={"team": team}, headers=bearer(agent)).json()
        return [h["id"] for h in rows]

    assert handoff_id in ids("complaints")
    assert handoff_id not in ids("cards")
    assert handoff_id not in ids("mine"), "an agent in no team sees only the general queue under 'mine'"


def test_team_members_decide_what_mine_shows(client: TestClient, make_staff: StaffFactory) -> None:
    name, agent = make_staff("agent")
    _, admin = make_staff("admin")
    _, _, handoff_id = complaint(client)
    r = client.put("/v1/teams/complaints/members", json={"usernames": [name]}, headers=bearer(admin))
    assert r.status_code == 200 and [m["username"] for m in r.json()["members"]] == [name]
    mine = client.get("/v1/handoffs", params={"team": "mine"}, headers=bearer(agent)).json()
    assert handoff_id in [h["id"] for h in mine]
    teams = client.get("/v1/teams", headers=bearer(agent)).json()
    assert {"vip", "complaints", "cards", "loans", "wealth"} <= {t["id"] for t in teams}
    bad = client.put("/v1/teams/complaints/members", json={"usernames": ["nobody-x"]}, headers=bearer(admin))
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "invalid_target"
    assert (
        client.put("/v1/teams/cards/members", json={"usernames": []}, headers=bearer(agent)).status_code
        == 403
    )
    client.put("/v1/teams/complaints/members", json={"usernames": []}, headers=bearer(admin))


def test_transfer_to_a_colleague_moves_the_case_and_tells_the_customer(
    client: TestClient, make_staff: StaffFactory, services: Services, pushes: list[Any]
) -> None:
    _, first = make_staff("agent")
    second_name, second = make_staff("agent")
    _, admin = make_staff("admin")
    token, conversation_id, handoff_id = complaint(client)
    assert client.post(f"/v1/handoffs/{handoff_id}/claim", headers=bearer(first)).status_code == 200

    # Someone who does not hold the case cannot give it away.
    stolen = client.post(
        f"/v1/handoffs/{handoff_id}/transfer", json={"to": second_name}, headers=bearer(second)
    )
    assert stolen.status_code == 409 and stolen.json()["error"]["code"] == "conflict"
    editor_name, _ = make_staff("editor")
    refused = client.post(
        f"/v1/handoffs/{handoff_id}/transfer", json={"to": editor_name}, headers=bearer(first)
    )
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "invalid_target"

    r = client.post(
        f"/v1/handoffs/{handoff_id}/transfer",
        json={"to": second_name, "note": "客户要求网点主任回电"},
        headers=bearer(first),
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "claimed" and r.json()["claimed_by"] == second_name
    detail = item(client, second, handoff_id)
    assert any("客户要求网点主任回电" in n["text"] for n in detail["notes"])
    # The first agent no longer holds it; the second replies.
    late = client.post(f"/v1/handoffs/{handoff_id}/reply", json={"text": "还在吗"}, headers=bearer(first))
    assert late.status_code == 409
    ok = client.post(
        f"/v1/handoffs/{handoff_id}/reply", json={"text": "您好，我接手了。"}, headers=bearer(second)
    )
    assert ok.status_code == 201
    widget = [(k, d) for t, k, d in pushes if t == conversation_topic(conversation_id)]
    kinds = [k for k, _ in widget]
    assert kinds[-3:] == ["staff_left", "staff_joined", "staff_message"], kinds
    assert [d["name"] for k, d in widget if k == "staff_joined"][-1] == second_name
    assert ("staff", "handoff.transferred") in [(t, k) for t, k, _ in pushes if t == STAFF_TOPIC]
    actions = [
        a["action"]
        for a in client.get("/v1/audit", params={"target_id": handoff_id}, headers=bearer(admin)).json()
    ]  # noqa: E501
    assert "handoff.transfer" in actions


def test_transfer_to_a_team_puts_the_case_back_in_that_queue(
    client: TestClient, make_staff: StaffFactory
) -> None:
    _, agent = make_staff("agent")
    _, _, handoff_id = complaint(client)
    client.post(f"/v1/handoffs/{handoff_id}/claim", headers=bearer(agent))
    r = client.post(
        f"/v1/handoffs/{handoff_id}/transfer",
        json={"team": "cards", "note": "其实是信用卡问题"},
        headers=bearer(agent),
    )
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "open" and r.json()["claimed_by"] is None and r.json()["team_id"] == "cards"
    nowhere = client.post(f"/v1/handoffs/{handoff_id}/transfer", json={"team": "nope"}, headers=bearer(agent))
    assert nowhere.status_code == 422


def test_staff_typing_reaches_only_the_customer_of_the_case(
    client: TestClient, make_staff: StaffFactory, pushes: list[Any]
) -> None:
    _, agent = make_staff("agent")
    _, other = make_staff("agent")
    _, conversation_id, handoff_id = complaint(client)
    assert client.post(f"/v1/handoffs/{handoff_id}/typing", headers=bearer(agent)).status_code == 409
    client.post(f"/v1/handoffs/{handoff_id}/claim", headers=bearer(agent))
    assert client.post(f"/v1/handoffs/{handoff_id}/typing", headers=bearer(other)).status_code == 409
    assert client.post(f"/v1/handoffs/{handoff_id}/typing", headers=bearer(agent)).status_code == 204
    typing = [d for t, k, d in pushes if k == "staff_typing"]
    assert [t for t, k, _ in pushes if k == "staff_typing"] == [conversation_topic(conversation_id)]
    assert typing[0]["name"]  # the display name, shown as "… 正在输入…"


def test_an_urgent_message_in_human_mode_retriages_and_alerts(
    client: TestClient, make_staff: StaffFactory, services: Services, pushes: list[Any],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    sent: list[Alert] = []
    monkeypatch.setattr(services.alerts, "send", sent.append)
    _, agent = make_staff("agent")
    token, _, handoff_id = complaint(client)
    before = item(client, agent, handoff_id)
    assert before["urgency"] != "urgent" and before["team_id"] == "complaints"
    result = send(client, token, "我的信用卡刚刚被盗刷了，快帮我冻结！")
    assert result["done"]["handoff_id"] == handoff_id, "the waiting case is updated, not a second one opened"
    after = item(client, agent, handoff_id)
    assert after["urgency"] == "urgent" and after["sla"]["priority"] == "urgent"
    assert after["team_id"] == "cards", "still unclaimed: re-routed by its new topic"
    assert "盗刷" in str(after["summary"])
    assert RetriageAlert(handoff_id, "urgent") in sent
    assert (STAFF_TOPIC, "handoff.retriaged") in [(t, k) for t, k, _ in pushes]


def _urgent_case(client: TestClient) -> str:
    token, _ = start(client)
    result = send(client, token, "我的银行卡被盗刷了，怎么办？快帮我冻结")
    assert result["done"]["handoff_id"], result
    return str(result["done"]["handoff_id"])


def test_sla_check_alerts_each_breach_once_and_retries_a_failed_send(
    client: TestClient, services: Services
) -> None:
    handoff_id = _urgent_case(client)
    with services.sessions() as session:
        handoff = session.get(Handoff, handoff_id)
        assert handoff is not None and handoff.urgency == "urgent"
        opened = aware(handoff.created_at)
    later = opened + timedelta(minutes=20)  # urgent: 15 min first response, frozen clock
    down = Recorder(fail=True)
    check_sla(services.sessions, services.sla, down, now=later)
    up = Recorder()
    check_sla(services.sessions, services.sla, up, now=later)
    mine = [a for a in up.sent if isinstance(a, SlaAlert) and a.handoff_id == handoff_id]
    assert [(str(a.timer), a.state) for a in mine] == [("first_response", TimerState.BREACHED)]
    again = Recorder()
    check_sla(services.sessions, services.sla, again, now=later + timedelta(minutes=1))
    assert not [a for a in again.sent if isinstance(a, SlaAlert) and a.handoff_id == handoff_id]


def test_the_app_checks_sla_by_itself(services: Services) -> None:
    """No request needed: the lifespan's scheduler alerts a breach (tiny targets so it breaches at once)."""
    tiny = SlaPolicy(
        targets={p: SlaTarget(timedelta(seconds=0.2), timedelta(seconds=0.4)) for p in PRIORITIES}
    )
    recorder = Recorder()
    quick = dataclasses.replace(
        services,
        settings=services.settings.model_copy(update={"sla_check_interval_s": 0.2}),
        sla=tiny,
        alerts=recorder,
    )
    with TestClient(create_app(services=quick)) as c:
        handoff_id = _urgent_case(c)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if any(getattr(a, "handoff_id", None) == handoff_id for a in recorder.sent):
                break
            time.sleep(0.2)
        loop = c.app.state.sla_loop  # type: ignore[attr-defined]
        assert isinstance(loop, PeriodicWorker) and loop.runs >= 1, "one scheduler runs every background step"
    assert any(isinstance(a, SlaAlert) and a.handoff_id == handoff_id for a in recorder.sent)


def test_csat_after_a_resolved_case_is_stored_once(client: TestClient, make_staff: StaffFactory) -> None:
    _, agent = make_staff("agent")
    token, _, handoff_id = complaint(client)
    widget = {"x-widget-token": token}
    early = client.post("/v1/widget/csat", json={"handoff_id": handoff_id, "score": 5}, headers=widget)
    assert early.status_code == 409, "not resolved yet"
    client.post(f"/v1/handoffs/{handoff_id}/claim", headers=bearer(agent))
    client.post(f"/v1/handoffs/{handoff_id}/resolve", json={"outcome": "answered"}, headers=bearer(agent))
    assert client.get("/v1/widget/conversation", headers=widget).json()["survey_handoff_id"] == handoff_id
    bad = client.post("/v1/widget/csat", json={"handoff_id": handoff_id, "score": 6}, headers=widget)
    assert bad.status_code == 422
    other, _ = start(client)
    foreign = client.post(
        "/v1/widget/csat", json={"handoff_id": handoff_id, "score": 1}, headers={"x-widget-token": other}
    )
    assert foreign.status_code == 404, "only the case's own customer rates it"
    ok = client.post("/v1/widget/csat", json={"handoff_id": handoff_id, "score": 4}, headers=widget)
    assert ok.status_code == 204
    again = client.post("/v1/widget/csat", json={"handoff_id": handoff_id, "score": 1}, headers=widget)
    assert again.status_code == 409
    assert client.get("/v1/widget/conversation", headers=widget).json()["survey_handoff_id"] is None


@pytest.fixture(scope="module")
def connector(make_staff: StaffFactory) -> dict[str, str]:
    _, token = make_staff("connector")
    return bearer(token)


def test_a_group_customer_asking_the_bot_why_nobody_answers_gets_the_queue_position(
    client: TestClient, connector: dict[str, str], make_staff: StaffFactory
) -> None:
    group = f"wecom-ops-{time.monotonic_ns()}"

    def post(text: str, mentions: list[str] | None = None) -> dict[str, Any]:
        body = {"text": text, "sender_id": "wx-waiting", "mentions": mentions or []}
        r = client.post(f"/v1/groups/{group}/messages", json=body, headers=connector)
        assert r.status_code == 200, r.text
        return dict(r.json())

    opened = post("我要投诉，你们的理财经理乱承诺收益！", ["小禾"])
    assert opened["handoff_id"]
    chatter = post("怎么还没人理我")
    assert chatter["reply"] is None, "not addressed to the bot: it stays quiet"
    asked = post("@小禾 怎么还没人理我", ["小禾"])
    assert asked["reply"] and "排队第" in asked["reply"] and "位" in asked["reply"], asked
    _, agent = make_staff("agent")
    client.post(f"/v1/handoffs/{opened['handoff_id']}/claim", headers=bearer(agent))
    claimed = post("@小禾 还要等多久", ["小禾"])
    assert claimed["reply"] and "正在处理" in claimed["reply"], claimed


def test_a_group_customers_survey_goes_privately_and_the_private_answer_is_stored_with_the_case(
    client: TestClient, connector: dict[str, str], make_staff: StaffFactory, services: Services
) -> None:
    """Never asked in the group: the survey waits in the direct outbox for the member, and their answer
    (passed on by the connector) is the case's CSAT."""
    group = f"csat-{time.monotonic_ns()}"
    body = {
        "text": "@小禾 我要投诉，你们的客户经理一直不回电话！",
        "sender_id": "wx-member-7",
        "mentions": ["小禾"],
    }
    opened = client.post(f"/v1/groups/{group}/messages", json=body, headers=connector).json()
    handoff_id = opened["handoff_id"]
    assert handoff_id, opened
    _, agent = make_staff("agent")
    client.post(f"/v1/handoffs/{handoff_id}/claim", headers=bearer(agent))
    early = {"sender_id": "wx-member-7", "text": "5"}
    r = client.post(f"/v1/groups/{group}/direct-replies", json=early, headers=connector)
    assert r.status_code == 200 and r.json()["recorded"] is False, "no survey before the case is resolved"
    assert client.get(f"/v1/groups/{group}/direct", headers=connector).json() == []
    client.post(
        f"/v1/handoffs/{handoff_id}/reply", json={"text": "您好，已为您联系客户经理。"}, headers=bearer(agent)
    )
    r = client.post(f"/v1/handoffs/{handoff_id}/resolve", json={"outcome": "answered"}, headers=bearer(agent))
    assert r.status_code == 200, r.text

    posted = client.get(f"/v1/groups/{group}/outbox", headers=connector).json()
    assert posted and not any("打分" in m["text"] or "1-5" in m["text"] for m in posted), "not in the group"
    direct = client.get(f"/v1/groups/{group}/direct", headers=connector).json()
    assert [(d["member_id"], d["kind"], d["handoff_id"]) for d in direct] == [
        ("wx-member-7", "csat", handoff_id)
    ]
    assert "1-5" in direct[0]["text"]
    assert client.get(f"/v1/groups/{group}/direct", headers=bearer(agent)).status_code == 403

    other = {"sender_id": "wx-someone-else", "text": "1"}
    r = client.post(f"/v1/groups/{group}/direct-replies", json=other, headers=connector)
    assert r.json()["recorded"] is False, "only the case's own customer rates it"
    chatter = {"sender_id": "wx-member-7", "text": "信用卡年费怎么收？"}
    r = client.post(f"/v1/groups/{group}/direct-replies", json=chatter, headers=connector)
    assert r.json()["recorded"] is False
    answer = {"sender_id": "wx-member-7", "text": "4分"}
    r = client.post(f"/v1/groups/{group}/direct-replies", json=answer, headers=connector)
    assert r.status_code == 200 and r.json()["recorded"] is True and r.json()["score"] == 4, r.text
    assert r.json()["reply"]
    with services.sessions() as session:
        handoff = session.get(Handoff, handoff_id)
        assert handoff is not None and handoff.csat_score == 4 and handoff.csat_at is not None
    again = {"sender_id": "wx-member-7", "text": "1"}
    r = client.post(f"/v1/groups/{group}/direct-replies", json=again, headers=connector)
    assert r.json()["recorded"] is False, "rated once"
