"""Callback → queue → background pull, with real crypto and the fake WeCom server (loopback)."""

from __future__ import annotations

import pytest

from channels.wecom.client import WeComClient
from channels.wecom.crypto import BadSignature, CallbackCrypto
from channels.wecom.inbound import InMemoryCursorStore, InMemorySeenIds, KfInbox, KfItem, KfMessage
from channels.wecom.kf_worker import KfCallbackWorker
from tests.channels.wecom.conftest import FakeWeCom
from tests.channels.wecom.fake_wecom import CORP_ID, KF_ID

TOKEN, AES_KEY = "cbTokenQingHe", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C"
CALLBACK = (
    "<xml><ToUserName><![CDATA[{corp}]]></ToUserName><CreateTime>1780000000</CreateTime>"
    "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{event}]]></Event>"
    "<Token><![CDATA[{token}]]></Token><OpenKfId><![CDATA[{kf}]]></OpenKfId></xml>"
)


def wecom_posts(event: str = "kf_msg_or_event", token: str = "ENCcb1") -> tuple[str, str, str, str]:
    """Encrypt a callback the way WeCom does: (body, msg_signature, timestamp, nonce)."""
    crypto = CallbackCrypto(TOKEN, AES_KEY, CORP_ID)
    envelope = crypto.encrypt(
        CALLBACK.format(corp=CORP_ID, event=event, token=token, kf=KF_ID), "n42", "1780000000"
    )
    signature = envelope.split("<MsgSignature><![CDATA[")[1].split("]]>")[0]
    return envelope, signature, "1780000000", "n42"


class Handler:
    def __init__(self) -> None:
        self.items: list[KfItem] = []

    def __call__(self, item: KfItem) -> None:
        self.items.append(item)

    @property
    def texts(self) -> list[str | None]:
        return [i.text for i in self.items if isinstance(i, KfMessage)]


def make_worker(client: WeComClient, handler: Handler) -> KfCallbackWorker:
    inbox = KfInbox(client, InMemoryCursorStore(), InMemorySeenIds(), handler, frozenset({KF_ID}))
    return KfCallbackWorker(CallbackCrypto(TOKEN, AES_KEY, CORP_ID), inbox, sleep=lambda _: None)


def test_callback_is_queued_and_pulled_in_the_background(
    wecom_client: WeComClient, fake_wecom: FakeWeCom
) -> None:
    fake_wecom.state.push_customer_text("wmCust1", "借记卡丢了怎么办")
    handler = Handler()
    worker = make_worker(wecom_client, handler)
    worker.start()
    try:
        assert worker.receive(*wecom_posts())
        assert worker.drain()
    finally:
        worker.stop()
    assert handler.texts == ["借记卡丢了怎么办"]
    assert fake_wecom.state.sync_calls[0]["token"] == "ENCcb1"
    assert (worker.stats.callbacks, worker.stats.pulls, worker.stats.items) == (1, 1, 1)


def test_forged_callback_is_refused_and_nothing_queued(wecom_client: WeComClient) -> None:
    worker = make_worker(wecom_client, Handler())
    body, _, timestamp, nonce = wecom_posts()
    with pytest.raises(BadSignature):
        worker.receive(body, "f" * 40, timestamp, nonce)
    assert worker.queued == 0


def test_other_events_are_acknowledged_but_not_pulled(wecom_client: WeComClient) -> None:
    worker = make_worker(wecom_client, Handler())
    assert worker.receive(*wecom_posts(event="change_external_contact")) is False
    assert worker.queued == 0


def test_callbacks_in_a_burst_collapse_into_one_pull(
    wecom_client: WeComClient, fake_wecom: FakeWeCom
) -> None:
    handler = Handler()
    worker = make_worker(wecom_client, handler)
    for n in range(3):
        fake_wecom.state.push_customer_text("wmCust1", f"第{n}条")
        worker.receive(*wecom_posts(token=f"ENCcb{n}"))
    assert worker.queued == 1
    assert worker.run_once() and not worker.run_once()
    assert [c["token"] for c in fake_wecom.state.sync_calls] == ["ENCcb2"]  # the newest token
    assert handler.texts == ["第0条", "第1条", "第2条"]


def test_an_outage_is_retried_until_the_messages_arrive(
    wecom_client: WeComClient, fake_wecom: FakeWeCom
) -> None:
    fake_wecom.state.push_customer_text("wmCust1", "在吗")
    wecom_client.tokens.get()
    fake_wecom.state.fail("kf/sync_msg", "http500", times=4)  # the client's four attempts all fail
    handler = Handler()
    worker = make_worker(wecom_client, handler)
    worker.receive(*wecom_posts())
    worker.run_once()
    assert handler.texts == ["在吗"]
    assert (worker.stats.failures, worker.stats.retries, worker.stats.pulls) == (1, 1, 1)
    assert worker.stats.last_error and "WeComUnavailable" in worker.stats.last_error
