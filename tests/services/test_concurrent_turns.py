"""Two turns of one conversation at the same moment are both stored, in order (issue 12: one was lost
with an IntegrityError on (conversation_id, seq))."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from agent.state import IncomingMessage
from core.wiring import Services
from services.conversations import read_conversation


def test_concurrent_turns_in_one_conversation_are_serialised_not_lost(services: Services) -> None:
    first = services.conversations.handle(IncomingMessage(text="你好", channel="web", sender_id="race-1"))
    conversation_id = first.conversation_id
    texts = [f"信用卡年费多少？第{i}次" for i in range(6)]

    def turn(text: str) -> str:
        message = IncomingMessage(
            text=text, channel="web", sender_id="race-1", conversation_id=conversation_id
        )
        return services.conversations.handle(message).message_id

    with ThreadPoolExecutor(max_workers=6) as pool:
        ids = list(pool.map(turn, texts))
    assert len(set(ids)) == 6
    with services.sessions() as session:
        conversation = read_conversation(session, conversation_id)
        assert conversation is not None
        stored = [m.text for m in conversation.messages if m.role == "customer"]
        seqs = [m.seq for m in conversation.messages]
    assert sorted(stored[1:]) == sorted(texts)
    assert seqs == list(range(1, len(seqs) + 1))
