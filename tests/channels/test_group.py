"""The group channel: posts reach the group's conversation (quiet unless the bank is addressed) and the
outbox hands staff replies to the connector in order, per group, without consuming them."""

from __future__ import annotations

import uuid

from channels import group
from core.wiring import Services
from storage.models import Conversation, OutboxMessage


def _group() -> str:
    return f"g-{uuid.uuid4().hex[:8]}"


def test_chatter_is_ignored_unless_the_bot_is_mentioned(services: Services) -> None:
    gid = _group()
    quiet = group.receive(services.conversations, group.GroupPost(gid, "m-1", "今天大家都辛苦了"))
    assert quiet.reply is None
    mentioned = group.receive(
        services.conversations, group.GroupPost(gid, "m-1", "@小禾 大家都辛苦了", mentions=("小禾",))
    )
    assert mentioned.reply is not None


def test_a_post_carries_its_group_and_the_customer_tier(services: Services) -> None:
    gid = _group()
    reply = group.receive(
        services.conversations,
        group.GroupPost(gid, "m-2", "请问你们大额存单起存金额是多少？", customer_tier="vip"),
    )
    assert reply.reply is not None
    with services.sessions() as session:
        conversation = session.get(Conversation, reply.conversation_id)
        assert conversation is not None
        assert (conversation.channel, conversation.group_id, conversation.customer_tier) == (
            "group",
            gid,
            "vip",
        )


def test_outbox_pages_one_groups_replies_in_order_without_consuming_them(services: Services) -> None:
    mine, other = _group(), _group()
    conv = group.receive(services.conversations, group.GroupPost(mine, "m-3", "请问你们网点几点开门？"))
    with services.sessions() as session:
        for n, gid in enumerate([mine, other, mine, mine]):
            session.add(
                OutboxMessage(
                    group_id=gid,
                    conversation_id=conv.conversation_id,
                    message_id=f"m{n}",
                    text=f"回复{n}",
                    staff_name="s",
                )
            )
        session.commit()
        first_page = group.outbox(session, mine, limit=2)
        assert [m.text for m in first_page] == ["回复0", "回复2"]
        assert [m.text for m in group.outbox(session, mine, after=first_page[-1].id)] == ["回复3"]
        assert [m.text for m in group.outbox(session, mine)] == ["回复0", "回复2", "回复3"]  # still there
        assert [m.text for m in group.outbox(session, other)] == ["回复1"]
