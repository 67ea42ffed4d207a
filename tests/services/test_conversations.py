"""One scripted conversation per path through the pipeline, on the real sample knowledge base."""

from __future__ import annotations

import logging
import uuid

import pytest
from faker import Faker
from sqlalchemy import select, text

from agent.state import Action, IncomingMessage
from core.wiring import Services
from storage.models import Handoff, Message


def web(text: str, conversation_id: str | None = None, sender: str | None = None) -> IncomingMessage:
    return IncomingMessage(
        text=text, channel="web", conversation_id=conversation_id, sender_id=sender or uuid.uuid4().hex
    )


def group(text: str, group_id: str, sender: str, mentions: tuple[str, ...] = ()) -> IncomingMessage:
    return IncomingMessage(text=text, channel="group", group_id=group_id, sender_id=sender, mentions=mentions)


def handoff_of(services: Services, handoff_id: str | None) -> Handoff:
    assert handoff_id is not None
    with services.sessions() as session:
        handoff = session.get(Handoff, handoff_id)
        assert handoff is not None
        return handoff


def test_faq_question_is_answered_with_a_citation(services: Services) -> None:
    reply = services.conversations.handle(web("定期存款一年期的利率是多少？"))
    assert reply.action == Action.ANSWER
    assert reply.citations, "an answer must cite its source"
    assert reply.reply is not None and "参考来源" in reply.reply
    assert "%" in reply.reply
    assert reply.handoff_id is None


def test_lost_credit_card_gets_the_answer_a_source_and_an_urgent_handoff(services: Services) -> None:
    reply = services.conversations.handle(web("信用卡丢了怎么办"))
    assert reply.action == Action.HANDOFF
    assert reply.reply is not None
    assert "挂失" in reply.reply
    assert services.settings.hotline in reply.reply
    assert any("挂失" in c.title or "信用卡" in c.title for c in reply.citations)
    handoff = handoff_of(services, reply.handoff_id)
    assert handoff.urgency == "urgent"
    assert handoff.reason == "urgent_risk"


def test_complaint_is_handed_off_with_a_summary(services: Services) -> None:
    first = services.conversations.handle(web("信用卡年费是多少？", sender="complainer"))
    text = "你们银行太坑了！说好免年费结果还是扣了我300块，打了三次电话都没人管，我要去金融监管总局投诉！"
    reply = services.conversations.handle(
        web(text, conversation_id=first.conversation_id, sender="complainer")
    )
    assert reply.action == Action.HANDOFF
    assert reply.reply is not None and "抱歉" in reply.reply
    handoff = handoff_of(services, reply.handoff_id)
    assert handoff.category == "complaint"
    summary = handoff.summary
    assert summary["customer"]["ref"].startswith("C")
    assert summary["category"] == "complaint"
    assert summary["urgency"] in ("high", "normal")
    assert summary["sentiment"] < 0
    assert "投诉" in summary["question"] or "扣" in summary["question"]
    assert summary["bot_answered"], "the summary records what the bot already said"
    assert summary["suggested_next_step"]
    assert [m["role"] for m in summary["transcript"]][-1] == "customer"


def test_explicit_request_for_a_person_is_handed_off(services: Services) -> None:
    reply = services.conversations.handle(web("转人工"))
    assert reply.action == Action.HANDOFF
    assert handoff_of(services, reply.handoff_id).reason == "human_request"
    again = services.conversations.handle(web("怎么还没人理我", conversation_id=reply.conversation_id))
    assert again.action in (Action.HUMAN_MODE, Action.HANDOFF)
    with services.sessions() as session:
        open_ = session.scalars(
            select(Handoff).where(Handoff.conversation_id == reply.conversation_id, Handoff.status == "open")
        ).all()
    assert len(open_) == 1, "one open handoff per conversation, not one per message"


def test_waiting_for_a_person_is_announced_once_not_on_every_message(services: Services) -> None:
    first = services.conversations.handle(web("我要投诉，你们乱扣费！"))
    assert first.action == Action.HANDOFF
    conv = first.conversation_id
    waiting = services.conversations.handle(web("还在吗", conversation_id=conv))
    assert waiting.action == Action.HUMAN_MODE and waiting.reply, "the customer hears a person is coming"
    again = services.conversations.handle(web("快点啊", conversation_id=conv))
    assert again.action == Action.HUMAN_MODE
    assert again.reply is None, "the notice is not repeated on every message"


def test_account_query_in_a_group_moves_to_a_private_follow_up(services: Services) -> None:
    reply = services.conversations.handle(
        group("@小禾 帮我查一下我卡里还剩多少钱", "g-acct", "u-1", ("小禾",))
    )
    assert reply.action == Action.PRIVATE_FOLLOWUP
    assert reply.reply is not None and "私聊" in reply.reply
    handoff = handoff_of(services, reply.handoff_id)
    assert handoff.private_followup is True
    assert handoff.summary["customer"]["group_id"] == "g-acct"


def test_chitchat_among_group_members_gets_no_reply(services: Services) -> None:
    for i, chatter in enumerate(["哈哈哈 周末去爬山吧", "好啊，几点出发", "今晚吃火锅不", "周末一起去钓鱼"]):
        reply = services.conversations.handle(group(chatter, "g-chat", f"member-{i}"))
        assert reply.action == Action.SILENT, chatter
        assert reply.reply is None


def test_group_question_to_the_bank_is_answered(services: Services) -> None:
    reply = services.conversations.handle(group("请问你们大额存单起存金额是多少？", "g-q", "u-9"))
    assert reply.action == Action.ANSWER
    assert reply.citations


def test_low_confidence_question_gets_an_honest_fallback(services: Services) -> None:
    reply = services.conversations.handle(web("你们网点回收旧金首饰吗，克价多少"))
    assert reply.action == Action.FALLBACK
    assert reply.reply is not None
    assert "无法准确回答" in reply.reply and "人工" in reply.reply
    assert not reply.citations


def test_greeting_is_answered_without_retrieval(services: Services) -> None:
    reply = services.conversations.handle(web("你好"))
    assert reply.action == Action.SMALLTALK
    assert reply.reply is not None and "小禾" in reply.reply


def test_id_number_posted_in_a_group_is_redacted_everywhere_and_warned(
    services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    id_number = Faker("zh_CN").ssn()
    caplog.set_level(logging.DEBUG)
    reply = services.conversations.handle(
        group(f"@小禾 我身份证号{id_number}，能帮我看看开户吗", "g-pii", "u-2", ("小禾",))
    )
    assert id_number not in reply.redacted_text
    assert "<ID_CARD_1>" in reply.redacted_text
    assert reply.reply is not None and "请勿在群聊中发送身份证号" in reply.reply
    assert id_number not in caplog.text
    with services.engine.connect() as conn:
        dumped = "\n".join(
            str(row)
            for table in ("messages", "handoffs", "conversations")
            for row in conn.execute(text(f"SELECT * FROM {table}"))
        )
    assert id_number not in dumped
    assert services.vault.reveal(reply.conversation_id, "<ID_CARD_1>") == id_number


def test_placeholders_are_stable_across_turns(services: Services) -> None:
    phone = "13812345678"
    first = services.conversations.handle(web(f"我的手机号是{phone}，怎么修改预留手机号？"))
    second = services.conversations.handle(
        web("还是那个号 138-1234-5678 收不到验证码", conversation_id=first.conversation_id)
    )
    assert "<PHONE_1>" in first.redacted_text
    assert "<PHONE_1>" in second.redacted_text
    with services.sessions() as session:
        stored = session.scalars(select(Message.text).where(Message.conversation_id == first.conversation_id))
        assert all(phone not in t and "1234-5678" not in t for t in stored)


def test_question_mentioning_a_phone_number_is_answered_with_the_number_redacted(services: Services) -> None:
    phone = "13812345678"
    reply = services.conversations.handle(web(f"我的手机号是{phone}，换号了怎么修改预留手机号？"))
    assert reply.action == Action.ANSWER
    assert [c.doc_id for c in reply.citations] == ["faq-change-phone"]
    assert "PHONE_NUMBER" in reply.pii_types
    assert phone not in reply.redacted_text and reply.reply is not None and phone not in reply.reply


def test_wealth_answer_carries_a_risk_notice(services: Services) -> None:
    reply = services.conversations.handle(web("你们的理财产品风险等级是怎么分的？"))
    assert reply.action == Action.ANSWER
    assert reply.reply is not None and "风险提示" in reply.reply


def test_english_question_gets_english_framing(services: Services) -> None:
    reply = services.conversations.handle(web("I lost my credit card, what should I do?"))
    assert reply.action == Action.HANDOFF
    assert reply.reply is not None and "hotline" in reply.reply
