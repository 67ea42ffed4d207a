"""Group settings in SQL and group analytics: the group copilot reads its settings from the database
(keyword alerts included) and records what happened; the analytics count it per group. The only fake is
WeCom's robot webhook (the fake server on loopback)."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from sqlalchemy import select

from channels.wecom.alerts import StaffAlerter
from channels.wecom.archive import JsonlArchiveFeed
from channels.wecom.client import WeComClient
from channels.wecom.copilot import GroupCopilot
from channels.wecom.drafts import Draft, DraftBook, DraftKind, DraftStatus
from channels.wecom.group_rules import EducationSlot, GroupConfig, GroupRuleChecker
from channels.wecom.group_store import GroupActivityLog, SqlGroupConfigs, group_analytics
from channels.wecom.inbound import InMemoryCursorStore
from channels.wecom.sql_stores import SqlDraftStore
from core.status import HandoffReason, HandoffStatus, Urgency
from core.wiring import Services
from services import csat
from storage.models import Conversation, Handoff
from storage.wecom_models import WeComEducationPost
from tests.channels.wecom.conftest import FakeWeCom

NOW = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
_seq = itertools.count(1)


def say(folder: Path, chat_id: str, sender: str, text: str) -> None:
    seq = next(_seq)
    entry = {
        "seq": seq, "msgid": f"ops{seq}", "action": "send", "from": sender, "tolist": [], "roomid": chat_id,
        "msgtime": int(NOW.timestamp() * 1000) + seq, "msgtype": "text", "text": {"content": text},
    }  # fmt: skip
    with (folder / "export.jsonl").open("a", encoding="utf-8") as out:
        out.write(json.dumps(entry, ensure_ascii=False) + "\n")


def test_settings_round_trip_through_sql(services: Services) -> None:
    configs = SqlGroupConfigs(services.sessions)
    config = GroupConfig(
        chat_id="wrOpsSettings",
        name="青禾社区理财群",
        owner_userid="li.na",
        admin_userids=["wang.fang"],
        quiet_start=time(21, 30),
        quiet_end=time(7, 30),
        keyword_alerts=["盗刷", "被骗"],
        education_schedule=[EducationSlot(weekday=2, at=time(10, 0), topic="防范电信诈骗")],
    )
    configs.put(config)
    assert configs.get("wrOpsSettings") == config
    assert "wrOpsSettings" in [c.chat_id for c in configs.all()]
    assert configs.get("wrNobody") is None


def test_the_copilot_uses_sql_settings_and_the_analytics_count_per_group(
    services: Services, wecom_client: WeComClient, fake_wecom: FakeWeCom, tmp_path: Path
) -> None:
    chat, other = "wrOpsGroupA", "wrOpsGroupB"
    configs = SqlGroupConfigs(services.sessions)
    for chat_id in (chat, other):
        configs.put(
            GroupConfig(chat_id=chat_id, name="青禾客户群", owner_userid="li.na", keyword_alerts=["盗刷"])
        )
    drafts = DraftBook(SqlDraftStore(services.sessions), lambda: NOW)
    copilot = GroupCopilot(
        feed=JsonlArchiveFeed(tmp_path),
        cursors=InMemoryCursorStore(),
        conversations=services.conversations,
        redactor=services.redactor,
        drafts=drafts,
        rules=GroupRuleChecker(lambda: NOW),
        configs=configs,
        alerter=StaffAlerter(wecom_client),
        activity=GroupActivityLog(services.sessions),
        clock=lambda: NOW,
    )
    say(tmp_path, chat, "wmOpsA", "@小禾 信用卡年费怎么收？")
    say(tmp_path, chat, "wmOpsB", "我的卡好像被盗刷了怎么办")
    say(tmp_path, chat, "wmOpsC", "加我微信领理财秘籍")
    say(tmp_path, other, "wmOpsD", "大家早上好")
    copilot.run_once()

    alerts = [m["text"]["content"] for m in fake_wecom.state.robot_messages]
    assert any("关键词" in a for a in alerts), alerts  # the keyword alert set in SQL reached the owner
    [answer] = [d for d in drafts.store.for_chat(chat, DraftStatus.PENDING) if d.kind is DraftKind.ANSWER]
    drafts.sent(answer.id, answer.text, by="li.na")

    report = {
        row["chat_id"]: row
        for row in group_analytics(services.sessions, NOW - timedelta(hours=1), NOW + timedelta(hours=1))
    }
    a, b = report[chat], report[other]
    assert a["message"] == 3 and b["message"] == 1
    assert a["question"] >= 1 and a["answered"] == 1
    assert a["violations_by_kind"].get("keyword") == 1 and a["violations_by_kind"].get("solicitation") == 1
    assert a["violations"] >= 2 and b["violations"] == 0
    assert group_analytics(services.sessions, NOW + timedelta(days=1), NOW + timedelta(days=2)) == []


def test_the_analytics_count_active_members_owner_posts_unanswered_questions_and_csat(
    services: Services, tmp_path: Path
) -> None:
    chat = "wrOpsStats"
    configs = SqlGroupConfigs(services.sessions)
    configs.put(GroupConfig(chat_id=chat, name="青禾统计测试群", owner_userid="li.na"))
    drafts = DraftBook(SqlDraftStore(services.sessions), lambda: NOW)
    copilot = GroupCopilot(
        feed=JsonlArchiveFeed(tmp_path),
        cursors=InMemoryCursorStore(),
        conversations=services.conversations,
        redactor=services.redactor,
        drafts=drafts,
        rules=GroupRuleChecker(lambda: NOW),
        configs=configs,
        activity=GroupActivityLog(services.sessions),
        clock=lambda: NOW,
    )

    def answer_to(asker: str) -> Draft:
        [draft] = [d for d in drafts.store.for_chat(chat, DraftStatus.PENDING) if d.asker == asker]
        return draft

    say(tmp_path, chat, "wmStatsA", "@小禾 信用卡年费怎么收？")
    say(tmp_path, chat, "wmStatsB", "@小禾 信用卡年费可以减免吗？")
    say(tmp_path, chat, "wmStatsA", "谢谢大家")
    copilot.run_once()
    drafts.sent(answer_to("wmStatsA").id, answer_to("wmStatsA").text, by="li.na")  # answered
    drafts.dismiss(answer_to("wmStatsB").id, by="li.na")  # unanswered
    drafts.sent(drafts.add_draft(chat, "本周金融知识：谨防冒充客服的电话。", kind="education", source=None),
                "本周金融知识：谨防冒充客服的电话。", by="li.na")  # fmt: skip
    say(tmp_path, chat, "wmStatsC", "@小禾 信用卡年费怎么收？")
    say(tmp_path, chat, "li.na", "@客户C 年费规则我私信发您")  # staff answered it themselves
    copilot.run_once()
    say(tmp_path, chat, "wmStatsD", "@小禾 信用卡年费怎么收？")
    copilot.run_once()  # nobody has answered D yet: unanswered

    with services.sessions() as session:  # a case raised from the group, resolved and rated by its member
        conversation = session.scalars(
            select(Conversation).where(Conversation.group_id == chat, Conversation.channel == "group")
        ).first()
        assert conversation is not None
        handoff = Handoff(
            conversation_id=conversation.id, status=HandoffStatus.RESOLVED, reason=HandoffReason.COMPLAINT,
            category="card", urgency=Urgency.NORMAL, resolved_at=NOW,
        )  # fmt: skip
        session.add(handoff)
        confirmed = WeComEducationPost(chat_id=chat, slot_at=NOW, topic="防范诈骗", status="confirmed")
        session.add(confirmed)  # an education 群发 task the owner confirmed in the WeCom client
        session.commit()
        csat.rate(session, conversation.id, handoff.id, 4)

    until = max(NOW, datetime.now(UTC)) + timedelta(hours=1)  # the rating carries the real time
    [row] = group_analytics(services.sessions, NOW - timedelta(hours=1), until, [chat])
    assert row["message"] == 5 and row["members_active"] == 4  # staff are not members; A spoke twice
    assert row["question"] == 4
    assert row["answered"] == 1 and row["sent_by_owner"] == 3  # the answer, the education draft and task
    assert row["dismissed"] == 1 and row["staff_answered"] == 1
    assert row["unanswered"] == 2  # B (dismissed) and D (pending)
    assert row["csat_responses"] == 1 and row["csat_average"] == 4.0
