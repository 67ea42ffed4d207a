"""微信客服 inbound: callback → sync_msg pull (fake WeCom server on loopback) → deduplicated items."""

from __future__ import annotations

import pytest

from channels.wecom.client import WeComClient
from channels.wecom.crypto import CallbackCrypto
from channels.wecom.inbound import (
    UNSUPPORTED_REPLY,
    InMemoryCursorStore,
    InMemorySeenIds,
    KfCallbackEvent,
    KfInbox,
    KfItem,
    KfMessage,
    KfSessionEvent,
    Origin,
    parse_callback,
)
from tests.channels.wecom.conftest import FakeWeCom
from tests.channels.wecom.fake_wecom import CORP_ID, KF_ID

CALLBACK = (
    "<xml><ToUserName><![CDATA[{corp}]]></ToUserName><CreateTime>1780000000</CreateTime>"
    "<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[kf_msg_or_event]]></Event>"
    "<Token><![CDATA[ENCcbToken01]]></Token><OpenKfId><![CDATA[{kf}]]></OpenKfId></xml>"
)


class Recorder:
    def __init__(self, fail_on: str | None = None) -> None:
        self.items: list[KfItem] = []
        self.fail_on = fail_on

    def __call__(self, item: KfItem) -> None:
        if self.fail_on is not None and isinstance(item, KfMessage) and item.text == self.fail_on:
            self.fail_on = None  # fails once, like a crash mid-handling
            raise RuntimeError("handler crashed")
        self.items.append(item)


def make_inbox(client: WeComClient, handler: Recorder) -> KfInbox:
    return KfInbox(client, InMemoryCursorStore(), InMemorySeenIds(), handler, accounts=frozenset({KF_ID}))


EVENT = KfCallbackEvent(token="ENCcbToken01", open_kfid=KF_ID, create_time=1780000000)


def test_encrypted_callback_parses_to_a_pull_event() -> None:
    crypto = CallbackCrypto("cbToken", "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C", CORP_ID)
    envelope = crypto.encrypt(CALLBACK.format(corp=CORP_ID, kf=KF_ID), nonce="n1", timestamp="1780000000")
    signature = envelope.split("<MsgSignature><![CDATA[")[1].split("]]>")[0]
    event = parse_callback(crypto.decrypt(envelope, signature, "1780000000", "n1"))
    assert event == EVENT


def test_other_events_are_ignored_and_incomplete_kf_events_rejected() -> None:
    assert parse_callback("<xml><MsgType>event</MsgType><Event>change_external_chat</Event></xml>") is None
    with pytest.raises(ValueError):
        parse_callback("<xml><Event>kf_msg_or_event</Event><OpenKfId>wk1</OpenKfId></xml>")


def test_text_messages_are_normalised_in_order(wecom_client: WeComClient, fake_wecom: FakeWeCom) -> None:
    fake_wecom.state.push_customer_text("wmCust1", "信用卡年费怎么收？")
    fake_wecom.state.push_servicer_text("wmCust1", "zhang.wei", "您好，我来为您查询。")
    handler = Recorder()
    assert make_inbox(wecom_client, handler).pull(EVENT) == 2
    first, second = handler.items
    assert isinstance(first, KfMessage) and isinstance(second, KfMessage)
    assert (first.origin, first.text, first.external_userid) == (
        Origin.CUSTOMER,
        "信用卡年费怎么收？",
        "wmCust1",
    )
    assert (second.origin, second.servicer_userid) == (Origin.SERVICER, "zhang.wei")
    assert fake_wecom.state.sync_calls[0]["token"] == "ENCcbToken01"


@pytest.mark.parametrize("msgtype", ["image", "voice", "file", "video"])
def test_media_gets_a_polite_text_only_reply(
    wecom_client: WeComClient, fake_wecom: FakeWeCom, msgtype: str
) -> None:
    fake_wecom.state.push_customer_media("wmCust2", msgtype)
    handler = Recorder()
    make_inbox(wecom_client, handler).pull(EVENT)
    assert [s["text"]["content"] for s in fake_wecom.state.sent] == [UNSUPPORTED_REPLY]
    assert fake_wecom.state.sent[0]["touser"] == "wmCust2"
    item = handler.items[0]
    assert isinstance(item, KfMessage) and not item.supported and item.msgtype == msgtype


def test_a_repeated_callback_handles_each_msgid_once(
    wecom_client: WeComClient, fake_wecom: FakeWeCom
) -> None:
    fake_wecom.state.push_customer_text("wmCust1", "你好")
    handler = Recorder()
    inbox = make_inbox(wecom_client, handler)
    inbox.pull(EVENT)
    fake_wecom.state.push_customer_text("wmCust1", "还在吗")
    inbox.pull(EVENT)
    inbox.pull(EVENT)  # WeCom retried the callback
    assert [i.text for i in handler.items if isinstance(i, KfMessage)] == ["你好", "还在吗"]
    assert [c.get("cursor") for c in fake_wecom.state.sync_calls] == [None, "1", "2"]


def test_duplicate_msgid_in_the_feed_is_handled_once(
    wecom_client: WeComClient, fake_wecom: FakeWeCom
) -> None:
    msgid = fake_wecom.state.push_customer_text("wmCust1", "转账限额是多少")
    fake_wecom.state.push(KF_ID, dict(fake_wecom.state.inbox[KF_ID][0], msgid=msgid))
    handler = Recorder()
    assert make_inbox(wecom_client, handler).pull(EVENT) == 1
    assert len(handler.items) == 1


def test_cursor_pages_through_everything(wecom_client: WeComClient, fake_wecom: FakeWeCom) -> None:
    fake_wecom.state.page_size = 2
    for n in range(5):
        fake_wecom.state.push_customer_text("wmCust1", f"第{n}条")
    handler = Recorder()
    assert make_inbox(wecom_client, handler).pull(EVENT) == 5
    assert len(fake_wecom.state.sync_calls) == 3


def test_a_crashed_handler_loses_nothing(wecom_client: WeComClient, fake_wecom: FakeWeCom) -> None:
    for text in ["一", "二", "三"]:
        fake_wecom.state.push_customer_text("wmCust1", text)
    handler = Recorder(fail_on="二")
    inbox = make_inbox(wecom_client, handler)
    with pytest.raises(RuntimeError):
        inbox.pull(EVENT)
    inbox.pull(EVENT)  # the next callback
    assert [i.text for i in handler.items if isinstance(i, KfMessage)] == ["一", "二", "三"]


def test_session_events_are_normalised(wecom_client: WeComClient, fake_wecom: FakeWeCom) -> None:
    fake_wecom.state.push_event(
        {"event_type": "enter_session", "external_userid": "wmCust3", "welcome_code": "WELCOME1"}
    )
    fake_wecom.state.push_event(
        {
            "event_type": "session_status_change",
            "external_userid": "wmCust3",
            "change_type": 1,
            "new_servicer_userid": "zhang.wei",
            "msg_code": "CODE9",
        }
    )
    handler = Recorder()
    make_inbox(wecom_client, handler).pull(EVENT)
    enter, change = handler.items
    assert isinstance(enter, KfSessionEvent) and isinstance(change, KfSessionEvent)
    assert (enter.event_type, enter.code, enter.external_userid) == ("enter_session", "WELCOME1", "wmCust3")
    assert (change.change_type, change.servicer_userid, change.code) == (1, "zhang.wei", "CODE9")
    assert fake_wecom.state.sent == []  # events get no "text only" reply


def test_callbacks_for_unknown_accounts_are_not_pulled(
    wecom_client: WeComClient, fake_wecom: FakeWeCom
) -> None:
    handler = Recorder()
    other = KfCallbackEvent(token="t", open_kfid="wkSomeoneElse", create_time=0)
    assert make_inbox(wecom_client, handler).pull(other) == 0
    assert fake_wecom.state.sync_calls == []
