"""Staff replies to 微信客服 customers survive WeCom faults: queued in SQL, retried with backoff, never lost
and never sent twice. WeCom is the FAKE server on loopback (a boundary we cannot reach)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from channels.wecom.client import WeComClient
from channels.wecom.reply_outbox import KfReplyOutbox, OutboxStatus
from core.wiring import Services
from storage.models import Conversation, StaffUser
from tests.channels.wecom.conftest import FakeWeCom
from tests.channels.wecom.fake_wecom import CORP_ID, KF_ID, SECRET


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def client(fake_wecom: FakeWeCom) -> Iterator[WeComClient]:
    made = WeComClient(
        corp_id=CORP_ID, secret=SECRET, base_url=fake_wecom.base_url, max_attempts=2, sleep=lambda _: None
    )
    yield made
    made.close()


def conversation(services: Services) -> str:
    with services.sessions() as session:
        row = Conversation(channel="wecom", customer_ref=uuid.uuid4().hex[:16])
        session.add(row)
        session.commit()
        return row.id


def test_a_reply_that_fails_is_retried_with_backoff_and_sent_once(
    services: Services, client: WeComClient, fake_wecom: FakeWeCom
) -> None:
    clock = Clock()
    outbox = KfReplyOutbox(services.sessions, client, clock=clock, backoff_base_s=10)
    conv, msg = conversation(services), "msg_" + uuid.uuid4().hex[:12]
    fake_wecom.state.fail("kf/send_msg", "http500", times=2)  # both of the client's quick attempts fail
    assert outbox.enqueue(msg, conv, KF_ID, "wmRetry1", "您好，已为您处理。")
    assert not outbox.enqueue(msg, conv, KF_ID, "wmRetry1", "您好，已为您处理。")  # the event came twice
    assert outbox.deliver(msg) is OutboxStatus.PENDING
    [state] = outbox.for_conversation(conv)
    assert state["attempts"] == 1 and "WeComUnavailable" in state["last_error"]
    assert fake_wecom.state.sent == []

    assert outbox.run_once() == 0  # not due yet: the backoff holds it
    clock.now += timedelta(seconds=11)
    fake_wecom.state.fail("kf/send_msg", "busy", times=2)  # WeCom refuses again (errcode -1, busy)
    assert outbox.run_once() == 0
    assert outbox.for_conversation(conv)[0]["attempts"] == 2
    clock.now += timedelta(seconds=15)
    assert outbox.run_once() == 0  # the backoff doubled: 20 s
    clock.now += timedelta(seconds=10)
    assert outbox.run_once() == 1
    assert [m["msgid"] for m in fake_wecom.state.sent] == [msg]
    assert outbox.run_once() == 0 and outbox.deliver(msg) is OutboxStatus.SENT
    assert len(fake_wecom.state.sent) == 1
    assert outbox.for_conversation(conv)[0]["status"] == "sent"


def test_a_retry_after_a_timeout_that_reached_wecom_is_not_a_second_message(
    services: Services, client: WeComClient, fake_wecom: FakeWeCom
) -> None:
    outbox = KfReplyOutbox(services.sessions, client)
    conv, msg = conversation(services), "msg_" + uuid.uuid4().hex[:12]
    client.send_text(open_kfid=KF_ID, external_userid="wmRetry2", content="已收到", msgid=msg)  # WeCom got it
    outbox.enqueue(msg, conv, KF_ID, "wmRetry2", "已收到")  # but we saw a timeout: it is queued again
    assert outbox.run_once() == 1
    assert [m["msgid"] for m in fake_wecom.state.sent] == [msg]


def test_after_the_last_attempt_it_is_failed_until_staff_retry(
    services: Services, client: WeComClient, fake_wecom: FakeWeCom
) -> None:
    clock = Clock()
    outbox = KfReplyOutbox(services.sessions, client, clock=clock, max_attempts=2, backoff_base_s=1)
    conv, msg = conversation(services), "msg_" + uuid.uuid4().hex[:12]
    outbox.enqueue(msg, conv, KF_ID, "wmRetry3", "稍后联系您")
    fake_wecom.state.fail("kf/send_msg", "http500", times=4)
    outbox.deliver(msg)
    clock.now += timedelta(seconds=5)
    outbox.run_once()
    assert outbox.for_conversation(conv)[0]["status"] == "failed"
    assert outbox.counts().get("failed", 0) >= 1
    clock.now += timedelta(hours=1)
    assert outbox.run_once() == 0  # failed rows wait for a person
    with services.sessions() as session:
        staff = StaffUser(
            username=f"ops{uuid.uuid4().hex[:6]}", display_name="运维", role="agent", password_hash="x"
        )
        session.add(staff)
        session.commit()
    assert outbox.retry(msg, staff)
    assert outbox.for_conversation(conv)[0]["status"] == "sent"
    assert not outbox.retry(msg, staff)  # only a failed reply is retried
    assert len(fake_wecom.state.sent) == 1
