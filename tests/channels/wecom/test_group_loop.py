"""The group copilot runs as a background loop of the WeCom runtime, started by the app: one member's
message dropped into the archive export is read, answered as a draft, alerted on (keyword) and counted
in the group analytics, with no test calling the copilot itself. WeCom is the fake server on loopback (the
boundary we cannot reach); the archive is the JSON Lines export a bank's exporter writes."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from channels.wecom.client import WeComClient
from channels.wecom.config import WeComSettings
from channels.wecom.drafts import DraftKind, DraftStatus
from channels.wecom.group_rules import GroupConfig
from channels.wecom.group_store import group_analytics
from channels.wecom.runtime import WeComRuntime, build_wecom
from core.wiring import Services
from tests.channels.wecom.conftest import FakeWeCom
from tests.channels.wecom.fake_wecom import AES_KEY, CALLBACK_TOKEN, CORP_ID, KF_ID, ROBOT_KEY, SECRET

CHAT = "wrLoopGroup"


@pytest.fixture
def running(services: Services, fake_wecom: FakeWeCom, tmp_path: Path) -> Iterator[WeComRuntime]:
    settings = WeComSettings.model_validate(
        {
            "corp_id": CORP_ID,
            "kf_secret": SECRET,
            "callback_token": CALLBACK_TOKEN,
            "encoding_aes_key": AES_KEY,
            "kf_account_ids": [KF_ID],
            "robot_webhook_key": ROBOT_KEY,
            "api_base_url": fake_wecom.base_url,
            "archive_dir": str(tmp_path),
            "group_copilot_interval_s": 0.05,
            "education_interval_s": 0,
        }
    )
    client = WeComClient.from_settings(settings, sleep=lambda _: None)
    wecom = build_wecom(
        settings,
        sessions=services.sessions,
        conversations=services.conversations,
        pseudonymizer=services.pseudonymizer,
        redactor=services.redactor,
        events=services.dispatcher,
        client=client,
    )
    assert wecom.group_copilot is not None  # an archive is configured
    wecom.configs.put(
        GroupConfig(chat_id=CHAT, name="青禾信用卡客户群", owner_userid="li.na", keyword_alerts=["盗刷"])
    )
    with TestClient(create_app(services=replace(services, wecom=wecom))):
        yield wecom
    client.close()


def test_the_app_runs_the_group_copilot_loop_end_to_end(
    running: WeComRuntime, services: Services, fake_wecom: FakeWeCom, tmp_path: Path
) -> None:
    seq = time.time_ns() // 1000  # above any archive cursor an earlier test stored
    now = datetime.now(UTC)
    entry = {
        "seq": seq, "msgid": f"loop{seq}", "action": "send", "from": "wmLoopMember", "tolist": [],
        "roomid": CHAT, "msgtime": int(now.timestamp() * 1000), "msgtype": "text",
        "text": {"content": "@小禾 我的信用卡好像被盗刷了，怎么办？"},
    }  # fmt: skip
    (tmp_path / "export.jsonl").write_text(json.dumps(entry, ensure_ascii=False) + "\n", encoding="utf-8")

    def report() -> dict[str, object]:
        rows = group_analytics(services.sessions, now - timedelta(hours=1), now + timedelta(hours=1), [CHAT])
        return rows[0] if rows else {}

    deadline = time.monotonic() + 60
    while (
        not report().get("message") or not fake_wecom.state.robot_messages
    ) and time.monotonic() < deadline:
        time.sleep(0.1)
    row = report()
    assert row.get("message") == 1, row  # read once, however many times the loop ran
    assert row["violations_by_kind"] == {"keyword": 1}  # type: ignore[comparison-overlap]
    alerts = [m["text"]["content"] for m in fake_wecom.state.robot_messages]
    assert any("青禾信用卡客户群" in a for a in alerts), alerts  # the owner was alerted through WeCom
    drafts = running.drafts.store.for_chat(CHAT, DraftStatus.PENDING)
    assert drafts and drafts[0].kind in (DraftKind.ANSWER, DraftKind.ACKNOWLEDGE, DraftKind.PRIVATE_FOLLOWUP)
    assert "wmLoopMember" == drafts[0].asker
