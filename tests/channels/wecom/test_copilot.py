"""The group copilot end to end: archive export (JSON Lines) → the real agent → drafts, flags and alerts.
The only fake is WeCom's robot webhook (the fake server on loopback)."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import pytest

from channels.wecom.alerts import StaffAlerter
from channels.wecom.archive import JsonlArchiveFeed
from channels.wecom.client import WeComClient
from channels.wecom.copilot import GroupCopilot, InMemoryGroupConfigs
from channels.wecom.drafts import Draft, DraftBook, DraftKind, DraftStatus, InMemoryDraftStore
from channels.wecom.group_rules import GroupConfig, GroupRuleChecker
from channels.wecom.inbound import InMemoryCursorStore
from core.wiring import Services
from tests.channels.wecom.conftest import FakeWeCom

KF_URL = "https://work.weixin.qq.com/kfid/kfcQingHe01"
_seq = itertools.count(1)


@dataclass
class Group:
    copilot: GroupCopilot
    folder: Path
    chat_id: str

    def say(self, sender: str, text: str) -> None:
        seq = next(_seq)
        entry = {
            "seq": seq,
            "msgid": f"g{seq}",
            "action": "send",
            "from": sender,
            "tolist": [],
            "roomid": self.chat_id,
            "msgtime": 1_780_000_000_000 + seq * 1000,
            "msgtype": "text",
            "text": {"content": text},
        }
        with (self.folder / "export.jsonl").open("a", encoding="utf-8") as out:
            out.write(json.dumps(entry, ensure_ascii=False) + "\n")
        self.copilot.run_once()

    def drafts(self, status: DraftStatus | None = DraftStatus.PENDING) -> list[Draft]:
        return self.copilot.drafts.store.for_chat(self.chat_id, status)


@pytest.fixture
def group(services: Services, wecom_client: WeComClient, tmp_path: Path) -> Iterator[Group]:
    chat_id = f"wrGroup{next(_seq)}"
    configs = InMemoryGroupConfigs()
    configs.put(
        GroupConfig(chat_id=chat_id, name="青禾理财交流群", owner_userid="li.na", admin_userids=["wang.fang"])
    )
    now = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
    copilot = GroupCopilot(
        feed=JsonlArchiveFeed(tmp_path),
        cursors=InMemoryCursorStore(),
        conversations=services.conversations,
        redactor=services.redactor,
        drafts=DraftBook(InMemoryDraftStore(), lambda: now),
        rules=GroupRuleChecker(lambda: now),
        configs=configs,
        alerter=StaffAlerter(wecom_client),
        kf_url=KF_URL,
    )
    yield Group(copilot, tmp_path, chat_id)


def test_a_question_to_the_bank_gets_one_answer_draft_with_its_source(group: Group) -> None:
    group.say("wmMemberA", "@小禾 信用卡年费怎么收？")
    group.say("wmMemberA", "@小禾 信用卡年费怎么收?")  # asked again before the owner sent anything
    [draft] = group.drafts()
    assert draft.kind is DraftKind.ANSWER and draft.asker == "wmMemberA"
    assert "年费" in draft.text and draft.sources


def test_chatter_gets_nothing(group: Group) -> None:
    group.say("wmMemberA", "今天天气真好，大家周末愉快")
    assert group.drafts(None) == []


def test_personal_data_and_account_matters_go_private(group: Group) -> None:
    group.say("wmMemberB", "@小禾 我的卡号6222020200112233445被冻结了，帮我看看")
    [draft] = group.drafts()
    assert draft.kind is DraftKind.PRIVATE_FOLLOWUP and draft.followup_url == KF_URL
    assert "6222020200112233445" not in (draft.question or "") + draft.text


def test_staff_answering_first_supersedes_the_draft(group: Group) -> None:
    group.say("wmMemberC", "@小禾 借记卡丢了怎么挂失？")
    assert len(group.drafts()) == 1
    group.say("li.na", "您好，请拨打热线或在手机银行中立即挂失。")
    assert group.drafts() == []
    assert group.drafts(DraftStatus.SUPERSEDED)[0].decided_by == "li.na"


def test_ads_are_flagged_to_the_owner_with_one_reminder(group: Group, fake_wecom: FakeWeCom) -> None:
    group.say("wmSpammer", "加我微信领理财秘籍，稳赚不赔")
    group.say("wmSpammer2", "扫码进群，内部荐股")
    alerts = [m["text"] for m in fake_wecom.state.robot_messages]
    assert len(alerts) == 2 and alerts[0]["mentioned_list"] == ["li.na", "wang.fang"]
    assert "青禾理财交流群" in alerts[0]["content"]
    pending = group.drafts()
    assert [d.kind for d in pending] == [DraftKind.REMINDER]  # no answer to an ad, one reminder
